// A simulated host is only files in /proc's formats: the agent's real HostMetricsReader reads the
// levels the simulation meant, degradations worsen them the way real failures begin, and the
// host recovers when they are cleared. Time is driven by the test.

#include <QTemporaryDir>
#include <QTest>

#include "foresight/core/clock.h"
#include "foresight/metrics/hostmetrics.h"
#include "foresight/sim/simulatedhost.h"

using namespace foresight;
using namespace foresight::sim;

namespace {

constexpr qint64 kStart = 1'700'000'000'000; // 22:13 UTC

struct Rig
{
    QTemporaryDir dir;
    ManualClock clock{kStart};
    std::optional<SimulatedHost> host;
    std::unique_ptr<metrics::HostMetricsReader> reader;

    bool start(SimulatedHostSettings settings = {})
    {
        settings.root = dir.filePath(QStringLiteral("proc"));
        auto created = SimulatedHost::create(settings, clock.wallMs());
        if (!created)
            return false;
        host.emplace(std::move(*created));
        reader = std::make_unique<metrics::HostMetricsReader>(clock, settings.root);
        return bool(reader->sample()); // the first reading has no interval to compute rates over
    }

    // One second of simulated time, then what the agent would read.
    metrics::HostMetrics step(qint64 ms = 1000)
    {
        clock.advance(ms);
        if (!host->advanceTo(clock.wallMs()))
            return {};
        auto sample = reader->sample();
        return sample ? *sample : metrics::HostMetrics{};
    }
};

} // namespace

class TestSimulatedHost : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void theAgentsReaderSeesTheSimulatedLevels()
    {
        Rig rig;
        QVERIFY(rig.start());
        for (int i = 0; i < 5; ++i) {
            const metrics::HostMetrics m = rig.step();
            const auto &levels = rig.host->levels();
            QVERIFY2(m.warnings.isEmpty(), qPrintable(m.warnings.join(QStringLiteral("; "))));
            QVERIFY2(qAbs(m.cpuBusy - levels.cpuBusy) < 0.01, qPrintable(QString::number(m.cpuBusy)));
            QVERIFY(qAbs(m.cpuIowait - levels.cpuIowait) < 0.01);
            QVERIFY(qAbs(m.memUsedFraction - levels.memUsed) < 0.001);
            QVERIFY(qAbs(m.load1 - levels.load1) < 0.01);
            QVERIFY(qAbs(m.diskIoBusyFraction - levels.diskBusy) < 0.01);
            QCOMPARE(m.procsBlocked, qint64(levels.procsBlocked));
            QVERIFY(m.netRxBytesPerSec > 1e6);
            QCOMPARE(m.memTotalBytes, 16LL * 1024 * 1024 * 1024);
        }
    }

    void aMemoryLeakFillsMemoryThenSwapAndClears()
    {
        Rig rig;
        QVERIFY(rig.start());
        const double before = rig.step().memUsedFraction;
        rig.host->degrade(Degradation::MemoryLeak, rig.clock.wallMs(), 60'000);
        const double halfway = [&] {
            double used = 0;
            for (int i = 0; i < 30; ++i)
                used = rig.step().memUsedFraction;
            return used;
        }();
        metrics::HostMetrics end;
        for (int i = 0; i < 40; ++i)
            end = rig.step();
        QVERIFY2(halfway > before + 0.15, qPrintable(QStringLiteral("%1 -> %2").arg(before).arg(halfway)));
        QVERIFY2(end.memUsedFraction > 0.95, qPrintable(QString::number(end.memUsedFraction)));
        QVERIFY(end.swapUsedFraction > 0.5);
        QVERIFY(end.load1 > rig.host->settings().cpus * 0.1 + 1.5);
        rig.host->clearDegradations();
        QVERIFY(!rig.host->degraded());
        QVERIFY(rig.step().memUsedFraction < 0.6);
    }

    void diskErrorsLatencyCreepAndCpuSaturation()
    {
        Rig rig;
        QVERIFY(rig.start());
        rig.host->degrade(Degradation::DiskErrors, rig.clock.wallMs(), 0);
        metrics::HostMetrics m = rig.step();
        QVERIFY2(m.cpuIowait > 0.3, qPrintable(QString::number(m.cpuIowait)));
        QVERIFY(m.diskIoBusyFraction > 0.9);
        QCOMPARE(m.procsBlocked, qint64(6));
        rig.host->clearDegradations();

        rig.host->degrade(Degradation::LatencyCreep, rig.clock.wallMs(), 0);
        m = rig.step(2000);
        QVERIFY2(m.netDropsPerSec > 40, qPrintable(QString::number(m.netDropsPerSec)));
        QVERIFY(m.netRxErrorsPerSec + m.netTxErrorsPerSec > 8);
        rig.host->clearDegradations();

        rig.host->degrade(Degradation::CpuSaturation, rig.clock.wallMs(), 0);
        m = rig.step();
        QVERIFY2(m.cpuBusy > 0.95, qPrintable(QString::number(m.cpuBusy)));
        QVERIFY(m.load1 > 2 * rig.host->settings().cpus);
    }

    void theDayHasACycle()
    {
        SimulatedHostSettings settings;
        settings.noise = 0;
        Rig rig;
        QVERIFY(rig.start(settings));
        // From 22:13 UTC to 14:13 UTC the next day: quiet night to busy afternoon.
        const double night = rig.step().cpuBusy;
        const double afternoon = rig.step(16 * 3'600'000).cpuBusy;
        QVERIFY2(afternoon > night + 0.15, qPrintable(QStringLiteral("%1 vs %2").arg(night).arg(afternoon)));
    }

    void badSettingsAreNamed()
    {
        SimulatedHostSettings settings;
        QVERIFY(!settings.validate()); // no root
        settings.root = QStringLiteral("/tmp/x");
        settings.memUsed = 1.5;
        const Status status = settings.validate();
        QVERIFY(!status);
        QVERIFY2(status.error().message.contains(QStringLiteral("memUsed must be within 0..1")),
                 qPrintable(status.error().message));
    }
};

QTEST_GUILESS_MAIN(TestSimulatedHost)
#include "tst_simulatedhost.moc"
