#pragma once

// Private: how protocol messages travel on a byte stream (the unix:// SDK endpoint), where
// ZeroMQ's message boundaries do not exist. Each message is a 4-byte big-endian length L, then
// L bytes: the usual 8-byte header and the CBOR body (docs/protocol.md, "unix:// framing").

#include <cstdint>
#include <optional>

#include <QByteArray>
#include <QString>

#include "foresight/protocol/message.h"

namespace foresight::transport {

inline constexpr qsizetype kStreamLengthBytes = 4;
inline constexpr const char *kUnixScheme = "unix://";

inline bool isUnixStream(const QString &url)
{
    return url.startsWith(QLatin1String(kUnixScheme));
}

// Appends one framed message to `out`; the second form takes a body already encoded as CBOR.
void appendStreamMessage(QByteArray &out, const protocol::Message &message);
void appendStreamMessage(QByteArray &out, protocol::MessageType type, const QByteArray &body);

// Splits a byte stream into messages. Bytes go in as they arrive; whole messages come out.
// A length under the header size cannot be resynchronised: the reader stops (broken()).
// A length over the limit is skipped without being buffered and reported once (oversized()).
class StreamFrameReader final
{
public:
    explicit StreamFrameReader(qsizetype maxMessageBytes)
        : m_maxMessageBytes(maxMessageBytes)
    {}

    struct Frame
    {
        QByteArray header;
        QByteArray body;
    };
    enum class Event { None, Message, Oversized, Broken };

    void append(const char *data, qsizetype size);
    // The next whole message, an oversized one skipped, a broken stream, or None (more bytes
    // needed). After Broken, every call returns Broken.
    Event next(Frame *frame);
    // For Oversized and Broken: the length the peer announced.
    std::uint32_t announcedLength() const { return m_announced; }
    // Bytes held for a message not yet whole.
    qsizetype buffered() const { return m_buffer.size() - m_offset; }

private:
    QByteArray m_buffer;
    qsizetype m_offset = 0; // start of the unread bytes in m_buffer
    qsizetype m_maxMessageBytes;
    std::uint64_t m_skipping = 0; // bytes of an oversized message still to drop
    std::uint32_t m_announced = 0;
    bool m_broken = false;
};

} // namespace foresight::transport
