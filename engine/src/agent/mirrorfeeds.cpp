#include "agent/mirrorfeeds.h"

#include <QCborArray>
#include <QCborMap>

#include "foresight/protocol/message.h"

namespace foresight::agent {

MirrorFeeds::Subscribed MirrorFeeds::subscribe(
    const QString &app, std::uint64_t connection, const QStringList &prefixes, int intervalMs, std::int64_t nowMs)
{
    for (const std::uint64_t id : m_byApp.value(app)) {
        if (m_subscriptions.at(id).connection == connection) {
            remove(id);
            break;
        }
    }
    Subscription subscription;
    subscription.app = app;
    subscription.connection = connection;
    subscription.prefixes = prefixes;
    subscription.intervalMs = intervalMs;
    subscription.lastSentMs = nowMs;
    const std::uint64_t id = m_nextId++;
    m_subscriptions.emplace(id, std::move(subscription));
    m_byApp[app].append(id);
    return {id, intervalMs};
}

void MirrorFeeds::noteChangeSlow(const QString &app, const QString &key)
{
    const auto ids = m_byApp.constFind(app);
    if (ids == m_byApp.cend())
        return;
    for (const std::uint64_t id : *ids) {
        Subscription &subscription = m_subscriptions.at(id);
        if (subscription.overflow)
            continue;
        if (!subscription.prefixes.isEmpty()) {
            bool matches = false;
            for (const QString &prefix : std::as_const(subscription.prefixes))
                matches = matches || key.startsWith(prefix);
            if (!matches)
                continue;
        }
        if (subscription.pendingSet.contains(key))
            continue;
        if (subscription.pending.size() >= kMaxKeysPerEvent) {
            // Too many to name: the client re-reads every copy instead.
            subscription.overflow = true;
            subscription.pending.clear();
            subscription.pendingSet.clear();
            continue;
        }
        subscription.pending.append(key);
        subscription.pendingSet.insert(key);
    }
}

void MirrorFeeds::noteEverythingChanged(const QString &app)
{
    for (const std::uint64_t id : m_byApp.value(app)) {
        Subscription &subscription = m_subscriptions.at(id);
        subscription.overflow = true;
        subscription.pending.clear();
        subscription.pendingSet.clear();
    }
}

void MirrorFeeds::flush(std::int64_t nowMs,
                        const std::function<AppPosition(const QString &app)> &positionOf,
                        const std::function<bool(const Event &)> &send)
{
    if (m_subscriptions.empty())
        return;
    QList<std::uint64_t> gone;
    QHash<QString, AppPosition> positions;
    for (auto &[id, subscription] : m_subscriptions) {
        auto position = positions.constFind(subscription.app);
        if (position == positions.cend())
            position = positions.insert(subscription.app, positionOf(subscription.app));
        const bool ending = !position->endReason.isEmpty();
        const bool changed = subscription.overflow || !subscription.pending.isEmpty();
        if (!ending && !changed && nowMs - subscription.lastSentMs < subscription.intervalMs)
            continue;
        QCborMap body;
        body.insert(QStringLiteral("app"), subscription.app);
        body.insert(QStringLiteral("subscription"), qint64(id));
        body.insert(QStringLiteral("event-seq"), qint64(++subscription.eventSeq));
        body.insert(QStringLiteral("epoch"), qint64(position->epoch));
        body.insert(QStringLiteral("seq"), qint64(position->seq));
        body.insert(QStringLiteral("keys"), QCborArray::fromStringList(subscription.pending));
        if (subscription.overflow)
            body.insert(QStringLiteral("overflow"), true);
        if (ending)
            body.insert(QStringLiteral("end"), position->endReason);
        subscription.pending.clear();
        subscription.pendingSet.clear();
        subscription.overflow = false;
        subscription.lastSentMs = nowMs;
        ++m_eventsSent;
        ++m_eventsByApp[subscription.app];
        if (!send(Event{subscription.connection, protocol::encodeBody(body)}) || ending)
            gone.append(id);
    }
    for (const std::uint64_t id : gone)
        remove(id);
}

void MirrorFeeds::dropConnection(std::uint64_t connection)
{
    QList<std::uint64_t> gone;
    for (const auto &[id, subscription] : m_subscriptions) {
        if (subscription.connection == connection)
            gone.append(id);
    }
    for (const std::uint64_t id : gone)
        remove(id);
}

void MirrorFeeds::remove(std::uint64_t subscription)
{
    const auto it = m_subscriptions.find(subscription);
    if (it == m_subscriptions.end())
        return;
    auto ids = m_byApp.find(it->second.app);
    if (ids != m_byApp.end()) {
        ids->removeOne(subscription);
        if (ids->isEmpty())
            m_byApp.erase(ids);
    }
    m_subscriptions.erase(it);
}

} // namespace foresight::agent
