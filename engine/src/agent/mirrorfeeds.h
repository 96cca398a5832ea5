#pragma once

// Private to the agent: the change events it pushes to SDK clients' mirrors (issue 21;
// docs/protocol.md 7.7 and 7.8, docs/mirrors.md). A client subscribes on its unix:// connection;
// as the primary applies writes, the keys they change are gathered per subscription and sent
// once per loop turn, each key once, numbered 1, 2, 3, ... so that a client sees a missed one.
// With nothing to say, an empty event every interval tells the client the feed is alive.
//
// Pure bookkeeping: the agent's thread owns it, says what changed, and sends what flush() hands
// it. Cheap on the write path when nobody subscribes (one emptiness check).

#include <cstdint>
#include <functional>
#include <optional>
#include <unordered_map>

#include <QByteArray>
#include <QHash>
#include <QSet>
#include <QString>
#include <QStringList>

namespace foresight::agent {

class MirrorFeeds final
{
public:
    static constexpr int kMaxKeysPerEvent = 256;
    static constexpr int kDefaultIntervalMs = 1000;
    static constexpr int kMinIntervalMs = 50;
    static constexpr int kMaxIntervalMs = 60'000;
    static constexpr int kMaxPrefixes = 64;

    struct Subscribed
    {
        std::uint64_t subscription = 0;
        int intervalMs = kDefaultIntervalMs;
    };
    // connection's subscription to app (replacing one it had: events start again at 1).
    Subscribed subscribe(
        const QString &app, std::uint64_t connection, const QStringList &prefixes, int intervalMs, std::int64_t nowMs);

    // The primary applied a change of key in app.
    void noteChange(const QString &app, const QString &key)
    {
        if (!m_byApp.isEmpty())
            noteChangeSlow(app, key);
    }
    // Every copy of app's keys may be stale (predicted values resolved): an overflow event.
    void noteEverythingChanged(const QString &app);

    // One event to send.
    struct Event
    {
        std::uint64_t connection = 0;
        QByteArray body; // CBOR
    };
    // Where an application stands: its epoch and seq, or why it no longer serves subscriptions
    // (not the primary, fenced, gone), which ends them with an event saying so.
    struct AppPosition
    {
        std::uint64_t epoch = 0;
        std::uint64_t seq = 0;
        QString endReason; // empty: serving
    };
    // The events due at nowMs; `send` returns false when the connection is gone, which drops
    // its subscriptions.
    void flush(std::int64_t nowMs,
               const std::function<AppPosition(const QString &app)> &positionOf,
               const std::function<bool(const Event &)> &send);

    void dropConnection(std::uint64_t connection);
    int size() const { return int(m_subscriptions.size()); }
    std::int64_t eventsSent() const { return m_eventsSent; }
    // For app's status: its subscriptions now, and the events sent for it since the agent started.
    int subscriptions(const QString &app) const { return int(m_byApp.value(app).size()); }
    std::int64_t eventsSent(const QString &app) const { return m_eventsByApp.value(app); }

private:
    struct Subscription
    {
        QString app;
        std::uint64_t connection = 0;
        QStringList prefixes; // empty: every key
        int intervalMs = kDefaultIntervalMs;
        std::uint64_t eventSeq = 0;
        QStringList pending;
        QSet<QString> pendingSet;
        bool overflow = false;
        std::int64_t lastSentMs = 0;
    };
    void noteChangeSlow(const QString &app, const QString &key);
    void remove(std::uint64_t subscription);

    std::unordered_map<std::uint64_t, Subscription> m_subscriptions;
    QHash<QString, QList<std::uint64_t>> m_byApp;
    std::uint64_t m_nextId = 1;
    std::int64_t m_eventsSent = 0;
    QHash<QString, std::int64_t> m_eventsByApp;
};

} // namespace foresight::agent
