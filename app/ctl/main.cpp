// foresightctl: drives Foresight agents and a running console (the cluster commands) from a
// terminal. main() makes the application object, reads the command line (ctlcommandline.h) and
// hands over to the command's runner (ctlrunner.h).

#include <memory>

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QGuiApplication>

#include "ctlcommandline.h"
#include "ctlrunner.h"

int main(int argc, char *argv[])
{
    // foresightctl never shows a window: the QGuiApplication that `report export` needs for its
    // PDF's fonts runs offscreen, unless the caller chose a platform.
    const bool reports = drawsReports(argc, argv);
    if (reports && qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    const std::unique_ptr<QCoreApplication> app = reports ? std::make_unique<QGuiApplication>(argc, argv)
                                                          : std::make_unique<QCoreApplication>(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("foresightctl"));
    QCoreApplication::setApplicationVersion(QStringLiteral(FORESIGHT_VERSION_STRING));

    QCommandLineParser parser;
    describeCtlCommandLine(parser);
    parser.process(*app);
    return runCtl(parser);
}
