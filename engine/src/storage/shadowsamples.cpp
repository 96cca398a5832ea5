// The console store's shadow discrepancy history (issue 19): what the Shadows panel charts and
// what an incident report can show of a swap's run-up.

#include <algorithm>

#include <QSqlQuery>
#include <QVariant>

#include "storage/consolestoreimpl.h"

namespace foresight::storage {

Status ConsoleStore::appendShadowSamples(const QList<ShadowSample> &samples)
{
    for (const ShadowSample &sample : samples) {
        if (sample.app.isEmpty() || sample.agent.isEmpty() || sample.wallMs <= 0) {
            return fail(ErrorCode::InvalidArgument,
                        QStringLiteral("a shadow sample needs an application, an agent and a time; got '%1' on '%2' "
                                       "at %3 ms")
                            .arg(sample.app, sample.agent)
                            .arg(sample.wallMs));
        }
    }
    if (samples.isEmpty())
        return {};
    const SqliteDatabase &db = m_impl->m_db;
    SqliteTransaction transaction(db);
    if (auto status = transaction.begin(); !status)
        return status;
    auto query = db.prepare(QStringLiteral(
                                "INSERT OR REPLACE INTO shadow_samples (app, wall_ms, agent, seq_gap, lag_ms,"
                                " digest_agrees, divergence, keys_differing, bytes_differing,"
                                " differing_partial) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"),
                            QStringLiteral("cannot record shadow discrepancies"));
    if (!query)
        return std::unexpected(query.error());
    for (const ShadowSample &sample : samples) {
        const QVariantList values{sample.app,
                                  sample.wallMs,
                                  sample.agent,
                                  sample.seqGap,
                                  sample.lagMs,
                                  sample.digestAgrees,
                                  sample.divergence,
                                  sample.keysDiffering,
                                  sample.bytesDiffering,
                                  sample.differingPartial};
        if (auto status = db.exec(*query,
                                  values,
                                  QStringLiteral("cannot record the shadow discrepancy of %1").arg(sample.app));
            !status)
            return status;
    }
    query->finish();
    return transaction.commit();
}

Result<QList<ShadowSample>> ConsoleStore::shadowSamples(const QString &app,
                                                        qint64 fromMs,
                                                        qint64 toMs,
                                                        int maxPoints) const
{
    if (maxPoints <= 0 || toMs < fromMs)
        return QList<ShadowSample>();
    auto newestFirst
        = m_impl->m_db.queryAll(QStringLiteral(
                                    "SELECT wall_ms, agent, seq_gap, lag_ms, digest_agrees, divergence, keys_differing,"
                                    " bytes_differing, differing_partial FROM shadow_samples"
                                    " WHERE app = ? AND wall_ms BETWEEN ? AND ? ORDER BY wall_ms DESC LIMIT ?"),
                                {app, fromMs, toMs, maxPoints},
                                QStringLiteral("cannot read the shadow discrepancies of %1").arg(app),
                                [&app](const QSqlQuery &query) {
                                    ShadowSample sample;
                                    sample.app = app;
                                    sample.wallMs = query.value(0).toLongLong();
                                    sample.agent = query.value(1).toString();
                                    sample.seqGap = query.value(2).toLongLong();
                                    sample.lagMs = query.value(3).toLongLong();
                                    sample.digestAgrees = query.value(4).toInt();
                                    sample.divergence = query.value(5).toDouble();
                                    sample.keysDiffering = query.value(6).toLongLong();
                                    sample.bytesDiffering = query.value(7).toLongLong();
                                    sample.differingPartial = query.value(8).toInt();
                                    return sample;
                                });
    if (!newestFirst)
        return std::unexpected(newestFirst.error());
    std::reverse(newestFirst->begin(), newestFirst->end());
    return newestFirst;
}

Result<qint64> ConsoleStore::pruneShadowSamples(qint64 beforeMs)
{
    return m_impl->m_db.change(QStringLiteral("DELETE FROM shadow_samples WHERE wall_ms < ?"),
                               {beforeMs},
                               QStringLiteral("cannot prune the shadow discrepancy history"));
}

} // namespace foresight::storage
