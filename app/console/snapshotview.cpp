#include "snapshotview.h"

#include <QDateTime>
#include <QStringList>

using namespace foresight;

namespace {

QString cell(const QString &text, int width)
{
    return text.leftJustified(width, QLatin1Char(' '), true) + QLatin1Char(' ');
}

QString clockTime(qint64 wallMs)
{
    return QDateTime::fromMSecsSinceEpoch(wallMs).toString(QStringLiteral("HH:mm:ss"));
}

QString agentState(const failover::AgentView &agent)
{
    if (!agent.error.isEmpty())
        return QStringLiteral("ERROR: ") + agent.error;
    if (!agent.heard)
        return QStringLiteral("never heard");
    QStringList state{agent.suspected ? QStringLiteral("SUSPECTED") : QStringLiteral("ok")};
    if (agent.maintenance)
        state.append(QStringLiteral("maintenance"));
    if (agent.neverPromote)
        state.append(QStringLiteral("never-promote"));
    return state.join(QStringLiteral(", "));
}

// The model's failure risk, else the anomaly score marked as such; "-" before any sample.
QString riskCell(const failover::AgentView &agent)
{
    if (agent.failureRisk >= 0)
        return QString::number(agent.failureRisk, 'f', 2);
    if (agent.anomaly >= 0)
        return QStringLiteral("a%1").arg(agent.anomaly, 0, 'f', 2);
    return QStringLiteral("-");
}

} // namespace

QString renderSnapshot(const failover::ClusterSnapshot &snapshot, const QList<storage::JournalEntry> &journal)
{
    QStringList lines;
    lines << QStringLiteral("Foresight console (headless): cluster '%1'   %2")
                 .arg(snapshot.clusterName, clockTime(snapshot.takenWallMs));
    lines << QString();
    lines << cell(QStringLiteral("AGENT"), 12) + cell(QStringLiteral("HOST"), 12) + cell(QStringLiteral("HEARD"), 10)
                 + cell(QStringLiteral("PHI"), 6) + cell(QStringLiteral("RISK"), 7) + QStringLiteral("STATE");
    for (const failover::AgentView &agent : snapshot.agents) {
        lines << cell(agent.name, 12) + cell(agent.host, 12)
                     + cell(agent.heardMsAgo < 0 ? QStringLiteral("-") : QStringLiteral("%1 ms").arg(agent.heardMsAgo),
                            10)
                     + cell(QString::number(agent.phi, 'f', 1), 6) + cell(riskCell(agent), 7) + agentState(agent);
    }
    if (!snapshot.prediction.enabled)
        lines << QStringLiteral("prediction: off");
    else
        lines << QStringLiteral("prediction: %1%2")
                     .arg(snapshot.prediction.state,
                          snapshot.prediction.modelVersion == 0 ? QStringLiteral(" (RISK aN.NN: the anomaly score)")
                                                                : QString());
    for (const failover::AppView &app : snapshot.apps) {
        lines << QString();
        lines << QStringLiteral("APP %1: primary %2, epoch %3, seq %4, %5, lease %6 ms left   [%7]")
                     .arg(app.name, app.primary.isEmpty() ? QStringLiteral("(none)") : app.primary)
                     .arg(app.epoch)
                     .arg(app.seq)
                     .arg(app.writable ? QStringLiteral("writable") : QStringLiteral("NOT WRITABLE"))
                     .arg(app.leaseLeftMs)
                     .arg(failover::appPhaseName(app.phase));
        if (!app.reason.isEmpty()) {
            lines << QStringLiteral("  why: %1%2")
                         .arg(app.reason,
                              app.blockedUntilWallMs > 0
                                  ? QStringLiteral(" (until %1)").arg(clockTime(app.blockedUntilWallMs))
                                  : QString());
        }
        lines << QStringLiteral("  failover score %1").arg(app.scoreExplained);
        lines << QStringLiteral("  tiers wanted: %1 hot, %2 warm, %3 cold")
                     .arg(app.desiredHot)
                     .arg(app.desiredWarm)
                     .arg(app.desiredCold);
        lines << QStringLiteral("  ") + cell(QStringLiteral("REPLICA"), 12) + cell(QStringLiteral("TIER"), 6)
                     + cell(QStringLiteral("SEQ"), 10) + cell(QStringLiteral("LAG"), 8)
                     + cell(QStringLiteral("LINK"), 6) + QStringLiteral("INTEGRITY");
        for (const failover::ReplicaView &replica : app.replicas) {
            lines << QStringLiteral("  ") + cell(replica.agent, 12) + cell(tierName(replica.tier), 6)
                         + cell(QString::number(replica.seq), 10) + cell(QString::number(replica.lag), 8)
                         + cell(replica.connected ? QStringLiteral("up") : QStringLiteral("DOWN"), 6)
                         + (replica.integrityOk ? QStringLiteral("ok")
                                                : QStringLiteral("MISMATCH: ") + replica.integrityNote);
        }
        QStringList ranked;
        for (const failover::RankedCandidate &candidate : app.candidates) {
            ranked << (candidate.eligible
                           ? QStringLiteral("%1. %2 (%3, %4 behind, priority %5)")
                                 .arg(candidate.rank)
                                 .arg(candidate.facts.agent, tierName(candidate.facts.tier))
                                 .arg(candidate.seqBehind)
                                 .arg(candidate.facts.priority)
                           : QStringLiteral("%1 excluded: %2").arg(candidate.facts.agent, candidate.excludedBecause));
        }
        lines << QStringLiteral("  candidates: %1")
                     .arg(ranked.isEmpty() ? QStringLiteral("none") : ranked.join(QStringLiteral("; ")));
    }
    if (!journal.isEmpty()) {
        lines << QString();
        lines << QStringLiteral("JOURNAL");
        for (const storage::JournalEntry &entry : journal) {
            lines << QStringLiteral("  %1 %2 %3%4")
                         .arg(clockTime(entry.wallMs), cell(entry.kind, 13).trimmed().leftJustified(13))
                         .arg(entry.app.isEmpty() && entry.agent.isEmpty()
                                  ? QString()
                                  : QStringLiteral("[%1] ").arg(
                                      QStringList{entry.app, entry.agent}.join(QLatin1Char(' ')).trimmed()))
                         .arg(entry.message);
        }
    }
    return lines.join(QLatin1Char('\n'));
}
