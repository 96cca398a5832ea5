#include "consolerunner.h"

#include <atomic>
#include <csignal>

#include "demorunner.h"
#include "headlessrunner.h"
#include "scenariodemo.h"
#ifdef FORESIGHT_WITH_WINDOW
#include "windowdemo.h"
#include "windowrunner.h"
#endif

namespace {

// Set by SIGINT and SIGTERM; the terminal views and the demos poll it. The plain window needs no
// handler: closing it ends the event loop.
std::atomic<bool> g_stop{false};

void onSignal(int)
{
    g_stop.store(true);
}

} // namespace

int runConsole(const ConsoleCommandLine &commandLine)
{
    using Mode = ConsoleCommandLine::Mode;
#ifdef FORESIGHT_WITH_WINDOW
    if (commandLine.mode == Mode::Window)
        return runWindow(commandLine.session);
#endif
    std::signal(SIGINT, onSignal);
    std::signal(SIGTERM, onSignal);
    switch (commandLine.mode) {
    case Mode::Headless:
        return runHeadless(commandLine.headless, g_stop);
#ifdef FORESIGHT_WITH_WINDOW
    case Mode::WindowDemo:
        return runWindowDemo(commandLine.demo,
                             commandLine.screenshotPath,
                             g_stop,
                             commandLine.scenario ? &*commandLine.scenario : nullptr,
                             commandLine.scoreJsonPath);
#endif
    case Mode::TerminalDemo:
        if (commandLine.scenario)
            return runHeadlessScenario(commandLine.demo, *commandLine.scenario, commandLine.scoreJsonPath, g_stop);
        return runHeadlessDemo(commandLine.demo, g_stop);
    default: // the window modes, in a build without the window: the command line never asks for them
        return 2;
    }
}
