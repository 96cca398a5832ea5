#include "foresight/sdk/mirroredclient.h"

#include <chrono>

namespace foresight::sdk {

namespace {

std::int64_t microsecondsSince(std::chrono::steady_clock::time_point start)
{
    return std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - start).count();
}

} // namespace

Result<std::unique_ptr<MirroredClient>> MirroredClient::connect(const ClientOptions &options,
                                                                const mirror::MirrorPolicy &policy,
                                                                const Clock &clock)
{
    if (auto valid = policy.validate(); !valid)
        return std::unexpected(valid.error());
    mirror::MirrorPolicy effective = policy;
    const QByteArray flag = qgetenv("FORESIGHT_MIRRORS");
    if (flag == "off" || flag == "0")
        effective.enabled = false;
    else if (!flag.isEmpty() && flag != "on" && flag != "1")
        return std::unexpected(
            Error{ErrorCode::InvalidArgument,
                  QStringLiteral("FORESIGHT_MIRRORS is '%1'; it must be on or off").arg(QString::fromLocal8Bit(flag))});
    auto client = Client::connect(options);
    if (!client)
        return std::unexpected(client.error());
    return std::unique_ptr<MirroredClient>(new MirroredClient(std::move(*client), effective, clock));
}

MirroredClient::MirroredClient(std::unique_ptr<Client> client, const mirror::MirrorPolicy &policy, const Clock &clock)
    : m_client(std::move(client))
    , m_table(policy)
    , m_clock(clock)
    , m_agentUrl(m_client->currentAgentUrl())
{}

MirroredClient::~MirroredClient() = default;

void MirroredClient::noticeFailover(std::uint64_t epoch)
{
    const QString url = m_client->currentAgentUrl();
    if (url == m_agentUrl && epoch <= m_epoch)
        return;
    const bool moved = (url != m_agentUrl || epoch > m_epoch) && m_epoch != 0;
    m_agentUrl = url;
    m_epoch = std::max(m_epoch, epoch);
    if (moved && m_table.size() > 0)
        m_table.invalidateAll();
}

void MirroredClient::eventsLost(const QString &why)
{
    m_eventsError = why;
    m_lossReason = why;
    if (m_subscription == 0)
        return;
    m_subscription = 0;
    m_table.setEventsLive(false);
    // Changes since the feed stopped were announced to nobody.
    if (m_table.size() > 0)
        m_table.invalidateAll();
}

void MirroredClient::onEvent(const MirrorEventMessage &message)
{
    if (m_subscription == 0 || message.subscription != m_subscription)
        return; // an earlier subscription's, still on its way
    const std::int64_t now = m_clock.monotonicMs();
    m_lastEventMs = now;
    if (!message.end.isEmpty()) {
        eventsLost(QStringLiteral("the agent ended the change events: %1").arg(message.end));
        m_nextSubscribeMs = now; // at once, to whichever agent is primary now
        return;
    }
    m_table.applyEvent(message.event, now);
}

void MirroredClient::pollEvents(std::int64_t nowMs)
{
    if (m_subscription == 0)
        return;
    if (m_client->connectionGeneration() != m_subscribedConnection) {
        eventsLost(QStringLiteral("the connection the events came on was replaced (failover)"));
        return;
    }
    if (auto ok = m_client->pollEvents(); !ok) {
        eventsLost(ok.error().message);
        return;
    }
    if (m_subscription != 0 && nowMs - m_lastEventMs > 3 * std::int64_t(m_eventIntervalMs))
        eventsLost(QStringLiteral("no change event nor keep-alive for %1 ms").arg(nowMs - m_lastEventMs));
}

void MirroredClient::subscribeIfDue(std::int64_t nowMs)
{
    const mirror::MirrorPolicy &policy = m_table.policy();
    if (!policy.enabled || !policy.changeEvents || m_subscription != 0 || nowMs < m_nextSubscribeMs)
        return;
    // Every key's changes: a copy may be of any key but the excluded ones, which are rarely
    // many, and the events name only the keys that changed.
    auto subscribed = m_client->subscribeMirror(QStringList(),
                                                policy.eventIntervalMs,
                                                [this](const MirrorEventMessage &message) { onEvent(message); });
    if (!subscribed) {
        // Not offered here (a ZeroMQ endpoint, an older agent) or no primary now: copies live
        // maxAgeMs; asked again in a while.
        const QString why = QStringLiteral("cannot subscribe: %1").arg(subscribed.error().message);
        m_eventsError = m_lossReason.isEmpty() ? why : m_lossReason + QStringLiteral("; ") + why;
        m_nextSubscribeMs = nowMs + 10 * std::int64_t(policy.eventIntervalMs);
        return;
    }
    m_subscription = subscribed->subscription;
    m_subscribedConnection = subscribed->connection;
    m_eventIntervalMs = subscribed->intervalMs > 0 ? subscribed->intervalMs : policy.eventIntervalMs;
    m_lastEventMs = m_clock.monotonicMs();
    m_eventsError.clear();
    m_lossReason.clear();
    noticeFailover(subscribed->epoch);
    m_table.setEventsLive(true); // copies read before it are read again
}

void MirroredClient::reportIfDue(std::int64_t nowMs)
{
    const int interval = m_table.policy().reportIntervalMs;
    if (interval == 0 || nowMs < m_nextReportMs)
        return;
    m_nextReportMs = nowMs + interval;
    QCborMap metrics = mirror::metricsToCbor(m_table.metrics());
    metrics.insert(QStringLiteral("mirrored"), m_table.size());
    metrics.insert(QStringLiteral("events-live"), m_table.eventsLive());
    (void) m_client->reportMirror(metrics);
}

Result<ReadResult> MirroredClient::get(const QString &key, Freshness freshness)
{
    const std::int64_t now = m_clock.monotonicMs();
    pollEvents(now);
    // A live feed means a healthy connection to the primary: the report costs one round trip
    // there. Without one it waits for a read that goes to the primary anyway (below), so that
    // a read from a copy never waits for a failover.
    if (m_table.eventsLive())
        reportIfDue(now);
    mirror::MirrorTable::Lookup lookup{mirror::MirrorTable::Answer::Refresh, mirror::RefreshCause::Requested};
    if (freshness == Freshness::Mirror) {
        lookup = m_table.lookup(key, now);
        if (lookup.answer == mirror::MirrorTable::Answer::Hit) {
            ReadResult result;
            result.value = lookup.copy->value;
            result.epoch = lookup.copy->epoch;
            result.seq = lookup.copy->seq;
            result.fromMirror = true;
            result.ageMs = now - lookup.copy->readAtMs;
            return result;
        }
    } else if (!m_table.policy().mirrors(key)) {
        lookup.answer = mirror::MirrorTable::Answer::Source;
    }
    const bool mirrorIt = lookup.answer == mirror::MirrorTable::Answer::Refresh;
    if (mirrorIt)
        subscribeIfDue(now); // before the read, so that its copy is covered by the events
    const auto start = std::chrono::steady_clock::now();
    auto read = m_client->get(key, GetOptions{mirrorIt});
    if (!read)
        return read;
    noticeFailover(read->epoch);
    // A predicted value (a primary promoted with a gap) is served, marked, but never mirrored:
    // it is not state.
    if (mirrorIt && !read->predicted) {
        m_table.store(key,
                      lookup.cause,
                      mirror::SourceRead{read->value, read->epoch, read->seq, read->forecast},
                      m_clock.monotonicMs(),
                      microsecondsSince(start));
    }
    // After the copy is stored: events read during the report then apply to it.
    reportIfDue(now);
    return read;
}

Result<WriteReceipt> MirroredClient::put(const QString &key, const QByteArray &value, Ack ack)
{
    // It goes to the primary anyway: subscribe first, so that the copy it leaves is covered.
    subscribeIfDue(m_clock.monotonicMs());
    auto receipt = m_client->put(key, value, ack);
    if (receipt) {
        noticeFailover(receipt->epoch);
        m_table.recordWrite(key, value, receipt->epoch, receipt->seq, m_clock.monotonicMs());
    }
    return receipt;
}

Result<WriteReceipt> MirroredClient::remove(const QString &key, Ack ack)
{
    subscribeIfDue(m_clock.monotonicMs());
    auto receipt = m_client->remove(key, ack);
    if (receipt) {
        noticeFailover(receipt->epoch);
        m_table.recordWrite(key, std::nullopt, receipt->epoch, receipt->seq, m_clock.monotonicMs());
    }
    return receipt;
}

} // namespace foresight::sdk
