#pragma once

// Private to the agent: what SDK clients report of their mirrors (mirror-report, docs/protocol.md
// 7.9), kept per application and client so that the status (9.2) and heartbeats carry it to the
// console. The metrics are the client's own (hits never reach the agent); the agent checks their
// shape, keeps the latest per client, and forgets a client that stops reporting.

#include <cstdint>

#include <QCborArray>
#include <QCborMap>
#include <QHash>
#include <QString>

#include "foresight/core/result.h"

namespace foresight::agent {

class MirrorReports final
{
public:
    static constexpr int kMaxClientsPerApp = 256;
    static constexpr int kMaxFields = 40;
    static constexpr std::int64_t kForgetAfterMs = 60'000;

    // InvalidArgument naming the field when `metrics` is not a map of numbers, booleans and
    // maps of numbers (one level), at most kMaxFields entries each.
    static Status validate(const QCborMap &metrics);

    // The client (name, and the connection it reports on) reported at nowMs.
    void record(const QString &app,
                const QString &client,
                std::uint64_t connection,
                const QCborMap &metrics,
                std::int64_t nowMs);
    // app's clients that reported within kForgetAfterMs, each {client, reported-ms-ago, metrics}.
    // Empty when none. (Older reports are dropped by the next record(), and are at most
    // kMaxClientsPerApp per application meanwhile.)
    QCborArray clients(const QString &app, std::int64_t nowMs) const;
    void forgetApp(const QString &app) { m_apps.remove(app); }

private:
    struct Report
    {
        QString client;
        QCborMap metrics;
        std::int64_t receivedMs = 0;
    };
    QHash<QString, QHash<QString, Report>> m_apps; // app -> client key -> latest report
};

} // namespace foresight::agent
