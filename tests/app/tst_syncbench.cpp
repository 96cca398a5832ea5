// `foresight-bench sync`: its recording, its replay's own correctness (every change arrives or is
// superseded once, no key's changes reordered, the logs carry every byte) and its output. The 3x
// target is not asserted here: targets are checked by running the benchmark (docs/benchmarks.md).

#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

#include "foresight/cluster/demoworkload.h"
#include "syncbench.h"
#include "syncreplay.h"
#include "syncworkload.h"

using namespace Qt::StringLiterals;
using namespace foresight;
using namespace foresight::bench;
using foresight::config::ImpactClass;

namespace {

SyncWorkload shortShop(std::int64_t durationMs)
{
    ShopRecording recording;
    recording.durationMs = durationMs;
    return recordShopWorkload(recording);
}

bool sameAccesses(const SyncWorkload &a, const SyncWorkload &b)
{
    if (a.shape != b.shape || a.durationMs != b.durationMs || a.accesses.size() != b.accesses.size())
        return false;
    for (qsizetype i = 0; i < a.accesses.size(); ++i) {
        const WorkloadAccess &x = a.accesses.at(i);
        const WorkloadAccess &y = b.accesses.at(i);
        if (x.atMs != y.atMs || x.kind != y.kind || x.client != y.client || x.valueBytes != y.valueBytes
            || x.key != y.key) {
            qWarning().noquote() << "access" << i << "differs:" << x.atMs << x.key << x.valueBytes << "against"
                                 << y.atMs << y.key << y.valueBytes;
            return false;
        }
    }
    return true;
}

ReplaySettings shopSettings(double bandwidth)
{
    const auto function = config::ImpactFunction::compile({{{u"session/*"_s}, ImpactClass::Critical, 1000},
                                                           {{u"cart/*"_s}, ImpactClass::High, 5000}},
                                                          u"impact"_s);
    ReplaySettings settings;
    settings.classifier = *partitioning::KeyClassifier::create(*function, {u"session/*"_s});
    settings.link = {bandwidth, 40};
    settings.firstClusteringMs = 2000; // several re-clusterings within a short replay
    settings.reclusterMs = 5000;
    return settings;
}

} // namespace

class TestSyncBench : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void recordingIsDeterministicAndShopShaped();
    void workloadFileRoundTrips();
    void workloadFileRefusesGarbage();
    void replayDeliversEveryChangeOnceInKeyOrder_data();
    void replayDeliversEveryChangeOnceInKeyOrder();
    void fastLinkLeavesLittleStaleness();
    void outputParses();
    void executableRuns();
};

void TestSyncBench::recordingIsDeterministicAndShopShaped()
{
    const SyncWorkload a = shortShop(5000);
    QVERIFY(sameAccesses(a, shortShop(5000)));
    QCOMPARE(a.shape, cluster::workloadShapeName(cluster::WorkloadShape::WebShop));
    qsizetype writes = 0;
    for (qsizetype i = 0; i < a.accesses.size(); ++i) {
        const WorkloadAccess &access = a.accesses.at(i);
        QVERIFY(access.atMs >= 0 && access.atMs < 5000);
        if (i > 0)
            QVERIFY(access.atMs >= a.accesses.at(i - 1).atMs);
        if (access.kind == partitioning::AccessKind::Read)
            continue;
        ++writes;
        QVERIFY(access.key.startsWith(u"session/"_s) || access.key.startsWith(u"cart/"_s)
                || access.key.startsWith(u"history/"_s));
        // A cart write comes right after its user's session and cart reads, by the same client.
        if (access.key.startsWith(u"cart/"_s)) {
            QVERIFY(i >= 2);
            const WorkloadAccess &session = a.accesses.at(i - 2);
            QCOMPARE(session.kind, partitioning::AccessKind::Read);
            QCOMPARE(session.key, u"session/"_s + access.key.mid(5));
            QCOMPARE(session.client, access.client);
            QCOMPARE(a.accesses.at(i - 1).key, access.key);
        }
    }
    QCOMPARE(writes, qsizetype(4 * 75 * 5)); // 4 writers at 75 writes/s for 5 s
}

void TestSyncBench::workloadFileRoundTrips()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString path = dir.filePath(u"shop.workload"_s);
    const SyncWorkload recorded = shortShop(30'000);
    const auto written = writeWorkload(recorded, path);
    QVERIFY2(written, qPrintable(written ? QString() : written.error().toString()));
    const auto read = readWorkload(path);
    QVERIFY2(read, qPrintable(read ? QString() : read.error().toString()));
    QVERIFY(sameAccesses(recorded, *read));
}

void TestSyncBench::workloadFileRefusesGarbage()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(u"bad.workload"_s);
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write("# foresight-bench sync workload v1\nshape web shop\nduration-ms 1000\n5 W 1 10 a\n3 W 1 10 b\n");
    file.close();
    const auto read = readWorkload(path);
    QVERIFY(!read);
    QVERIFY2(read.error().message.contains(u":5:"_s), qPrintable(read.error().message)); // the line out of order
    QVERIFY(!readWorkload(dir.filePath(u"missing"_s)));
}

void TestSyncBench::replayDeliversEveryChangeOnceInKeyOrder_data()
{
    QTest::addColumn<double>("bandwidthShare");
    QTest::newRow("link slower than the writes") << 0.6;
    QTest::newRow("link faster than the writes") << 1.5;
}

void TestSyncBench::replayDeliversEveryChangeOnceInKeyOrder()
{
    QFETCH(double, bandwidthShare);
    const SyncWorkload workload = shortShop(20'000);
    std::int64_t bytes = 0;
    for (const WorkloadAccess &access : workload.accesses)
        bytes += access.kind == partitioning::AccessKind::Write ? deltaBytes(access) : 0;
    const ReplaySettings settings = shopSettings(bandwidthShare * double(bytes) / 20.0);

    QList<ReplayResult> results;
    for (const SyncScheduler scheduler : {SyncScheduler::Staleness,
                                          SyncScheduler::Fifo,
                                          SyncScheduler::LastModifiedFirst,
                                          SyncScheduler::FifoCoalescing,
                                          SyncScheduler::LastModifiedFirstCoalescing}) {
        const auto result = replaySync(workload, scheduler, settings);
        QVERIFY2(result, qPrintable(result ? QString() : result.error().toString()));
        const QString name = syncSchedulerName(scheduler);
        QVERIFY2(result->everyChangeOnce, qPrintable(name));
        QVERIFY2(result->keyOrderKept, qPrintable(name));
        QCOMPARE(result->bytesWritten, bytes);
        QVERIFY(result->bytesDeliveredInRecording <= bytes);
        QVERIFY(result->drainedAtMs >= workload.durationMs);
        // What a change superseded never crossed: a log sends every byte, a coalescing order less.
        const bool logs = scheduler == SyncScheduler::Fifo || scheduler == SyncScheduler::LastModifiedFirst;
        if (logs) {
            QCOMPARE(result->supersededChanges, 0);
            QCOMPARE(result->bytesSent, bytes);
        } else if (bandwidthShare < 1) { // a backlog forms, and rewritten keys coalesce in it
            QVERIFY2(result->supersededChanges > 0, qPrintable(name));
            QVERIFY2(result->bytesSent < bytes, qPrintable(name));
        }
        results.append(*result);
    }
    // The same changes, cut into batches of the same size: only the order (and coalescing) differs.
    for (const ReplayResult &result : std::as_const(results)) {
        QCOMPARE(result.changes, results.first().changes);
        QCOMPARE(result.batchBytes, results.first().batchBytes);
    }
    // A link slower than the writes is busy all the time whatever the order, so the two logs get
    // about the same bytes across before the recording ends (within a few batches).
    if (bandwidthShare < 1) {
        QVERIFY(std::abs(results.at(1).bytesDeliveredInRecording - results.at(2).bytesDeliveredInRecording)
                <= 3 * results.at(1).batchBytes);
    }
}

void TestSyncBench::fastLinkLeavesLittleStaleness()
{
    // With bandwidth to spare every change crosses in about a batch's time plus half a round
    // trip, under any order: a check on the link model, not a comparison.
    const SyncWorkload workload = shortShop(10'000);
    const auto result = replaySync(workload, SyncScheduler::Fifo, shopSettings(1e6));
    QVERIFY(result);
    for (const ClassFigures &figures : result->classes)
        QVERIFY2(figures.maxDelayMs < 200, qPrintable(QString::number(figures.maxDelayMs)));
}

void TestSyncBench::outputParses()
{
    BenchOptions options;
    options.durationMs = 20'000;
    const SyncBenchOutput output = syncBenchLines(options);
    for (const QString &line : output.lines)
        qInfo().noquote() << line;
    QCOMPARE(output.exitCode, 0);
    QStringList schedulers;
    bool comparedWithBoth = false;
    for (const QString &line : output.lines) {
        QJsonParseError error;
        const QJsonDocument document = QJsonDocument::fromJson(line.toUtf8(), &error);
        QVERIFY2(error.error == QJsonParseError::NoError && document.isObject(), qPrintable(line));
        const QJsonObject object = document.object();
        QCOMPARE(object.value(u"bench"_s).toString(), u"sync"_s);
        if (object.contains(u"scheduler"_s)) {
            schedulers << object.value(u"scheduler"_s).toString();
            QVERIFY(object.value(u"every_change_once"_s).toBool());
            QVERIFY(object.value(u"key_order_kept"_s).toBool());
            QVERIFY(object.value(u"impact_weighted_staleness_ws2"_s).toDouble() >= 0);
        }
        if (object.value(u"scheduler"_s).toString() == u"staleness"_s) {
            QVERIFY(object.value(u"ratio_vs_best_baseline"_s).toDouble() > 0);
            QCOMPARE(object.value(u"critical_tolerance_ms"_s).toInt(), 1000);
            QVERIFY(object.value(u"critical_within_tolerance"_s).isBool());
            comparedWithBoth = object.contains(u"fifo_ws2"_s) && object.contains(u"lmf_ws2"_s)
                               && object.contains(u"fifo_coalescing_ws2"_s) && object.contains(u"lmf_coalescing_ws2"_s);
        }
    }
    QCOMPARE(schedulers, QStringList({u"staleness"_s, u"fifo"_s, u"lmf"_s, u"fifo-coalescing"_s, u"lmf-coalescing"_s}));
    QVERIFY(comparedWithBoth);
}

void TestSyncBench::executableRuns()
{
    // The real executable, when this build has it (it is not a dependency of the tests).
    const QString binary = qEnvironmentVariable("FORESIGHT_BIN_DIR") + u"/foresight-bench"_s;
    if (!QFileInfo(binary).isExecutable())
        QSKIP("foresight-bench is not built in this build directory");
    QProcess bench;
    bench.start(binary, {u"sync"_s, u"--duration-ms"_s, u"10000"_s});
    QVERIFY(bench.waitForFinished(60'000));
    QCOMPARE(bench.exitCode(), 0);
    const QList<QByteArray> lines = bench.readAllStandardOutput().trimmed().split('\n');
    QVERIFY(lines.size() > 4);
    for (const QByteArray &line : lines)
        QVERIFY2(QJsonDocument::fromJson(line).isObject(), line.constData());
}

QTEST_GUILESS_MAIN(TestSyncBench)
#include "tst_syncbench.moc"
