#include "foresight/state/statedigest.h"

#include <QCryptographicHash>
#include <QtEndian>

namespace foresight {

StateDigest::EntryHash StateDigest::hashEntry(const QString &key, const QByteArray &value)
{
    const QByteArray keyUtf8 = key.toUtf8();
    char lengthBytes[4];
    qToBigEndian<quint32>(quint32(keyUtf8.size()), lengthBytes);

    QCryptographicHash sha(QCryptographicHash::Sha256);
    sha.addData(QByteArrayView(lengthBytes, 4));
    sha.addData(keyUtf8);
    sha.addData(value);
    const QByteArray sum = sha.result();
    return EntryHash{qFromBigEndian<quint64>(sum.constData()),
                     qFromBigEndian<quint64>(sum.constData() + 8)};
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

} // namespace foresight
