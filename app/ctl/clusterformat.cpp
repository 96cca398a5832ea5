#include "clusterformat.h"

#include <QCborArray>
#include <QDateTime>
#include <QStringList>

#include "partitionsformat.h"

namespace {

QString text(const QCborMap &map, const char *key)
{
    return map.value(QLatin1String(key)).toString();
}

qint64 number(const QCborMap &map, const char *key, qint64 fallback = 0)
{
    return map.value(QLatin1String(key)).toInteger(fallback);
}

bool flag(const QCborMap &map, const char *key)
{
    return map.value(QLatin1String(key)).toBool();
}

QCborArray list(const QCborMap &map, const char *key)
{
    return map.value(QLatin1String(key)).toArray();
}

// Local time; the date too unless it is today.
QString when(qint64 wallMs)
{
    if (wallMs <= 0)
        return QStringLiteral("-");
    const QDateTime time = QDateTime::fromMSecsSinceEpoch(wallMs);
    if (time.date() == QDate::currentDate())
        return time.toString(QStringLiteral("HH:mm:ss"));
    return time.toString(QStringLiteral("yyyy-MM-dd HH:mm:ss"));
}

QString agentState(const QCborMap &agent)
{
    if (!text(agent, "error").isEmpty())
        return QStringLiteral("ERROR: ") + text(agent, "error");
    QStringList state;
    if (!flag(agent, "heard"))
        state << QStringLiteral("never heard");
    else
        state << (flag(agent, "suspected") ? QStringLiteral("SUSPECTED") : QStringLiteral("ok"));
    if (flag(agent, "maintenance"))
        state << QStringLiteral("maintenance");
    if (flag(agent, "never-promote"))
        state << QStringLiteral("never-promote");
    if (number(agent, "priority") != 0)
        state << QStringLiteral("priority %1").arg(number(agent, "priority"));
    return state.join(QStringLiteral(", "));
}

// The model's failure risk of the agent's host, "-" without a model; and the external risk an
// operator set (host risk), which the engine takes as a floor under it: "0.12 ext 0.80".
QString riskCell(const QCborMap &agent)
{
    const QCborValue risk = agent.value(QStringLiteral("failure-risk"));
    QString cell = risk.isDouble() || risk.isInteger() ? QString::number(risk.toDouble(), 'f', 2) : QStringLiteral("-");
    const QCborValue external = agent.value(QStringLiteral("external-risk"));
    if (external.isDouble() || external.isInteger())
        cell += QStringLiteral(" ext %1").arg(external.toDouble(), 0, 'f', 2);
    return cell;
}

// The health baseline's anomaly score and the metric behind it; "-" before the first sample.
QString anomalyCell(const QCborMap &agent)
{
    const QCborValue anomaly = agent.value(QStringLiteral("anomaly"));
    if (!anomaly.isDouble() && !anomaly.isInteger())
        return QStringLiteral("-");
    return QStringLiteral("%1 (%2)").arg(anomaly.toDouble(), 0, 'f', 2).arg(text(agent, "anomaly-metric"));
}

// Where failure prediction stands: the model, its held-out figures, or why there is none.
QStringList predictionLines(const QCborMap &prediction)
{
    if (prediction.isEmpty())
        return {};
    if (!flag(prediction, "enabled"))
        return {QStringLiteral("PREDICTION off")};
    QStringList lines{QStringLiteral("PREDICTION  %1").arg(text(prediction, "state"))};
    const QCborMap evaluation = prediction.value(QStringLiteral("evaluation")).toMap();
    if (evaluation.contains(QStringLiteral("f1"))) {
        lines << QStringLiteral(
                     "  held out: precision %1, recall %2, F1 %3 on %4 rows (risk >= %5 counts as a warning)")
                     .arg(evaluation.value(QStringLiteral("precision")).toDouble(), 0, 'f', 2)
                     .arg(evaluation.value(QStringLiteral("recall")).toDouble(), 0, 'f', 2)
                     .arg(evaluation.value(QStringLiteral("f1")).toDouble(), 0, 'f', 2)
                     .arg(evaluation.value(QStringLiteral("held-out-rows")).toInteger())
                     .arg(prediction.value(QStringLiteral("alert-risk")).toDouble(), 0, 'f', 2);
    } else if (evaluation.contains(QStringLiteral("held-out"))) {
        lines << QStringLiteral("  held out: %1").arg(evaluation.value(QStringLiteral("held-out")).toString());
    }
    lines << QStringLiteral("  horizon %1 s, %2 incident(s) in the training window, %3 host(s) sampled")
                 .arg(number(prediction, "horizon-ms") / 1000)
                 .arg(number(prediction, "incidents-in-window"))
                 .arg(number(prediction, "hosts-sampled"));
    if (!text(prediction, "last-error").isEmpty())
        lines << QStringLiteral("  last problem: %1").arg(text(prediction, "last-error"));
    return lines;
}

QStringList agentLines(const QCborArray &agents)
{
    QList<QStringList> rows{{QStringLiteral("AGENT"),
                             QStringLiteral("HOST"),
                             QStringLiteral("HEARD"),
                             QStringLiteral("PHI"),
                             QStringLiteral("RISK"),
                             QStringLiteral("ANOMALY"),
                             QStringLiteral("STATE")}};
    for (const QCborValue &value : agents) {
        const QCborMap agent = value.toMap();
        const qint64 ago = number(agent, "heard-ms-ago", -1);
        rows << QStringList{text(agent, "name"),
                            text(agent, "host"),
                            ago < 0 ? QStringLiteral("never") : QStringLiteral("%1 ms ago").arg(ago),
                            QString::number(agent.value(QStringLiteral("phi")).toDouble(), 'f', 1),
                            riskCell(agent),
                            anomalyCell(agent),
                            agentState(agent)};
    }
    return alignedTable(rows, QString());
}

// A round trip as measured between two agents; "-" until it is.
QString milliseconds(const QCborValue &value)
{
    if (!value.isDouble() && !value.isInteger())
        return QStringLiteral("-");
    const double ms = value.toDouble();
    return ms < 0 ? QStringLiteral("-") : QStringLiteral("%1 ms").arg(ms, 0, 'f', ms < 10 ? 2 : 1);
}

QStringList replicaLines(const QCborArray &replicas)
{
    if (replicas.isEmpty())
        return {QStringLiteral("  replicas: none")};
    QList<QStringList> rows{{QStringLiteral("REPLICA"),
                             QStringLiteral("TIER"),
                             QStringLiteral("SEQ"),
                             QStringLiteral("LAG"),
                             QStringLiteral("LINK"),
                             QStringLiteral("RTT"),
                             QStringLiteral("DIVERGENCE"),
                             QStringLiteral("INTEGRITY")}};
    for (const QCborValue &value : replicas) {
        const QCborMap replica = value.toMap();
        rows << QStringList{text(replica, "agent"),
                            text(replica, "tier"),
                            QString::number(number(replica, "seq")),
                            QString::number(number(replica, "lag")),
                            flag(replica, "connected") ? QStringLiteral("up") : QStringLiteral("DOWN"),
                            milliseconds(replica.value(QStringLiteral("rtt-ms"))),
                            QString::number(replica.value(QStringLiteral("divergence")).toDouble(), 'f', 3),
                            flag(replica, "integrity-ok")
                                ? QStringLiteral("ok")
                                : QStringLiteral("MISMATCH: ") + text(replica, "integrity-note")};
    }
    return alignedTable(rows, QStringLiteral("  "));
}

// One row per candidate, one column per ranking term (in the engine's order of importance), and
// a note: the choice, why the one above ranks higher, or why it is excluded.
QStringList candidateLines(const QCborMap &app)
{
    const QCborArray candidates = list(app, "candidates");
    if (candidates.isEmpty())
        return {QStringLiteral("  candidates: none")};
    QStringList termNames;
    for (const QCborValue &candidate : candidates) {
        for (const QCborValue &term : list(candidate.toMap(), "terms")) {
            const QString name = text(term.toMap(), "name");
            if (!termNames.contains(name))
                termNames << name;
        }
    }
    QList<QStringList> rows;
    QStringList header{QStringLiteral("RANK"), QStringLiteral("CANDIDATE")};
    for (const QString &name : termNames)
        header << name.toUpper();
    header << QStringLiteral("WHY");
    rows << header;
    QString above;
    for (const QCborValue &value : candidates) {
        const QCborMap candidate = value.toMap();
        const qint64 rank = number(candidate, "rank");
        QStringList row{rank > 0 ? QStringLiteral("#%1").arg(rank) : QStringLiteral("-"), text(candidate, "agent")};
        for (const QString &name : termNames) {
            QString cell = QStringLiteral("?");
            for (const QCborValue &term : list(candidate, "terms")) {
                if (text(term.toMap(), "name") == name)
                    cell = text(term.toMap(), "value");
            }
            row << cell;
        }
        if (!flag(candidate, "eligible"))
            row << QStringLiteral("excluded: ") + text(candidate, "excluded-because");
        else if (rank == 1)
            row << QStringLiteral("the console's choice");
        else
            row << QStringLiteral("below %1: %2").arg(above, text(candidate, "rank-reason"));
        above = text(candidate, "agent");
        rows << row;
    }
    QStringList lines{QStringLiteral("  candidates, best first (terms in order of importance):")};
    lines << alignedTable(rows, QStringLiteral("    "));
    const QCborMap first = candidates.at(0).toMap();
    if (flag(first, "eligible") && candidates.size() >= 2) {
        lines << QStringLiteral("  why %1 over %2: %3")
                     .arg(text(first, "agent"), text(candidates.at(1).toMap(), "agent"), text(app, "choice-reason"));
    } else if (!flag(first, "eligible")) {
        lines << QStringLiteral("  no eligible candidate: a failover could not promote anyone");
    }
    return lines;
}

QStringList appLines(const QCborMap &app)
{
    QStringList lines;
    lines << QStringLiteral("APP %1  [%2]").arg(text(app, "name"), text(app, "phase"));
    const QString primary = text(app, "primary");
    lines << QStringLiteral("  primary %1, epoch %2, seq %3, %4, lease %5 ms left")
                 .arg(primary.isEmpty() ? QStringLiteral("(none)") : primary)
                 .arg(number(app, "epoch"))
                 .arg(number(app, "seq"))
                 .arg(flag(app, "writable") ? QStringLiteral("writable") : QStringLiteral("NOT WRITABLE"))
                 .arg(number(app, "lease-left-ms"));
    const qint64 until = number(app, "blocked-until-ms");
    if (!text(app, "reason").isEmpty() || until > 0) {
        lines << QStringLiteral("  why: %1%2")
                     .arg(text(app, "reason"), until > 0 ? QStringLiteral(" (until %1)").arg(when(until)) : QString());
    }
    const QCborMap scheduled = app.value(QStringLiteral("scheduled-switchover")).toMap();
    if (!scheduled.isEmpty()) {
        const QString to = text(scheduled, "to");
        lines << QStringLiteral("  switchover scheduled at %1 to %2")
                     .arg(when(number(scheduled, "at-ms")),
                          to.isEmpty() ? QStringLiteral("the best hot replica then") : to);
    }
    lines << QStringLiteral("  failover score %1").arg(text(app, "score-explained"));
    const QCborMap desired = app.value(QStringLiteral("desired")).toMap();
    lines << QStringLiteral("  tiers wanted: %1 hot, %2 warm, %3 cold")
                 .arg(number(desired, "hot"))
                 .arg(number(desired, "warm"))
                 .arg(number(desired, "cold"));
    if (number(app, "last-incident") > 0)
        lines << QStringLiteral("  last incident: #%1").arg(number(app, "last-incident"));
    if (!text(app, "topology").isEmpty())
        lines << QStringLiteral("  hot tier: %1").arg(text(app, "topology"));
    if (const QString partitions = partitionsSummary(app.value(QStringLiteral("partitions")).toMap());
        !partitions.isEmpty())
        lines << QStringLiteral("  ") + partitions;
    lines << replicaLines(list(app, "replicas"));
    lines << candidateLines(app);
    return lines;
}

QString termsOf(const QCborMap &candidate)
{
    // In an outcome's details the terms are a map (name → value), which has lost the ranking's
    // order: put the terms the ranking knows back in it, the others after them.
    static const QStringList kRankingOrder{QStringLiteral("tier"),
                                           QStringLiteral("seq"),
                                           QStringLiteral("seq-behind"),
                                           QStringLiteral("predicted-to-fail"),
                                           QStringLiteral("priority"),
                                           QStringLiteral("divergence"),
                                           QStringLiteral("latency-ms"),
                                           QStringLiteral("failure-risk")};
    const QCborValue terms = candidate.value(QStringLiteral("terms"));
    QStringList parts;
    if (terms.isMap()) {
        const QCborMap map = terms.toMap();
        for (const QString &name : kRankingOrder) {
            if (map.contains(name))
                parts << QStringLiteral("%1 %2").arg(name, map.value(name).toString());
        }
        for (auto it = map.cbegin(); it != map.cend(); ++it) {
            if (!kRankingOrder.contains(it.key().toString()))
                parts << QStringLiteral("%1 %2").arg(it.key().toString(), it.value().toString());
        }
    } else {
        for (const QCborValue &term : terms.toArray())
            parts << QStringLiteral("%1 %2").arg(text(term.toMap(), "name"), text(term.toMap(), "value"));
    }
    return parts.join(QStringLiteral(", "));
}

// Round trips between agents, as each measured them: a row per measuring agent, a column per
// peer, bandwidth beside the round trip when measured. Nothing until an agent has reported.
QStringList linkLines(const QCborArray &agents)
{
    QStringList names;
    for (const QCborValue &agent : agents)
        names << text(agent.toMap(), "name");
    QList<QStringList> rows;
    QStringList header{QStringLiteral("LINKS (round trip)")};
    header << names;
    rows << header;
    bool any = false;
    for (const QCborValue &value : agents) {
        const QCborMap agent = value.toMap();
        QStringList row{text(agent, "name")};
        for (const QString &peerName : names) {
            QString cell = peerName == text(agent, "name") ? QStringLiteral("") : QStringLiteral("-");
            for (const QCborValue &peerValue : list(agent, "peers")) {
                const QCborMap peer = peerValue.toMap();
                if (text(peer, "agent") != peerName)
                    continue;
                any = true;
                cell = text(peer, "error").isEmpty() ? milliseconds(peer.value(QStringLiteral("rtt-ms")))
                                                     : QStringLiteral("ERROR");
                if (const QCborValue bandwidth = peer.value(QStringLiteral("bandwidth-bytes-per-s"));
                    bandwidth.isDouble() || bandwidth.isInteger())
                    cell += QStringLiteral(" %1 MB/s").arg(bandwidth.toDouble() / 1e6, 0, 'f', 0);
            }
            row << cell;
        }
        rows << row;
    }
    return any ? alignedTable(rows, QString()) : QStringList();
}

} // namespace

QStringList alignedTable(const QList<QStringList> &rows, const QString &indent)
{
    QList<qsizetype> widths;
    for (const QStringList &row : rows) {
        for (qsizetype i = 0; i < row.size(); ++i) {
            if (widths.size() <= i)
                widths.append(0);
            widths[i] = qMax(widths[i], row[i].size());
        }
    }
    QStringList lines;
    for (const QStringList &row : rows) {
        QString line = indent;
        for (qsizetype i = 0; i < row.size(); ++i)
            line += i + 1 < row.size() ? row[i].leftJustified(widths[i] + 2) : row[i];
        lines << line;
    }
    return lines;
}

QString formatClusterStatus(const QCborMap &status)
{
    QStringList lines;
    lines << QStringLiteral("cluster '%1' at %2").arg(text(status, "cluster"), when(number(status, "taken-ms")));
    lines << QString();
    lines << agentLines(list(status, "agents"));
    if (const QStringList links = linkLines(list(status, "agents")); !links.isEmpty())
        lines << QString() << links;
    if (const QStringList prediction = predictionLines(status.value(QStringLiteral("prediction")).toMap());
        !prediction.isEmpty())
        lines << QString() << prediction;
    for (const QCborValue &app : list(status, "apps")) {
        lines << QString();
        lines << appLines(app.toMap());
    }
    return lines.join(QLatin1Char('\n'));
}

QString formatOutcome(const QCborMap &reply)
{
    QStringList lines{text(reply, "summary")};
    const QCborMap details = reply.value(QStringLiteral("details")).toMap();
    const QCborMap candidate = details.value(QStringLiteral("candidate")).toMap();
    if (!candidate.isEmpty()) {
        lines << QStringLiteral("  candidate: %1 (rank %2): %3")
                     .arg(text(candidate, "agent"))
                     .arg(number(candidate, "rank"))
                     .arg(termsOf(candidate));
    }
    const QCborArray candidates = list(details, "candidates");
    if (!candidates.isEmpty()) {
        QStringList ranking;
        for (const QCborValue &value : candidates) {
            const QCborMap other = value.toMap();
            ranking << (flag(other, "eligible")
                            ? QStringLiteral("#%1 %2").arg(number(other, "rank")).arg(text(other, "agent"))
                            : QStringLiteral("%1 excluded (%2)")
                                  .arg(text(other, "agent"), text(other, "excluded-because")));
        }
        lines << QStringLiteral("  ranking: %1").arg(ranking.join(QStringLiteral(", ")));
    }
    if (details.contains(QStringLiteral("seqs-behind")))
        lines << QStringLiteral("  behind the newest copy: %1 seqs").arg(number(details, "seqs-behind"));
    if (details.contains(QStringLiteral("target")))
        lines << QStringLiteral("  target: %1").arg(text(details, "target"));
    if (details.contains(QStringLiteral("epoch")))
        lines << QStringLiteral("  epoch after: %1").arg(number(details, "epoch"));
    if (details.contains(QStringLiteral("at-ms")))
        lines << QStringLiteral("  at: %1").arg(when(number(details, "at-ms")));
    if (details.contains(QStringLiteral("pause-ms")))
        lines << QStringLiteral("  writes paused for %1 ms").arg(number(details, "pause-ms"));
    if (!text(reply, "actor").isEmpty())
        lines << QStringLiteral("  (as %1)").arg(text(reply, "actor"));
    return lines.join(QLatin1Char('\n'));
}

QString formatJournal(const QCborMap &reply)
{
    const QCborArray entries = list(reply, "entries");
    if (entries.isEmpty())
        return QStringLiteral("no journal entries");
    QList<QStringList> rows{{QStringLiteral("ID"),
                             QStringLiteral("TIME"),
                             QStringLiteral("KIND"),
                             QStringLiteral("APP"),
                             QStringLiteral("AGENT"),
                             QStringLiteral("ACTOR"),
                             QStringLiteral("MESSAGE")}};
    for (const QCborValue &value : entries) {
        const QCborMap entry = value.toMap();
        const auto orDash = [](const QString &s) { return s.isEmpty() ? QStringLiteral("-") : s; };
        rows << QStringList{QString::number(number(entry, "id")),
                            when(number(entry, "wall-ms")),
                            text(entry, "kind"),
                            orDash(text(entry, "app")),
                            orDash(text(entry, "agent")),
                            orDash(text(entry, "actor")),
                            text(entry, "message")};
    }
    return alignedTable(rows, QString()).join(QLatin1Char('\n'));
}

QString formatIncidents(const QCborMap &reply)
{
    const QCborArray incidents = list(reply, "incidents");
    if (incidents.isEmpty())
        return QStringLiteral("no incidents");
    QStringList lines;
    for (const QCborValue &value : incidents) {
        const QCborMap incident = value.toMap();
        const qint64 detected = number(incident, "detected-ms");
        const auto after = [&](const char *key) {
            const qint64 at = number(incident, key);
            if (at <= 0)
                return QStringLiteral("-");
            return detected > 0 ? QStringLiteral("+%1 ms").arg(at - detected) : when(at);
        };
        const qint64 lost = number(incident, "acked-writes-lost", -1);
        lines << QStringLiteral("#%1 %2: %3 -> %4 (%5), epoch %6, %7")
                     .arg(number(incident, "id"))
                     .arg(text(incident, "app"),
                          text(incident, "old-primary"),
                          text(incident, "new-primary"),
                          text(incident, "former-tier"))
                     .arg(number(incident, "epoch"))
                     .arg(flag(incident, "acknowledged") ? QStringLiteral("acknowledged")
                                                         : QStringLiteral("NOT acknowledged"));
        lines << QStringLiteral("   detected %1, decided %2, promoted %3, first acknowledged write %4")
                     .arg(when(detected), after("decided-ms"), after("promoted-ms"), after("first-ack-ms"));
        lines << QStringLiteral("   acknowledged writes lost: %1, seq gap: %2")
                     .arg(lost < 0 ? QStringLiteral("not known yet") : QString::number(lost))
                     .arg(number(incident, "seq-gap"));
        if (!text(incident, "summary").isEmpty())
            lines << QStringLiteral("   ") + text(incident, "summary");
    }
    return lines.join(QLatin1Char('\n'));
}
