#pragma once

#include "consolecommandline.h"

// Hands the console over to the runner of its mode (windowrunner.h, headlessrunner.h,
// demorunner.h, scenariodemo.h, windowdemo.h). The window modes need the QApplication main()
// made for them. Returns the process exit code.
int runConsole(const ConsoleCommandLine &commandLine);
