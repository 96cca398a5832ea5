#include "foresight/state/statedigest.h"

#include <QtEndian>

#include "state/siphash.h"

namespace foresight::state {

StateDigest::EntryHash StateDigest::hashEntry(const QString &key, const QByteArray &value)
{
    const QByteArray keyUtf8 = key.toUtf8();
    unsigned char lengthBytes[4];
    qToBigEndian<quint32>(quint32(keyUtf8.size()), lengthBytes);

    siphash::SipHash24 hash(siphash::kReferenceKey, true);
    hash.update(lengthBytes, 4);
    hash.update(keyUtf8.constData(), std::size_t(keyUtf8.size()));
    hash.update(value.constData(), std::size_t(value.size()));
    EntryHash out;
    hash.finish(&out.hi, &out.lo);
    return out;
}

QString StateDigest::toHex() const
{
    char bytes[16];
    qToBigEndian<quint64>(m_hi, bytes);
    qToBigEndian<quint64>(m_lo, bytes + 8);
    return QString::fromLatin1(QByteArray(bytes, 16).toHex());
}

bool StateDigest::fromHex(const QString &hex, StateDigest *out)
{
    if (hex.size() != 32)
        return false;
    for (const QChar c : hex) {
        if (!((c >= u'0' && c <= u'9') || (c >= u'a' && c <= u'f')))
            return false;
    }
    const QByteArray bytes = QByteArray::fromHex(hex.toLatin1());
    out->m_hi = qFromBigEndian<quint64>(bytes.constData());
    out->m_lo = qFromBigEndian<quint64>(bytes.constData() + 8);
    return true;
}

} // namespace foresight::state
