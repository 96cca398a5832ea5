// The prefetch hint from the state engine's forecasts (partitioning/prefetchhints.h): per
// partition, the earliest change forecast for its keys, from sure enough forecasts that have not
// long expired, each key in the partition it belongs to (clustered, or its class's cold one).

#include <QTest>

#include "foresight/partitioning/prefetchhints.h"

using namespace foresight;
using namespace foresight::partitioning;
using config::ImpactClass;

class TestPrefetchHints : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void earliestSureChangePerPartition()
    {
        PartitionSet set = coldOnlyPartitions(ClusteringAlgorithm::KMeans, {});
        Partition carts;
        carts.id = 1;
        carts.impactClass = ImpactClass::High;
        carts.keys = {QStringLiteral("cart/1"), QStringLiteral("cart/2")};
        set.partitions.prepend(carts);
        set.clustered.insert(QStringLiteral("cart/1"), 1);
        set.clustered.insert(QStringLiteral("cart/2"), 1);
        const auto classOf = [](const QString &key) {
            return key.startsWith(QLatin1String("session/")) ? ImpactClass::Critical : ImpactClass::Low;
        };
        constexpr std::int64_t now = 1'000'000;
        const QList<ChangeForecast> forecasts{
            {QStringLiteral("cart/1"), now + 5000, 0.9},
            {QStringLiteral("cart/2"), now + 2000, 0.8},      // the earlier of the partition's two
            {QStringLiteral("session/7"), now + 300, 0.6},    // unclustered: the critical cold one
            {QStringLiteral("history/3"), now + 100, 0.2},    // not sure enough
            {QStringLiteral("history/4"), now - 60'000, 1.0}, // long past: expired
        };
        const auto hints = earliestForecastChanges(set, forecasts, classOf, now);
        QCOMPARE(hints.size(), 2);
        QCOMPARE(hints.value(1), now + 2000);
        QCOMPARE(hints.value(coldPartitionId(ImpactClass::Critical)), now + 300);
        QVERIFY(!hints.contains(coldPartitionId(ImpactClass::Low)));

        // A change due a moment ago is still a hint (it is late, not wrong), as the options say.
        ForecastHintOptions strict;
        strict.expiredAfterMs = 0;
        QVERIFY(
            earliestForecastChanges(set, {{QStringLiteral("cart/1"), now - 1, 0.9}}, classOf, now, strict).isEmpty());
        QCOMPARE(earliestForecastChanges(set, {{QStringLiteral("cart/1"), now - 1, 0.9}}, classOf, now).value(1),
                 now - 1);
    }
};

QTEST_GUILESS_MAIN(TestPrefetchHints)
#include "tst_prefetchhints.moc"
