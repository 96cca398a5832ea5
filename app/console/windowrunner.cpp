#include "windowrunner.h"

#include <cstdio>

#include <QApplication>
#include <QFileInfo>
#include <QMessageBox>

#include "bridge/consolebridge.h"
#include "mainwindow/mainwindow.h"
#include "reportexport.h"

using namespace foresight;
using foresight::widgets::ConsoleBridge;
using foresight::widgets::MainWindow;

bool haveDisplay()
{
    return !qEnvironmentVariableIsEmpty("DISPLAY") || !qEnvironmentVariableIsEmpty("WAYLAND_DISPLAY")
           || !qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM");
}

int runWindow(const SessionOptions &options)
{
    ConsoleBridge bridge;
    MainWindow window(&bridge);
    std::unique_ptr<ConsoleSession> session; // destroyed before the bridge it publishes to

    const auto adopt = [&](std::unique_ptr<ConsoleSession> opened) {
        session = std::move(opened);
        // For the terminal the window was started from: where scripts find the HTTP API, or why not.
        for (const QString &note : session->notes()) {
            if (note.contains(QLatin1String("HTTP API")))
                std::fprintf(stderr, "foresight: %s\n", qPrintable(note));
        }
        if (!session->apiLine().isEmpty())
            std::fprintf(stderr, "foresight: %s\n", qPrintable(session->apiLine()));
        bridge.setEngine(&session->engine());
        window.setReportSource(reportSource(session->store().path()));
    };
    const auto open = [&](const SessionOptions &sessionOptions) {
        bridge.setEngine(nullptr);
        session.reset();
        auto opened = ConsoleSession::open(sessionOptions,
                                           [&bridge](std::shared_ptr<const failover::ClusterSnapshot> snapshot) {
                                               bridge.publish(std::move(snapshot));
                                           });
        if (!opened) {
            QMessageBox::warning(&window, QObject::tr("Cannot open the cluster"), opened.error().message);
            return;
        }
        adopt(std::move(*opened));
    };
    QObject::connect(&window, &MainWindow::openClusterRequested, &window, [&](const QString &path) {
        SessionOptions next = options;
        next.clusterFile = path;
        open(next);
    });

    // A --cluster given on the command line that cannot be opened fails at once, in the terminal
    // it was typed in; later failures (File > Open) are shown in the window.
    if (!options.clusterFile.isEmpty()) {
        auto opened = ConsoleSession::open(options,
                                           [&bridge](std::shared_ptr<const failover::ClusterSnapshot> snapshot) {
                                               bridge.publish(std::move(snapshot));
                                           });
        if (!opened) {
            std::fprintf(stderr, "foresight: %s\n", qPrintable(opened.error().message));
            return 1;
        }
        adopt(std::move(*opened));
    }
    window.show();
    // Without --cluster: the store's cluster, if there is a store; else the window opens empty and
    // the status bar says how to start (File > Open cluster configuration).
    if (options.clusterFile.isEmpty() && QFileInfo::exists(options.storePath))
        open(options);
    const int code = QApplication::exec();
    bridge.setEngine(nullptr);
    return code;
}
