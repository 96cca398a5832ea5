// The primary's usage profiles: every get it serves and write it accepts, with the client that
// sent it, for the staleness partitions (issue 20).

#include "agent/agentimpl.h"
#include "foresight/core/logging.h"

namespace foresight::agent {

void Agent::Impl::recordAccess(AppInstance &app,
                               const QString &key,
                               partitioning::AccessKind kind,
                               const ReplyRoute &route)
{
    if (!m_options.usageProfile)
        return;
    if (!app.usage) {
        // The defaults always validate; a failure here is a bug, and costs only the profile.
        auto created = partitioning::UsageProfile::create(partitioning::UsageProfileOptions{}, m_clock);
        if (!created) {
            qCWarning(lcAgent, "%s: no usage profile: %s", qPrintable(app.name), qPrintable(created.error().toString()));
            m_options.usageProfile = false;
            return;
        }
        app.usage.emplace(std::move(*created));
    }
    // The client is its first routing frame: a ZeroMQ routing id, or a unix:// connection's
    // number. The socket kind keeps an API peer apart from an SDK client with the same id.
    const QByteArrayView identity = route.routing.isEmpty() ? QByteArrayView() : QByteArrayView(route.routing.first());
    app.usage->record(key, kind, partitioning::UsageProfile::clientId(identity) ^ std::uint64_t(route.socket));
}

void Agent::Impl::addUsageStatus(const AppInstance &app, QCborMap &status) const
{
    if (!app.usage)
        return;
    status.insert(QStringLiteral("usage"),
                  QCborMap{{QStringLiteral("tracked-keys"), app.usage->trackedKeys()},
                           {QStringLiteral("accesses"), qint64(app.usage->accesses())},
                           {QStringLiteral("bytes"), qint64(app.usage->bytesUsed())},
                           {QStringLiteral("budget-bytes"), qint64(app.usage->options().memoryBudgetBytes)}});
}

} // namespace foresight::agent
