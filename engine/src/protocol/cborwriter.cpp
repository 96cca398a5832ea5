#include "protocol/cborwriter.h"

#include <cstring>

#include <QCborArray>
#include <QCborMap>
#include <QtEndian>

namespace foresight::protocol {

void appendHead(QByteArray &out, CborMajor major, quint64 argument)
{
    const char type = char(quint8(major) << 5);
    if (argument < 24) {
        out.append(char(type | char(argument)));
    } else if (argument <= 0xff) {
        const char bytes[2] = {char(type | 24), char(argument)};
        out.append(bytes, 2);
    } else if (argument <= 0xffff) {
        char bytes[3] = {char(type | 25)};
        qToBigEndian<quint16>(quint16(argument), bytes + 1);
        out.append(bytes, 3);
    } else if (argument <= 0xffffffffULL) {
        char bytes[5] = {char(type | 26)};
        qToBigEndian<quint32>(quint32(argument), bytes + 1);
        out.append(bytes, 5);
    } else {
        char bytes[9] = {char(type | 27)};
        qToBigEndian<quint64>(argument, bytes + 1);
        out.append(bytes, 9);
    }
}

void appendUnsigned(QByteArray &out, quint64 value)
{
    appendHead(out, CborMajor::Unsigned, value);
}

void appendInteger(QByteArray &out, qint64 value)
{
    if (value >= 0)
        appendHead(out, CborMajor::Unsigned, quint64(value));
    else
        appendHead(out, CborMajor::Negative, quint64(-1 - value));
}

void appendText(QByteArray &out, QLatin1StringView text)
{
    // Every protocol key is ASCII, so its Latin-1 bytes are its UTF-8 bytes.
    appendHead(out, CborMajor::Text, quint64(text.size()));
    out.append(text.data(), text.size());
}

void appendText(QByteArray &out, const QString &text)
{
    const QByteArray utf8 = text.toUtf8();
    appendHead(out, CborMajor::Text, quint64(utf8.size()));
    out.append(utf8);
}

void appendBytes(QByteArray &out, const QByteArray &bytes)
{
    appendHead(out, CborMajor::Bytes, quint64(bytes.size()));
    out.append(bytes);
}

void appendCbor(QByteArray &out, const QCborValue &value)
{
    switch (value.type()) {
    case QCborValue::Integer:
        appendInteger(out, value.toInteger());
        return;
    case QCborValue::ByteArray:
        appendBytes(out, value.toByteArray());
        return;
    case QCborValue::String:
        appendText(out, value.toString());
        return;
    case QCborValue::Array: {
        const QCborArray array = value.toArray();
        appendHead(out, CborMajor::Array, quint64(array.size()));
        for (const QCborValue &item : array)
            appendCbor(out, item);
        return;
    }
    case QCborValue::Map: {
        const QCborMap map = value.toMap();
        appendHead(out, CborMajor::Map, quint64(map.size()));
        for (auto it = map.cbegin(); it != map.cend(); ++it) {
            appendCbor(out, it.key());
            appendCbor(out, it.value());
        }
        return;
    }
    case QCborValue::False:
        out.append(char(0xf4));
        return;
    case QCborValue::True:
        out.append(char(0xf5));
        return;
    case QCborValue::Null:
        out.append(char(0xf6));
        return;
    case QCborValue::Undefined:
        out.append(char(0xf7));
        return;
    case QCborValue::Double: {
        char bytes[9] = {char(0xfb)};
        const double d = value.toDouble();
        quint64 bits;
        std::memcpy(&bits, &d, sizeof bits);
        qToBigEndian<quint64>(bits, bytes + 1);
        out.append(bytes, 9);
        return;
    }
    default:
        // Tags and other simple types: rare, let Qt encode them.
        out.append(value.toCbor());
        return;
    }
}

} // namespace foresight::protocol
