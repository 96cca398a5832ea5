// The agent's side of client mirrors' change events (docs/protocol.md 7.7, 7.8; docs/mirrors.md):
// subscriptions on unix:// SDK connections, and the events each loop turn owes them.

#include <QCborArray>

#include "agent/agentimpl.h"

namespace foresight::agent {

using protocol::Message;
using protocol::MessageType;

void Agent::Impl::handleMirrorSubscribe(const ReplyRoute &route, std::uint64_t connection, const Message &message)
{
    if (connection == 0) {
        replyError(route,
                   ErrorCode::InvalidArgument,
                   QStringLiteral("mirror-subscribe is offered on an agent's unix:// SDK endpoint only; over ZeroMQ "
                                  "mirrors run without change events"));
        return;
    }
    const QString appName = message.body.value(QStringLiteral("app")).toString();
    AppInstance *app = findApp(appName);
    if (!app) {
        replyError(route, ErrorCode::NotFound, QStringLiteral("this agent holds no application '%1'").arg(appName));
        return;
    }
    if (app->role != Role::Primary) {
        replyNotPrimary(route, *app);
        return;
    }
    if (!refuseUnlessServing(route, *app))
        return;
    QStringList prefixes;
    const QCborArray prefixArray = message.body.value(QStringLiteral("prefixes")).toArray();
    if (prefixArray.size() > MirrorFeeds::kMaxPrefixes) {
        replyError(route,
                   ErrorCode::InvalidArgument,
                   QStringLiteral("at most %1 prefixes per subscription, got %2")
                       .arg(MirrorFeeds::kMaxPrefixes)
                       .arg(prefixArray.size()));
        return;
    }
    for (const QCborValue &prefix : prefixArray) {
        if (!prefix.isString() || prefix.toString().isEmpty()) {
            replyError(route,
                       ErrorCode::InvalidArgument,
                       QStringLiteral("prefixes must be non-empty text; leave the field out for every key"));
            return;
        }
        prefixes.append(prefix.toString());
    }
    int intervalMs = MirrorFeeds::kDefaultIntervalMs;
    if (const QCborValue interval = message.body.value(QStringLiteral("interval-ms")); interval.isInteger()) {
        if (interval.toInteger() < MirrorFeeds::kMinIntervalMs || interval.toInteger() > MirrorFeeds::kMaxIntervalMs) {
            replyError(route,
                       ErrorCode::InvalidArgument,
                       QStringLiteral("interval-ms must be from %1 to %2, got %3")
                           .arg(MirrorFeeds::kMinIntervalMs)
                           .arg(MirrorFeeds::kMaxIntervalMs)
                           .arg(interval.toInteger()));
            return;
        }
        intervalMs = int(interval.toInteger());
    }
    const MirrorFeeds::Subscribed subscribed
        = m_mirrorFeeds.subscribe(appName, connection, prefixes, intervalMs, m_clock.monotonicMs());
    QCborMap body;
    body.insert(QStringLiteral("id"), route.requestId);
    body.insert(QStringLiteral("app"), appName);
    body.insert(QStringLiteral("subscription"), qint64(subscribed.subscription));
    body.insert(QStringLiteral("epoch"), qint64(app->epoch));
    body.insert(QStringLiteral("seq"), qint64(app->state.seq()));
    body.insert(QStringLiteral("interval-ms"), subscribed.intervalMs);
    reply(route, Message{MessageType::Ok, body});
}

void Agent::Impl::flushMirrorFeeds()
{
    if (!m_sdkStream || m_mirrorFeeds.size() == 0)
        return;
    m_mirrorFeeds.flush(
        m_clock.monotonicMs(),
        [this](const QString &name) {
            MirrorFeeds::AppPosition position;
            AppInstance *app = findApp(name);
            if (!app) {
                position.endReason = QStringLiteral("'%1' is no longer on this agent").arg(name);
                return position;
            }
            position.epoch = app->epoch;
            position.seq = app->state.seq();
            if (app->role != Role::Primary)
                position.endReason
                    = QStringLiteral("agent '%1' is no longer the primary of '%2'").arg(m_options.name, name);
            else if (app->fenced)
                position.endReason = QStringLiteral("the primary of '%1' is fenced: %2").arg(name, app->fencedReason);
            else if (!holdsWriteLease(*app))
                position.endReason = QStringLiteral("the primary of '%1' holds no write lease").arg(name);
            return position;
        },
        [this](const MirrorFeeds::Event &event) {
            return m_sdkStream->send(event.connection, MessageType::MirrorEvent, event.body);
        });
}

void Agent::Impl::handleMirrorReport(const ReplyRoute &route, std::uint64_t connection, const Message &message)
{
    const QString appName = message.body.value(QStringLiteral("app")).toString();
    if (!findApp(appName)) {
        replyError(route, ErrorCode::NotFound, QStringLiteral("this agent holds no application '%1'").arg(appName));
        return;
    }
    const QCborMap metrics = message.body.value(QStringLiteral("metrics")).toMap();
    if (auto valid = MirrorReports::validate(metrics); !valid) {
        replyError(route, valid.error().code, valid.error().message);
        return;
    }
    m_mirrorReports.record(appName,
                           message.body.value(QStringLiteral("client")).toString(),
                           connection,
                           metrics,
                           m_clock.monotonicMs());
    QCborMap body;
    body.insert(QStringLiteral("id"), route.requestId);
    reply(route, Message{MessageType::Ok, body});
}

void Agent::Impl::addMirrorStatus(const AppInstance &app, QCborMap &status) const
{
    const int subscriptions = m_mirrorFeeds.subscriptions(app.name);
    const std::int64_t events = m_mirrorFeeds.eventsSent(app.name);
    const QCborArray clients = m_mirrorReports.clients(app.name, m_clock.monotonicMs());
    if (subscriptions == 0 && events == 0 && clients.isEmpty())
        return;
    status.insert(QStringLiteral("mirrors"),
                  QCborMap{{QStringLiteral("subscriptions"), subscriptions},
                           {QStringLiteral("events-sent"), qint64(events)},
                           {QStringLiteral("clients"), clients}});
}

} // namespace foresight::agent
