#pragma once

// Private: a request/reply connection to an agent's unix:// SDK endpoint, for the SDK client.
// The calling thread writes and reads the socket itself (no I/O thread in between), one request
// at a time. One connection, never re-established (ChannelOptions::failFast): a dead agent fails
// the call at once, and the SDK moves on to the next agent.

#include <memory>

#include "transport/channel.h"
#include "transport/streamframing.h"

namespace foresight::transport {

class StreamChannel final : public Channel
{
public:
    static Result<std::unique_ptr<StreamChannel>> open(const ChannelOptions &options);
    ~StreamChannel() override;
    StreamChannel(const StreamChannel &) = delete;
    StreamChannel &operator=(const StreamChannel &) = delete;

    Result<protocol::Message> call(protocol::MessageType type, QCborMap body, int timeoutMs) override;
    Result<protocol::WriteAck> callWrite(protocol::MessageType type,
                                         const protocol::MapEntries &entries,
                                         int timeoutMs) override;
    const QCborMap &lastErrorBody() const override { return m_lastErrorBody; }
    const QString &url() const override { return m_options.url; }
    void setPushHandler(PushHandler handler) override { m_push = std::move(handler); }
    Status pollPushed() override;

private:
    StreamChannel(int fd, const ChannelOptions &options);
    std::unexpected<Error> lost(bool waiting);
    // A push (isPush) goes to the handler, decoded; true when the frame was one.
    bool deliverPush(const StreamFrameReader::Frame &frame);
    // Sends the request (its body already holds the id) and waits for the message `match` takes
    // as its answer: match(header, body) gives nullopt for any other message.
    template<typename Reply, typename Match>
    Result<Reply> exchange(protocol::MessageType type, const QByteArray &body, int timeoutMs, Match match);

    int m_fd;
    ChannelOptions m_options;
    StreamFrameReader m_reader;
    QByteArray m_out;
    QByteArray m_body; // callWrite's request body, kept for its capacity
    qint64 m_nextId = 1;
    QCborMap m_lastErrorBody;
    bool m_gone = false; // the connection dropped: every later call fails at once
    PushHandler m_push;
};

} // namespace foresight::transport
