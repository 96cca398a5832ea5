#include "terminalview.h"

#include <QCborArray>
#include <QHash>
#include <QStringList>

namespace {

struct PrimaryFacts
{
    qint64 seq = 0;
    QString digest;
    QString criticalDigest;
    QHash<QString, QCborMap> replicas; // by agent name, as the primary sees them
};

QString cell(const QString &text, int width)
{
    return text.leftJustified(width, QLatin1Char(' '), true) + QLatin1Char(' ');
}

} // namespace

QString renderClusterTable(const ViewHeader &header, const QList<AgentRow> &agents)
{
    // What each application's primary holds, to judge every replica against it.
    QHash<QString, PrimaryFacts> primaries;
    for (const AgentRow &row : agents) {
        for (const QCborValue &value : row.status.value(QStringLiteral("apps")).toArray()) {
            const QCborMap app = value.toMap();
            if (app.value(QStringLiteral("role")).toString() != QLatin1String("primary"))
                continue;
            PrimaryFacts facts;
            facts.seq = app.value(QStringLiteral("seq")).toInteger();
            facts.digest = app.value(QStringLiteral("digest")).toString();
            facts.criticalDigest = app.value(QStringLiteral("critical-digest")).toString();
            for (const QCborValue &r : app.value(QStringLiteral("replicas")).toArray())
                facts.replicas.insert(r.toMap().value(QStringLiteral("agent")).toString(), r.toMap());
            primaries.insert(app.value(QStringLiteral("app")).toString(), facts);
        }
    }

    QStringList lines;
    lines << header.title << header.workload << QString();
    lines << cell(QStringLiteral("APP"), 8) + cell(QStringLiteral("AGENT"), 9) + cell(QStringLiteral("ROLE"), 8)
                 + cell(QStringLiteral("TIER"), 5) + cell(QStringLiteral("EPOCH"), 5) + cell(QStringLiteral("SEQ"), 8)
                 + cell(QStringLiteral("LAG"), 6) + cell(QStringLiteral("LAG MS"), 7)
                 + cell(QStringLiteral("DIGEST"), 13) + QStringLiteral("STATE");
    for (const AgentRow &row : agents) {
        if (!row.reachable) {
            lines << cell(QStringLiteral("-"), 8) + cell(row.agent, 9) + QStringLiteral("UNREACHABLE: ") + row.error;
            continue;
        }
        for (const QCborValue &value : row.status.value(QStringLiteral("apps")).toArray()) {
            const QCborMap app = value.toMap();
            const QString name = app.value(QStringLiteral("app")).toString();
            const QString role = app.value(QStringLiteral("role")).toString();
            const QString tier = app.value(QStringLiteral("tier")).toString();
            const qint64 seq = app.value(QStringLiteral("seq")).toInteger();
            const QString digest = app.value(QStringLiteral("digest")).toString();
            QString lag = QStringLiteral("-");
            QString lagMs = QStringLiteral("-");
            QString verdict;
            if (role == QLatin1String("primary")) {
                verdict = app.value(QStringLiteral("writable")).toBool()
                              ? QStringLiteral("writable, %1 replica(s)")
                                    .arg(app.value(QStringLiteral("replicas")).toArray().size())
                              : QStringLiteral("FENCED: ") + app.value(QStringLiteral("fenced")).toString();
            } else {
                const PrimaryFacts facts = primaries.value(name);
                const QCborMap seen = facts.replicas.value(row.agent);
                if (!seen.isEmpty()) {
                    lag = QString::number(seen.value(QStringLiteral("lag")).toInteger());
                    lagMs = QString::number(seen.value(QStringLiteral("lag-ms")).toInteger());
                }
                const bool connected
                    = app.value(QStringLiteral("primary")).toMap().value(QStringLiteral("connected")).toBool();
                if (!connected) {
                    verdict = QStringLiteral("NOT CONNECTED to its primary");
                } else if (tier == QLatin1String("cold")) {
                    const QCborMap stored = app.value(QStringLiteral("stored-snapshot")).toMap();
                    verdict = stored.isEmpty() ? QStringLiteral("waiting for the first snapshot")
                                               : QStringLiteral("snapshot at seq %1 stored in SQLite")
                                                     .arg(stored.value(QStringLiteral("seq")).toInteger());
                    if (app.contains(QStringLiteral("store-error")))
                        verdict = QStringLiteral("STORE ERROR: ") + app.value(QStringLiteral("store-error")).toString();
                } else if (seq == facts.seq) {
                    // A warm replica holds the critical keys in order (the rest as scheduled).
                    const bool match = tier == QLatin1String("warm")
                                           ? app.value(QStringLiteral("critical-digest")).toString()
                                                 == facts.criticalDigest
                                           : digest == facts.digest;
                    verdict = match ? (tier == QLatin1String("warm")
                                           ? QStringLiteral("in sync (critical keys, digest matches)")
                                           : QStringLiteral("in sync (digest matches)"))
                                    : QStringLiteral("DIGEST MISMATCH at the same sequence");
                } else if (seq > facts.seq) {
                    // The agents are asked one after the other: the primary wrote on after it answered.
                    verdict = QStringLiteral("streaming (%1 newer than the primary's answer)").arg(seq - facts.seq);
                } else {
                    verdict = QStringLiteral("catching up (%1 behind)").arg(facts.seq - seq);
                }
            }
            lines << cell(name, 8) + cell(row.agent, 9) + cell(role, 8)
                         + cell(role == QLatin1String("primary") ? QStringLiteral("-") : tier, 5)
                         + cell(QString::number(app.value(QStringLiteral("epoch")).toInteger()), 5)
                         + cell(QString::number(seq), 8) + cell(lag, 6) + cell(lagMs, 7) + cell(digest.left(12), 13)
                         + verdict;
        }
    }
    lines << QString() << header.hint;
    return lines.join(QLatin1Char('\n'));
}
