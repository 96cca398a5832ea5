#pragma once

#include <optional>

#include <QString>
#include <QStringList>

#include "consolesession.h"
#include "demorunner.h"
#include "foresight/core/result.h"
#include "headlessrunner.h"
#include "scenarioplay.h"

// What `foresight` was asked to do, read from its command line.
struct ConsoleCommandLine
{
    enum class Mode {
        Window,       // the window on the console store's cluster (session)
        Headless,     // --headless: the engine on a real cluster, terminal view (headless)
        TerminalDemo, // --demo without a window (demo, scenario)
        WindowDemo,   // --demo in the window (demo, scenario, screenshotPath)
    };
    Mode mode = Mode::Window;
    SessionOptions session;
    HeadlessOptions headless;
    DemoOptions demo;
    std::optional<ScenarioChoice> scenario; // --scenario, loaded and checked before anything starts
    QString screenshotPath;                 // --screenshot
    QString scoreJsonPath;                  // --score-json
};

// Whether to open the window, decided from argv before the application object exists: the window
// needs a QApplication, which needs a display. --headless never opens one; --demo does when there
// is a display (and not --plain), else it shows the terminal view; a screenshot renders offscreen
// when there is no display (this sets QT_QPA_PLATFORM for it). Always false in a build without
// the window. An error when the window is wanted but there is no display to show it on.
foresight::Result<bool> chooseWindow(int argc, char *argv[]);

// Reads the command line (QCoreApplication::arguments()) for a console with or without the window.
// --help, --version and an unknown option print and exit the process, as QCommandLineParser
// does. Anything else wrong is an InvalidArgument whose message main() prints after "foresight: "
// before exiting with 2: bad usage ends with "(see foresight --help)"; a malformed scenario names
// its file and line.
foresight::Result<ConsoleCommandLine> parseConsoleCommandLine(const QStringList &arguments, bool window);
