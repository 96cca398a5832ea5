#pragma once

// Private: a request/reply connection to one agent, whatever carries it: a ZeroMQ DEALER
// (tcp://, ipc://, inproc://) or a Unix stream (unix://, the agent's fast local SDK endpoint).

#include <functional>
#include <memory>
#include <optional>

#include <QCborMap>
#include <QString>

#include "foresight/core/result.h"
#include "foresight/protocol/message.h"
#include "foresight/transport/keys.h"
#include "protocol/mapentries.h"
#include "protocol/writeack.h"

namespace zmq {
class context_t;
}

namespace foresight::transport {

struct ChannelOptions
{
    QString url;
    QByteArray serverPublicKey; // for tcp:// unless insecure
    KeyPair keys;               // this side's key pair, for tcp:// unless insecure
    bool insecure = false;
    qsizetype maxMessageBytes = 64 * 1024 * 1024;
    // One connection, never re-established: a refused connect attempt (nothing listens at url)
    // or a dropped connection fails the waiting call, and every later one, with Network at once.
    // For callers that have other agents to try and open a new channel to come back (the SDK).
    // Without it the socket reconnects on its own and a call waits its time-out for an agent
    // that is not up yet (the control client: the agent may be starting). unix:// channels
    // always behave this way.
    bool failFast = false;
};

class Channel
{
public:
    virtual ~Channel() = default;
    // Sends a request (its "id" is filled in) and waits for the reply with the same id. An error
    // reply from the agent becomes an Error with the agent's code and message; its body is kept
    // in lastErrorBody() for fields like a redirect hint.
    // Other errors: Unauthorized (the agent refused this side's key), Network (the connection
    // the request went out on dropped before the answer came, so the request may or may not
    // have been applied; with failFast also a refused or earlier dropped connection), Timeout
    // (no answer in time, or the agent dropped the CURVE handshake: a wrong server key, or an
    // agent that died during the handshake).
    virtual Result<protocol::Message> call(protocol::MessageType type, QCborMap body, int timeoutMs) = 0;
    // The same for a write (put, delete), the SDK's hot path: the body's entries come encoded and
    // the channel appends the "id"; the reply is read as a write-ack without building a QCborMap
    // when it has the usual shape. Same errors, same bytes on the wire.
    virtual Result<protocol::WriteAck> callWrite(protocol::MessageType type,
                                                 const protocol::MapEntries &entries,
                                                 int timeoutMs)
        = 0;
    virtual const QCborMap &lastErrorBody() const = 0;
    virtual const QString &url() const = 0;

    // Messages the agent sends unasked (mirror-event, docs/protocol.md 7.8) go to `handler`
    // whenever the channel reads them: while a call waits for its answer, or in pollPushed().
    // Only unix:// channels carry them (the agent pushes on its unix:// SDK endpoint only); the
    // others never call the handler.
    using PushHandler = std::function<void(const protocol::Message &)>;
    virtual void setPushHandler(PushHandler handler) { (void) handler; }
    // Reads what has arrived, without waiting, handing pushes to the handler. Network when the
    // connection has dropped (the agent died or closed it): no more pushes will come.
    virtual Status pollPushed() { return {}; }
};

// Whether a message's header names a push (a message the agent sends unasked).
bool isPush(const QByteArray &header);

// A unix:// url opens a StreamChannel, anything else a RequestChannel on `context`.
Result<std::unique_ptr<Channel>> openChannel(zmq::context_t &context, const ChannelOptions &options);

// What both channels do with a message that arrived while request `id` waits: nullopt when it is
// not the answer (undecodable, or a late reply to an earlier request), else the reply, or the
// agent's error (its body kept in *errorBody). A version mismatch is always an answer. With
// untiedErrorAnswers, an error without an id answers too (a unix:// stream: one request waits).
std::optional<Result<protocol::Message>> matchReply(
    const QByteArray &header, const QByteArray &body, qint64 id, bool untiedErrorAnswers, QCborMap *errorBody);

// matchReply for a write: a write-ack of the usual shape is read field by field (late ones are
// still not the answer); anything else goes through matchReply, so errors read the same.
std::optional<Result<protocol::WriteAck>> matchWriteAck(
    const QByteArray &header, const QByteArray &body, qint64 id, bool untiedErrorAnswers, QCborMap *errorBody);

// A request body: a map of `entries` and then the "id", the order QCborMap::insert gave it.
void appendRequestBody(QByteArray &out, const protocol::MapEntries &entries, qint64 id);

// The Network errors both channels give when the connection to `url` is refused or drops.
std::unexpected<Error> connectionRefused(const QString &url);
std::unexpected<Error> connectionLost(const QString &url, bool waiting);

} // namespace foresight::transport
