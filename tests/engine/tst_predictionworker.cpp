// The agent's state-model thread (agent/predictionworker.h): it picks the family with the lower
// held-out error per application, the same one wherever the same deltas are learnt (which is
// what makes a hot replica's divergence 0), starts over when told to, and keeps to its budget.

#include <QTest>

#include "agent/predictionworker.h"

using namespace foresight;

namespace {

// Three gauges that climb by their own steps with a wobble, written round-robin every 100 ms.
state::StateDelta gaugeDelta(std::uint64_t seq)
{
    const int key = int((seq - 1) % 3);
    const auto round = qint64((seq - 1) / 3);
    state::StateDelta delta;
    delta.epoch = 1;
    delta.seq = seq;
    delta.timestampMs = 1'700'000'000'000 + qint64(seq) * 100;
    delta.key = QStringLiteral("gauge/g%1").arg(key);
    delta.op = state::DeltaOp::Put;
    delta.value = QByteArray::number(1000 * (key + 1) + round * (key + 1) * 10 + (round % 5) * 3);
    return delta;
}

bool settled(const agent::PredictionWorker &worker, const QString &app, std::uint64_t seq)
{
    return worker.forecasts(app)->observedSeq == seq;
}

} // namespace

class TestPredictionWorker : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void picksAFamilyAndAgreesWithItself()
    {
        // Two workers, as on a primary and its hot replica, learning the same deltas.
        agent::PredictionWorker primary(100'000);
        agent::PredictionWorker replica(100'000);
        constexpr std::uint64_t kDeltas = 1500;
        for (std::uint64_t seq = 1; seq <= kDeltas; ++seq) {
            primary.observe(QStringLiteral("shop"), gaugeDelta(seq));
            replica.observe(QStringLiteral("shop"), gaugeDelta(seq));
        }
        QTRY_VERIFY_WITH_TIMEOUT(settled(primary, u"shop"_qs, kDeltas) && settled(replica, u"shop"_qs, kDeltas), 120000);
        const auto a = primary.forecasts(QStringLiteral("shop"));
        const auto b = replica.forecasts(QStringLiteral("shop"));
        QCOMPARE(a->observed, qint64(kDeltas));
        QCOMPARE(a->skipped, 0);
        // The trial ended with a pick, named with both families' held-out errors.
        QVERIFY2(a->selection.startsWith(QLatin1String("gru:")) || a->selection.startsWith(QLatin1String("xgboost:")),
                 qPrintable(a->selection));
        QVERIFY2(a->selection.contains(QLatin1String("held-out value error")), qPrintable(a->selection));
        QCOMPARE(a->model, a->selection.section(QLatin1Char(':'), 0, 0));
        qInfo("picked %s", qPrintable(a->selection));
        // Same deltas, same forecasts: nothing for a divergence check to find.
        QCOMPARE(b->selection, a->selection);
        QCOMPARE(b->keys.size(), 3);
        for (auto it = a->keys.cbegin(); it != a->keys.cend(); ++it) {
            const prediction::KeyForecast &mine = b->keys.value(it.key());
            QCOMPARE(mine.basedOnSeq, it->basedOnSeq);
            QCOMPARE(mine.nextValue, it->nextValue);
            QCOMPARE(mine.nextChangeMs, it->nextChangeMs);
        }
    }

    void forgetStartsOverAndTheBudgetSkips()
    {
        agent::PredictionWorker worker(50); // deltas per second and application
        for (std::uint64_t seq = 1; seq <= 30; ++seq)
            worker.observe(QStringLiteral("shop"), gaugeDelta(seq));
        QTRY_VERIFY_WITH_TIMEOUT(settled(worker, u"shop"_qs, 30), 30000);
        QCOMPARE(worker.forecasts(QStringLiteral("shop"))->keys.size(), 3);
        QCOMPARE(worker.forecasts(QStringLiteral("shop"))->selection,
                 QStringLiteral("trial: 0 of %1 forecasts scored").arg(agent::PredictionWorker::kTrialScored));

        worker.forget(QStringLiteral("shop"));
        QCOMPARE(worker.forecasts(QStringLiteral("shop"))->keys.size(), 0); // at once
        // 100 more in a burst: at most 50 a second are learnt, the rest skipped and counted.
        for (std::uint64_t seq = 31; seq <= 130; ++seq)
            worker.observe(QStringLiteral("shop"), gaugeDelta(seq));
        QTRY_VERIFY_WITH_TIMEOUT(worker.forecasts(QStringLiteral("shop"))->observed > 0
                                     && worker.forecasts(QStringLiteral("shop"))->observed
                                                + worker.forecasts(QStringLiteral("shop"))->skipped
                                            == 100,
                                 30000);
        // The first 30 used part of the same second's budget; a burst of microseconds never
        // spans two more seconds, so some of it was skipped whatever the window's alignment.
        const auto table = worker.forecasts(QStringLiteral("shop"));
        QVERIFY2(table->skipped > 0 && table->observed <= 70, qPrintable(QString::number(table->observed)));
        QVERIFY(table->observedSeq > 30);
        // Another application is unaffected.
        QCOMPARE(worker.forecasts(QStringLiteral("arena"))->observed, 0);
    }

    // CI once saw the count stop short of the burst (observed + skipped 50 of 100 for good): the
    // worker published while the burst was still being skipped, and nothing learnt afterwards
    // made it publish again. Skips alone now make it publish.
    void skipsArePublishedWhenNothingIsLearntAfterThem()
    {
        agent::PredictionWorker worker(10);
        for (std::uint64_t seq = 1; seq <= 10; ++seq)
            worker.observe(QStringLiteral("shop"), gaugeDelta(seq));
        QTRY_VERIFY_WITH_TIMEOUT(settled(worker, u"shop"_qs, 10), 30000);
        // The second's budget is spent: these are skipped (or, if a new second began meanwhile,
        // its first ten learnt), and the table must count every one of them either way.
        for (std::uint64_t seq = 11; seq <= 50; ++seq)
            worker.observe(QStringLiteral("shop"), gaugeDelta(seq));
        QTRY_COMPARE_WITH_TIMEOUT(worker.forecasts(QStringLiteral("shop"))->observed
                                      + worker.forecasts(QStringLiteral("shop"))->skipped,
                                  qint64(50),
                                  30000);
        QVERIFY(worker.forecasts(QStringLiteral("shop"))->skipped >= 30);
    }
};

QTEST_GUILESS_MAIN(TestPredictionWorker)
#include "tst_predictionworker.moc"
