#pragma once

#include <cstdint>
#include <optional>

#include <QByteArray>
#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>

#include "foresight/core/result.h"
#include "foresight/transport/keys.h"
#include "foresight/vocabulary/appconfig.h"

namespace foresight::agent {

struct AgentOptions
{
    QString name;                                               // unique in the cluster; default: host name
    QString listenUrl = QStringLiteral("tcp://127.0.0.1:7400"); // control + replication
    QString sdkUrl;                                             // default unix://<runtime dir>/foresight-<name>.sock
    QString keyFile;                                            // CURVE key pair (required unless insecure)
    QString allowFile;                                          // allowlist (required unless insecure)
    transport::KeyPair keys;                                    // loaded from keyFile
    transport::Allowlist allowlist;                             // loaded from allowFile
    bool insecure = false;                                      // plain TCP, everyone is admin: tests and labs only
    QString dataDir;                                            // cold snapshots (SQLite); default: XDG data dir
    qsizetype maxMessageBytes = 16 * 1024 * 1024;
    qsizetype maxValueBytes = 1024 * 1024;
    int replicaAckIntervalMs = 100;   // replica keep-alive / lag report interval
    bool allowFaultInjection = false; // accept the fault message (labs, training, tests)
    // The Predictive State Engine learns from at most this many deltas per second and application
    // (0: no prediction, no divergence, no overlay at promotion). It runs on its own thread; the
    // budget bounds its CPU (a GRU step costs about 90 us) under write bursts. 0 .. 100000.
    int predictionRate = 500;
    // Each primary application keeps a usage profile of its keys (partitioning/UsageProfile:
    // reads, writes, recency, time of day, co-access by client, in 4 MiB per application) from
    // the SDK's gets and writes, for the staleness partitions. false: none is kept.
    bool usageProfile = true;
    // Where host metrics are read from: /proc, or a simulated host's files (sim/SimulatedHost) so
    // that the real agent runs on a simulated machine.
    QString procRoot = QStringLiteral("/proc");
    // Non-empty: outgoing TCP connections (to primaries and measured peers) leave from this local
    // IPv4 address, so that a simulated network (sim/SimulatedNetwork) knows which host they come
    // from. Empty: the kernel picks, as usual.
    QString sourceAddress;
    // For simulations only: the agent's clock (ScaledClock) runs this many times as fast as real
    // time, so every interval it measures (heartbeats, leases, acknowledgement time-outs,
    // snapshots, catch-up, probes) passes that much sooner. 1: real time. The console must run at
    // the same scale: leases are counted on both clocks (foresight/core/clock.h).
    double timeScale = 1.0;
    // With timeScale: the real wall time (Unix ms) from which the scaled clock runs; 0: when the
    // agent starts. A local cluster passes its own, so that its agents and console agree on time.
    qint64 timeOriginWallMs = 0;
    QList<AppAssignment> apps; // initial roles

    // The endpoint to connect to for `url`: with a source address and a tcp:// url, libzmq's
    // tcp://SOURCE:0;HOST:PORT form, else url unchanged.
    QString connectUrl(const QString &url) const;

    // Reads the JSON configuration file format documented in `foresight-agent --help`.
    static Result<AgentOptions> fromJson(const QJsonObject &json, const QString &sourceName);
    static Result<AgentOptions> fromFile(const QString &path);
    // Fills defaults, loads key and allowlist files and checks everything fits together.
    Status finalize();
};

} // namespace foresight::agent
