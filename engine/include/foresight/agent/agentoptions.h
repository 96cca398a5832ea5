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

namespace foresight {

enum class Role { Primary, Replica };
enum class Tier { None, Hot, Warm, Cold };

QString roleName(Role role);
QString tierName(Tier tier);
std::optional<Role> roleFromName(const QString &name);
std::optional<Tier> tierFromName(const QString &name);

// Per-application replication settings. On a replica, the primary's settings win where they
// concern the stream (critical patterns travel in the replica-welcome message).
struct AppConfig
{
    QStringList critical;             // glob patterns of the keys a warm replica receives
    int syncReplicas = 1;             // hot acknowledgements a replicated write needs
    int ackTimeoutMs = 2000;          // how long a write waits for them
    int snapshotIntervalMs = 5000;    // how often cold replicas receive a snapshot
    qsizetype logMaxDeltas = 100'000; // delta log bounds, for catch-up without snapshots
    qsizetype logMaxBytes = 64 * 1024 * 1024;
    // Write lease: 0 turns leases off (a standalone agent, the demo). Above 0, the primary takes
    // writes only while it holds a lease from its console (the lease message), measured on its
    // own monotonic clock from when the grant arrived; a console promotes another replica only
    // once the old lease has certainly expired. No split brain, even when the old primary was
    // frozen or cut off and does not know it has been replaced.
    int leaseMs = 0;

    Status validate() const;
    QJsonObject toJson() const;
    // Fields absent from json keep this object's values; bad values give InvalidArgument.
    Status mergeJson(const QJsonObject &json, const QString &where);
};

// An application's role on this agent. A replica names the primary's agent endpoint and key.
struct AppAssignment
{
    QString app;
    Role role = Role::Primary;
    Tier tier = Tier::None;
    QString primaryUrl;
    QByteArray primaryPublicKey;
    AppConfig config;

    Status validate() const;
};

struct AgentOptions
{
    QString name;                                               // unique in the cluster; default: host name
    QString listenUrl = QStringLiteral("tcp://127.0.0.1:7400"); // control + replication
    QString sdkUrl;                                             // default unix://<runtime dir>/foresight-<name>.sock
    QString keyFile;                                            // CURVE key pair (required unless insecure)
    QString allowFile;                                          // allowlist (required unless insecure)
    KeyPair keys;                                               // loaded from keyFile
    Allowlist allowlist;                                        // loaded from allowFile
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

} // namespace foresight
