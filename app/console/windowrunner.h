#pragma once

#include "consolesession.h"

// `foresight` with a window: the engine on the cluster of the console store (or of --cluster),
// with the console's main window on it until the window closes. Returns the exit code.
// Needs a QApplication.
int runWindow(const SessionOptions &options);

// Whether a window can be shown at all (a display, or a Qt platform chosen explicitly).
bool haveDisplay();
