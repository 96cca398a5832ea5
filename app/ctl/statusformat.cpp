#include "statusformat.h"

#include <QCborArray>
#include <QStringList>

#include "partitionsformat.h"

namespace {

QString shortDigest(const QString &digest)
{
    return digest.left(12);
}

} // namespace

QString formatStatus(const QCborMap &status)
{
    const auto text = [](const QCborMap &m, const char *key) {
        return m.value(QLatin1String(key)).toVariant().toString();
    };
    QStringList lines;
    lines << QStringLiteral("agent %1  (protocol %2, version %3, up %4 s%5)")
                 .arg(text(status, "agent"), text(status, "protocol"), text(status, "version"))
                 .arg(status.value(QStringLiteral("uptime-ms")).toInteger() / 1000)
                 .arg(status.value(QStringLiteral("insecure")).toBool() ? QStringLiteral(", INSECURE") : QString());
    lines << QStringLiteral("  listen %1   sdk %2").arg(text(status, "listen"), text(status, "sdk"));
    const QCborMap rejected = status.value(QStringLiteral("rejected")).toMap();
    qint64 rejectedTotal = 0;
    for (auto it = rejected.cbegin(); it != rejected.cend(); ++it)
        rejectedTotal += it.value().toInteger();
    if (rejectedTotal > 0) {
        QStringList parts;
        for (auto it = rejected.cbegin(); it != rejected.cend(); ++it)
            parts << QStringLiteral("%1 %2").arg(it.key().toString()).arg(it.value().toInteger());
        lines << QStringLiteral("  rejected messages: ") + parts.join(QStringLiteral(", "));
    }
    const QCborArray apps = status.value(QStringLiteral("apps")).toArray();
    if (apps.isEmpty())
        lines << QStringLiteral("  no applications");
    for (const QCborValue &value : apps) {
        const QCborMap app = value.toMap();
        const QString role = text(app, "role");
        const QString tier = role == QLatin1String("primary") ? QString()
                                                              : QStringLiteral(" (%1)").arg(text(app, "tier"));
        lines << QString();
        lines << QStringLiteral("  %1: %2%3  epoch %4  seq %5  keys %6  digest %7%8")
                     .arg(text(app, "app"),
                          role,
                          tier,
                          text(app, "epoch"),
                          text(app, "seq"),
                          text(app, "keys"),
                          shortDigest(text(app, "digest")),
                          app.value(QStringLiteral("writable")).toBool() ? QStringLiteral("  writable") : QString());
        if (app.contains(QStringLiteral("fenced")))
            lines << QStringLiteral("    FENCED: %1").arg(text(app, "fenced"));
        if (app.contains(QStringLiteral("store-error")))
            lines << QStringLiteral("    SNAPSHOT STORE ERROR: %1").arg(text(app, "store-error"));
        const QCborMap primary = app.value(QStringLiteral("primary")).toMap();
        if (!primary.isEmpty()) {
            lines << QStringLiteral("    primary %1 (%2)  %3, heard %4 ms ago, caught up by %5")
                         .arg(text(primary, "agent"),
                              text(primary, "url"),
                              primary.value(QStringLiteral("connected")).toBool() ? QStringLiteral("connected")
                                                                                  : QStringLiteral("DISCONNECTED"),
                              text(primary, "heard-ms-ago"),
                              text(primary, "catch-up"));
        }
        const QCborMap model = app.value(QStringLiteral("prediction")).toMap();
        if (!model.isEmpty()) {
            const QString divergence = app.contains(QStringLiteral("divergence"))
                                           ? QStringLiteral(", divergence from the primary's %1 (%2 keys compared)")
                                                 .arg(app.value(QStringLiteral("divergence")).toDouble(), 0, 'f', 3)
                                                 .arg(text(app, "divergence-keys"))
                                           : QString();
            lines << QStringLiteral("    model %1: learnt from %2 deltas (%3 skipped), %4 keys forecast%5")
                         .arg(text(model, "model").isEmpty() ? QStringLiteral("none yet") : text(model, "model"),
                              text(model, "observed"),
                              text(model, "skipped"),
                              text(model, "keys"),
                              divergence);
            if (!text(model, "selection").isEmpty())
                lines << QStringLiteral("      family %1").arg(text(model, "selection"));
        }
        const QCborMap overlay = app.value(QStringLiteral("overlay")).toMap();
        if (!overlay.isEmpty()) {
            lines << QStringLiteral("    PREDICTED overlay for the gap %1..%2: %3 values predicted, %4 still served, "
                                    "%5 right, %6 wrong, %7 overwritten by clients%8")
                         .arg(text(overlay, "gap-from"),
                              text(overlay, "gap-to"),
                              text(overlay, "applied"),
                              text(overlay, "pending"),
                              text(overlay, "right"),
                              text(overlay, "wrong"),
                              text(overlay, "overwritten"),
                              overlay.value(QStringLiteral("reconciled")).toBool()
                                  ? QStringLiteral(" (reconciled from %1)").arg(text(overlay, "reconciled-from"))
                                  : QString());
        }
        const QCborMap stored = app.value(QStringLiteral("stored-snapshot")).toMap();
        if (!stored.isEmpty()) {
            lines << QStringLiteral("    stored snapshot: seq %1, %2 entries, digest %3")
                         .arg(text(stored, "seq"), text(stored, "entries"), shortDigest(text(stored, "digest")));
        }
        if (const QString partitions = partitionsSummary(app.value(QStringLiteral("partitions")).toMap());
            !partitions.isEmpty())
            lines << QStringLiteral("    ") + partitions;
        const QCborArray replicas = app.value(QStringLiteral("replicas")).toArray();
        if (role == QLatin1String("primary")) {
            if (replicas.isEmpty())
                lines << QStringLiteral("    no replicas connected");
            else
                lines << QStringLiteral("    %1 %2 %3 %4 %5 %6")
                             .arg(QStringLiteral("replica"), -16)
                             .arg(QStringLiteral("tier"), -5)
                             .arg(QStringLiteral("acked"), 10)
                             .arg(QStringLiteral("lag"), 8)
                             .arg(QStringLiteral("lag ms"), 8)
                             .arg(QStringLiteral("digest"));
            for (const QCborValue &r : replicas) {
                const QCborMap replica = r.toMap();
                lines << QStringLiteral("    %1 %2 %3 %4 %5 %6")
                             .arg(text(replica, "agent"), -16)
                             .arg(text(replica, "tier"), -5)
                             .arg(text(replica, "acked-seq"), 10)
                             .arg(text(replica, "lag"), 8)
                             .arg(text(replica, "lag-ms"), 8)
                             .arg(shortDigest(text(replica, "acked-digest")));
            }
        }
    }
    return lines.join(QLatin1Char('\n'));
}
