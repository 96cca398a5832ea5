#pragma once

// Private: a request/reply connection to one agent (DEALER socket), used by the SDK client and
// the control client. Matches replies to requests by id, so a late reply to a timed-out request
// is never taken for the answer to the next one, and turns CURVE handshake failures into a
// clear Unauthorized error instead of a silent time-out. A socket monitor also tells it when the
// connection a request went out on drops (the agent died), so the caller hears of it at once
// instead of at the end of the time-out.

#include <memory>

#include <zmq.hpp>

#include "transport/channel.h"

namespace foresight::transport {

class RequestChannel final : public Channel
{
public:
    static Result<std::unique_ptr<RequestChannel>> open(zmq::context_t &context, const ChannelOptions &options);
    ~RequestChannel() override;

    Result<protocol::Message> call(protocol::MessageType type, QCborMap body, int timeoutMs) override;
    Result<protocol::WriteAck> callWrite(protocol::MessageType type,
                                         const protocol::MapEntries &entries,
                                         int timeoutMs) override;
    const QCborMap &lastErrorBody() const override { return m_lastErrorBody; }
    const QString &url() const override { return m_options.url; }

private:
    // How a connection ended, as the monitor tells it.
    enum class Loss {
        None,
        Connection, // an established connection dropped
        Handshake,  // the connection dropped before its handshake completed
        Refused,    // a connect attempt was refused (failFast only)
    };

    RequestChannel(zmq::context_t &context, const ChannelOptions &options);
    // Reads every waiting monitor event and updates the state below.
    void readEvents();
    bool isCurve() const;
    std::unexpected<Error> keyRefused() const;
    std::unexpected<Error> handshakeDropped() const;
    std::unexpected<Error> lost(Loss loss, bool waiting) const;
    // Whether a request may go out now: the error every call gives once the key was refused,
    // the handshake dropped for good, or (failFast) the one connection ended.
    Status usable();
    // Sends the request (its body already holds the id) and waits for the message `match` takes
    // as its answer: match(header, body) gives nullopt for any other message.
    template<typename Reply, typename Match>
    Result<Reply> exchange(protocol::MessageType type, const QByteArray &body, int timeoutMs, Match match);

    ChannelOptions m_options;
    zmq::socket_t m_socket;
    zmq::socket_t m_monitor;
    qint64 m_nextId = 1;
    QByteArray m_body; // callWrite's request body, kept for its capacity
    QCborMap m_lastErrorBody;
    bool m_authFailed = false;
    // The agent dropped the last handshake without a reason: over CURVE, what a wrong server
    // key looks like from this side (the server cannot decrypt our hello). Cleared by a success.
    bool m_handshakeDropped = false;
    bool m_connected = false;     // a connection is up (its handshake may still be running)
    bool m_handshakeDone = false; // ... and its handshake completed
    Loss m_gone = Loss::None;     // failFast: how the one connection ended
    // Since the last request was sent: whether a connection was up then or came up since (only
    // its loss can have taken the request; an earlier drop is read before sending), and how it
    // ended.
    bool m_sentOnConnection = false;
    Loss m_loss = Loss::None;
};

} // namespace foresight::transport
