// The `peers` message: which agents this agent measures its links to (docs/protocol.md 9.10).
// The console sends every agent the whole cluster; the measurements travel back in heartbeats.

#include <QCborArray>

#include "agent/agentimpl.h"
#include "foresight/core/logging.h"
#include "foresight/transport/keys.h"

namespace foresight::agent {

using protocol::Message;

namespace {
constexpr int kMinIntervalMs = 100;
constexpr int kMaxIntervalMs = 60'000;
constexpr int kMinBandwidthIntervalMs = 1000;
constexpr int kMaxBandwidthIntervalMs = 3'600'000;
constexpr int kMinBandwidthBytes = 4096;
constexpr int kMaxPeers = 1000;
} // namespace

void Agent::Impl::handlePeers(const ReplyRoute &route, const Message &message)
{
    ProbeSettings settings;
    const QCborMap &body = message.body;
    settings.intervalMs = int(body.value(QStringLiteral("interval-ms")).toInteger(settings.intervalMs));
    settings.bandwidthIntervalMs = int(
        body.value(QStringLiteral("bandwidth-interval-ms")).toInteger(settings.bandwidthIntervalMs));
    settings.bandwidthBytes = int(body.value(QStringLiteral("bandwidth-bytes")).toInteger(settings.bandwidthBytes));
    // The padded ping must fit the peers' message limit, which is assumed to be this agent's.
    const qsizetype maxBandwidthBytes = m_options.maxMessageBytes / 2;
    QString invalid;
    if (settings.intervalMs < kMinIntervalMs || settings.intervalMs > kMaxIntervalMs)
        invalid = QStringLiteral("interval-ms must be %1 to %2").arg(kMinIntervalMs).arg(kMaxIntervalMs);
    else if (settings.bandwidthIntervalMs != 0
             && (settings.bandwidthIntervalMs < kMinBandwidthIntervalMs
                 || settings.bandwidthIntervalMs > kMaxBandwidthIntervalMs))
        invalid = QStringLiteral("bandwidth-interval-ms must be 0 (never) or %1 to %2")
                      .arg(kMinBandwidthIntervalMs)
                      .arg(kMaxBandwidthIntervalMs);
    else if (settings.bandwidthBytes < kMinBandwidthBytes || settings.bandwidthBytes > maxBandwidthBytes)
        invalid = QStringLiteral("bandwidth-bytes must be %1 to %2 (half this agent's message limit)")
                      .arg(kMinBandwidthBytes)
                      .arg(maxBandwidthBytes);
    const QCborArray list = body.value(QStringLiteral("peers")).toArray();
    if (invalid.isEmpty() && list.size() > kMaxPeers)
        invalid = QStringLiteral("at most %1 peers").arg(kMaxPeers);
    QList<PeerTarget> peers;
    for (qsizetype i = 0; invalid.isEmpty() && i < list.size(); ++i) {
        const QCborMap entry = list.at(i).toMap();
        PeerTarget peer{entry.value(QStringLiteral("agent")).toString(),
                        entry.value(QStringLiteral("url")).toString(),
                        entry.value(QStringLiteral("public-key")).toString().toLatin1()};
        if (peer.agent.isEmpty() || peer.url.isEmpty())
            invalid = QStringLiteral("peers[%1] needs agent and url").arg(i);
        else if (!transport::isTcp(peer.url) && !peer.url.startsWith(QLatin1String("ipc://")))
            invalid = QStringLiteral("peers[%1].url '%2' must be tcp://HOST:PORT or ipc://PATH").arg(i).arg(peer.url);
        else if (transport::isTcp(peer.url) && !m_options.insecure && !transport::isZ85Key(peer.publicKey))
            invalid = QStringLiteral("peers[%1] (%2) needs public-key, the agent's Z85 key").arg(i).arg(peer.agent);
        else
            peers.append(peer);
    }
    if (!invalid.isEmpty()) {
        replyError(route, ErrorCode::InvalidArgument, QStringLiteral("peers: %1").arg(invalid));
        return;
    }
    if (!m_prober) {
        m_prober = std::make_unique<PeerProber>(m_context,
                                                m_options.name,
                                                m_options.keys,
                                                m_options.insecure,
                                                m_options.maxMessageBytes,
                                                m_clock,
                                                m_options.sourceAddress);
    }
    if (auto ok = m_prober->configure(peers, settings); !ok) {
        replyError(route, ok.error().code, QStringLiteral("peers: %1").arg(ok.error().message));
        return;
    }
    qCInfo(lcAgent) << "measuring links to" << peers.size() << "peers every" << settings.intervalMs << "ms";
    reply(route, protocol::makeOk(route.requestId));
}

} // namespace foresight::agent
