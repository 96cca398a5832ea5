#include "protocol/cborreader.h"

#include <algorithm>
#include <limits>

#include <QtEndian>

namespace foresight::protocol {

std::optional<MessageType> wellFormedHeaderType(const QByteArray &header)
{
    if (header.size() != kHeaderSize || !std::equal(std::begin(kMagic), std::end(kMagic), header.constData())
        || quint8(header[4]) != kProtocolVersion || header[5] != 0)
        return std::nullopt;
    return MessageType(qFromBigEndian<quint16>(header.constData() + 6));
}

namespace {

// The rest of a text or byte string, `readChunk` being readString or readByteArray. One chunk is
// the rule (definite-length strings): it is taken without copying it again.
template<typename String>
bool readChunks(QCborStreamReader &reader,
                String &out,
                QCborStreamReader::StringResult<String> (QCborStreamReader::*readChunk)())
{
    auto chunk = (reader.*readChunk)();
    out = chunk.status == QCborStreamReader::Ok ? std::move(chunk.data) : String();
    while (chunk.status == QCborStreamReader::Ok) {
        chunk = (reader.*readChunk)();
        if (chunk.status == QCborStreamReader::Ok)
            out += chunk.data;
    }
    return chunk.status == QCborStreamReader::EndOfString;
}

} // namespace

bool readText(QCborStreamReader &reader, QString &out)
{
    return reader.isString() && readChunks(reader, out, &QCborStreamReader::readString);
}

bool readFieldName(QCborStreamReader &reader, FieldName &out)
{
    if (!reader.isString() || !reader.isLengthKnown())
        return false;
    const qsizetype size = reader.currentStringChunkSize();
    if (size < 0 || size > kFieldNameBytes)
        return false;
    auto chunk = reader.readStringChunk(out.buffer, kFieldNameBytes);
    if (chunk.status != QCborStreamReader::Ok || chunk.data != size)
        return false;
    out.size = size;
    chunk = reader.readStringChunk(out.buffer + size, kFieldNameBytes - size);
    return chunk.status == QCborStreamReader::EndOfString;
}

bool readBytes(QCborStreamReader &reader, QByteArray &out)
{
    return reader.isByteArray() && readChunks(reader, out, &QCborStreamReader::readByteArray);
}

bool readUnsigned(QCborStreamReader &reader, std::uint64_t &out)
{
    if (!reader.isUnsignedInteger())
        return false;
    out = quint64(reader.toUnsignedInteger());
    return out <= std::uint64_t(std::numeric_limits<qint64>::max()) && reader.next();
}

bool readInteger(QCborStreamReader &reader, std::int64_t &out)
{
    if (reader.isUnsignedInteger()) {
        std::uint64_t value = 0;
        if (!readUnsigned(reader, value))
            return false;
        out = std::int64_t(value);
        return true;
    }
    if (!reader.isNegativeInteger())
        return false;
    // Qt gives the magnitude, 1 to 2^64 (2^64 as 0); qint64 holds it down to 2^63.
    const auto magnitude = quint64(reader.toNegativeInteger());
    constexpr auto limit = quint64(std::numeric_limits<qint64>::max()) + 1;
    if (magnitude == 0 || magnitude > limit)
        return false;
    out = magnitude == limit ? std::numeric_limits<qint64>::min() : -std::int64_t(magnitude);
    return reader.next();
}

} // namespace foresight::protocol
