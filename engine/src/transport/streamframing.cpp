#include "transport/streamframing.h"

namespace foresight::transport {

void appendStreamMessage(QByteArray &out, const protocol::Message &message)
{
    appendStreamMessage(out, message.type, protocol::encodeBody(message.body));
}

void appendStreamMessage(QByteArray &out, protocol::MessageType type, const QByteArray &body)
{
    const auto length = std::uint32_t(protocol::kHeaderSize + body.size());
    char prefix[kStreamLengthBytes + protocol::kHeaderSize];
    for (int i = 0; i < kStreamLengthBytes; ++i)
        prefix[i] = char((length >> (24 - 8 * i)) & 0xff);
    protocol::writeHeader(prefix + kStreamLengthBytes, type);
    out.append(prefix, sizeof prefix);
    out.append(body);
}

void StreamFrameReader::append(const char *data, qsizetype size)
{
    if (m_broken)
        return;
    if (m_skipping > 0) {
        const auto dropped = qsizetype(qMin<std::uint64_t>(m_skipping, std::uint64_t(size)));
        m_skipping -= std::uint64_t(dropped);
        data += dropped;
        size -= dropped;
    }
    // Compact before growing, so a long-lived connection's buffer stays the size of a message.
    if (m_offset > 0 && m_offset == m_buffer.size()) {
        m_buffer.clear();
        m_offset = 0;
    } else if (m_offset > 64 * 1024) {
        m_buffer.remove(0, m_offset);
        m_offset = 0;
    }
    m_buffer.append(data, size);
}

StreamFrameReader::Event StreamFrameReader::next(Frame *frame)
{
    if (m_broken)
        return Event::Broken;
    if (m_skipping > 0 || buffered() < kStreamLengthBytes)
        return Event::None;
    const auto *p = reinterpret_cast<const unsigned char *>(m_buffer.constData() + m_offset);
    const std::uint32_t length = (std::uint32_t(p[0]) << 24) | (std::uint32_t(p[1]) << 16) | (std::uint32_t(p[2]) << 8)
                                 | std::uint32_t(p[3]);
    if (length < std::uint32_t(protocol::kHeaderSize)) {
        m_announced = length;
        m_broken = true;
        m_buffer.clear();
        m_offset = 0;
        return Event::Broken;
    }
    if (qsizetype(length) > m_maxMessageBytes) {
        m_announced = length;
        m_offset += kStreamLengthBytes;
        const qsizetype here = qMin(buffered(), qsizetype(length));
        m_offset += here;
        m_skipping = std::uint64_t(length) - std::uint64_t(here);
        return Event::Oversized;
    }
    if (buffered() < kStreamLengthBytes + qsizetype(length))
        return Event::None;
    const qsizetype start = m_offset + kStreamLengthBytes;
    frame->header = m_buffer.mid(start, protocol::kHeaderSize);
    frame->body = m_buffer.mid(start + protocol::kHeaderSize, qsizetype(length) - protocol::kHeaderSize);
    m_offset = start + qsizetype(length);
    return Event::Message;
}

} // namespace foresight::transport
