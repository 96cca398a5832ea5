// foresight: the operations console. Without a mode it opens the window on the cluster of the
// console store (or of --cluster); --headless runs the same engine with a terminal view; --demo
// runs a local cluster of real agents under a demo workload; --demo --scenario plays a training
// scenario on it and scores the run. main() makes the application object the mode needs, reads
// the command line (consolecommandline.h) and hands over to the mode's runner (consolerunner.h).

#include <cstdio>
#include <memory>

#include <QCoreApplication>
#ifdef FORESIGHT_WITH_WINDOW
#include <QApplication>

#include "i18n/translations.h"
#include "theme/theme.h"
#endif

#include "consolecommandline.h"
#include "consolerunner.h"

namespace {

int usageError(const foresight::Error &error)
{
    std::fprintf(stderr, "foresight: %s\n", qPrintable(error.message));
    return 2;
}

} // namespace

int main(int argc, char *argv[])
{
    const auto window = chooseWindow(argc, argv);
    if (!window)
        return usageError(window.error());
#ifdef FORESIGHT_WITH_WINDOW
    std::unique_ptr<QCoreApplication> app = *window ? std::make_unique<QApplication>(argc, argv)
                                                    : std::make_unique<QCoreApplication>(argc, argv);
#else
    auto app = std::make_unique<QCoreApplication>(argc, argv);
#endif
    QCoreApplication::setApplicationName(QStringLiteral("foresight"));
    QCoreApplication::setApplicationVersion(QStringLiteral(FORESIGHT_VERSION_STRING));
#ifdef FORESIGHT_WITH_WINDOW
    if (*window) { // the window's language (FORESIGHT_LANG, else the system's) and theme, before any widget
        foresight::widgets::installTranslations();
        foresight::widgets::applyTheme(foresight::widgets::savedTheme());
    }
#endif

    const auto commandLine = parseConsoleCommandLine(QCoreApplication::arguments(), *window);
    if (!commandLine)
        return usageError(commandLine.error());
    return runConsole(*commandLine);
}
