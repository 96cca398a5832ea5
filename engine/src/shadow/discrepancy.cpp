#include "foresight/shadow/discrepancy.h"

namespace foresight::shadow {

QString Discrepancy::describe() const
{
    if (!known())
        return QStringLiteral("not yet measured");
    QString text = seqGap == 0 ? QStringLiteral("caught up")
                               : QStringLiteral("%1 write%2 behind (%3 ms)")
                                     .arg(seqGap)
                                     .arg(seqGap == 1 ? QString() : QStringLiteral("s"))
                                     .arg(lagMs);
    if (seqGap > 0 && keysDiffering >= 0) {
        const QString atLeast = differingPartial ? QStringLiteral("at least ") : QString();
        text += QStringLiteral(", %1%2 key%3, %1%4 bytes")
                    .arg(atLeast)
                    .arg(keysDiffering)
                    .arg(keysDiffering == 1 ? QString() : QStringLiteral("s"))
                    .arg(bytesDiffering);
    }
    if (digestAgrees)
        text += *digestAgrees ? QStringLiteral(", digest agrees") : QStringLiteral(", DIGEST DIFFERS");
    if (divergence > 0)
        text += QStringLiteral(", divergence %1").arg(divergence, 0, 'f', 2);
    return text;
}

QJsonObject Discrepancy::toJson() const
{
    QJsonObject json{{QStringLiteral("seq-gap"), qint64(seqGap)},
                     {QStringLiteral("lag-ms"), qint64(lagMs)},
                     {QStringLiteral("divergence"), divergence},
                     {QStringLiteral("sampled-wall-ms"), qint64(sampledWallMs)}};
    if (digestAgrees)
        json.insert(QStringLiteral("digest-agrees"), *digestAgrees);
    if (keysDiffering >= 0) {
        json.insert(QStringLiteral("keys-differing"), qint64(keysDiffering));
        json.insert(QStringLiteral("bytes-differing"), qint64(bytesDiffering));
        json.insert(QStringLiteral("differing-partial"), differingPartial);
    }
    return json;
}

} // namespace foresight::shadow
