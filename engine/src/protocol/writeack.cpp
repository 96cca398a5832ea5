#include "protocol/writeack.h"

#include <cstring>
#include <limits>

#include <QCborValue>

#include "protocol/cborreader.h"
#include "protocol/cborwriter.h"

namespace foresight::protocol {
namespace {

// Reads the few CBOR items a write-ack holds. Any other item (indefinite lengths, reserved
// additional information, a truncated head) makes next() fail, and the caller falls back.
class Cursor
{
public:
    explicit Cursor(const QByteArray &bytes)
        : m_at(reinterpret_cast<const uchar *>(bytes.constData()))
        , m_end(m_at + bytes.size())
    {}

    // The next head: its major type and argument.
    bool next(int *major, quint64 *argument)
    {
        if (m_at == m_end)
            return false;
        const uchar initial = *m_at++;
        *major = initial >> 5;
        const int info = initial & 0x1f;
        if (info < 24) {
            *argument = quint64(info);
            return true;
        }
        if (info > 27)
            return false;
        const qsizetype length = qsizetype(1) << (info - 24);
        if (m_end - m_at < length)
            return false;
        quint64 value = 0;
        for (qsizetype i = 0; i < length; ++i)
            value = (value << 8) | m_at[i];
        m_at += length;
        *argument = value;
        return true;
    }

    // A text string of `length` bytes, whose head next() has just read.
    bool text(quint64 length, const char **data)
    {
        if (quint64(m_end - m_at) < length)
            return false;
        *data = reinterpret_cast<const char *>(m_at);
        m_at += length;
        return true;
    }

    bool atEnd() const { return m_at == m_end; }

private:
    const uchar *m_at;
    const uchar *m_end;
};

constexpr int kUnsigned = int(CborMajor::Unsigned);
constexpr int kText = int(CborMajor::Text);
constexpr int kMap = int(CborMajor::Map);

bool isKey(const char *data, quint64 length, const char *key)
{
    return length == std::strlen(key) && std::memcmp(data, key, std::size_t(length)) == 0;
}

} // namespace

std::optional<WriteAck> decodeWriteAck(const QByteArray &header, const QByteArray &body)
{
    if (wellFormedHeaderType(header) != MessageType::WriteAck)
        return std::nullopt;
    Cursor cursor(body);
    int major = 0;
    quint64 argument = 0;
    if (!cursor.next(&major, &argument) || major != kMap || argument != 3)
        return std::nullopt;
    WriteAck ack;
    std::uint64_t *const fields[] = {&ack.id, &ack.epoch, &ack.seq};
    const char *const names[] = {"id", "epoch", "seq"};
    bool seen[3] = {};
    for (int entry = 0; entry < 3; ++entry) {
        const char *key = nullptr;
        if (!cursor.next(&major, &argument) || major != kText || !cursor.text(argument, &key))
            return std::nullopt;
        int field = 0;
        while (field < 3 && !isKey(key, argument, names[field]))
            ++field;
        if (field == 3 || seen[field])
            return std::nullopt;
        seen[field] = true;
        // QCborValue holds integers as qint64: a larger one would not pass decode() as "uint".
        if (!cursor.next(&major, &argument) || major != kUnsigned
            || argument > quint64(std::numeric_limits<qint64>::max()))
            return std::nullopt;
        *fields[field] = argument;
    }
    if (!cursor.atEnd())
        return std::nullopt;
    return ack;
}

WriteAck writeAckFrom(const Message &message)
{
    return WriteAck{std::uint64_t(message.body.value(QStringLiteral("id")).toInteger()),
                    std::uint64_t(message.body.value(QStringLiteral("epoch")).toInteger()),
                    std::uint64_t(message.body.value(QStringLiteral("seq")).toInteger())};
}

} // namespace foresight::protocol
