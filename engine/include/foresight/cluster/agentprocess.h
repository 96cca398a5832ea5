#pragma once

#include <memory>

#include <QByteArray>
#include <QString>
#include <QStringList>

#include "foresight/core/result.h"

class QProcess;

namespace foresight::cluster {

// One real foresight-agent child process: for the local demo cluster, integration tests and
// benchmarks. Owned by one thread (QProcess), which must be the thread that created it.
class AgentProcess final
{
public:
    struct Options
    {
        QString name;
        QString workDir; // stderr log, ipc socket and data live here
        QString binary;  // default: defaultBinary()
        bool insecure = false;
        QString keyFile; // with CURVE
        QString allowFile;
        QString listenUrl = QStringLiteral("tcp://127.0.0.1:*");
        QString sdkUrl; // default unix://<workDir>/<name>.sock
        QStringList extraArgs;
        int readyTimeoutMs = 15000;
    };

    // Starts the process and waits for its ready line.
    static Result<std::unique_ptr<AgentProcess>> start(const Options &options);
    // $FORESIGHT_AGENT_BIN, else foresight-agent beside the running program, else in
    // $FORESIGHT_BIN_DIR.
    static QString defaultBinary();
    ~AgentProcess(); // terminates the process (SIGCONT first if stopped), kills it if it lingers

    const QString &name() const { return m_options.name; }
    const QString &listenUrl() const { return m_listenUrl; } // resolved, stable across restarts
    const QString &sdkUrl() const { return m_sdkUrl; }
    const QByteArray &publicKey() const { return m_publicKey; }
    qint64 pid() const;
    bool isRunning() const;

    void kill();        // SIGKILL, waits for the exit
    void freeze();      // SIGSTOP
    void thaw();        // SIGCONT
    Status terminate(); // SIGTERM and wait for a clean exit
    // Starts the process again on the same endpoints.
    Status restart();
    QString stderrLog() const;

private:
    explicit AgentProcess(const Options &options);
    Status launch(const QString &listenUrl);

    Options m_options;
    std::unique_ptr<QProcess> m_process;
    QString m_listenUrl;
    QString m_sdkUrl;
    QByteArray m_publicKey;
    bool m_frozen = false;
};

} // namespace foresight::cluster
