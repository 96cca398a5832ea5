// Unit tests for the NAB scorer and corpus loader: hand-computed scores, threshold choice,
// malformed input, NAB's own per-row scores on a committed fixture, and, when the shared datasets
// are present, every windowedGaussian results file row by row plus the published corpus scores.

#include <cmath>

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include "foresight/prediction/nabcorpus.h"
#include "foresight/prediction/nabscorer.h"

using namespace Qt::StringLiterals;
using namespace foresight::prediction;
using foresight::Result;

namespace {

constexpr double kRowTolerance = 1e-9;

NabProfile standardProfile()
{
    return nabStandardProfiles().front();
}

// NAB's row weight written out from the formula, independently of nabRowWeights().
double inWindowWeight(int row, NabWindow window)
{
    const double width = window.last - window.first + 1;
    return nabScaledSigmoid(-(window.last - row + 1) / width) / nabScaledSigmoid(-1.0);
}

// The shared datasets' NAB directory: $FORESIGHT_DATASETS/nab, else the compile-time default
// (../shared/datasets beside the source tree). Empty when absent.
QString nabDatasetDir()
{
    QString root = qEnvironmentVariable("FORESIGHT_DATASETS");
    if (root.isEmpty())
        root = QStringLiteral(FORESIGHT_SHARED_DATASETS);
    const QString nab = QDir(root).filePath(u"nab"_s);
    return QFileInfo(QDir(nab).filePath(u"labels/combined_windows.json"_s)).isFile() ? nab : QString();
}

void writeFile(const QString &path, const QByteArray &content)
{
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(content);
}

// Compares one detector output file against the scorer: the label column against the windows and
// every S(t)_<profile> column against rowScores at that profile's published threshold.
void compareRowByRow(const NabTable &table,
                     const NabLabels &labels,
                     const std::vector<NabProfile> &profiles,
                     const QMap<QString, double> &thresholds,
                     const QString &name)
{
    const std::vector<double> *anomaly = table.column(u"anomaly_score"_s);
    const std::vector<double> *label = table.column(u"label"_s);
    QVERIFY2(anomaly && label, qPrintable(name));
    std::vector<bool> inWindow(size_t(labels.rowCount), false);
    for (const NabWindow &window : labels.windows) {
        for (int i = window.first; i <= window.last; ++i)
            inWindow[size_t(i)] = true;
    }
    for (int i = 0; i < labels.rowCount; ++i) {
        if ((*label)[size_t(i)] != (inWindow[size_t(i)] ? 1.0 : 0.0))
            QFAIL(qPrintable(
                u"%1 row %2: label %3 disagrees with the windows"_s.arg(name).arg(i).arg((*label)[size_t(i)])));
    }
    for (const NabProfile &profile : profiles) {
        const std::vector<double> *expected = table.column(u"S(t)_"_s + profile.name);
        QVERIFY2(expected, qPrintable(name + u": no S(t) column for "_s + profile.name));
        const Result<NabFileResult> result = scoreNabFile({&labels, *anomaly}, profile, thresholds.value(profile.name));
        QVERIFY2(result, qPrintable(name));
        for (int i = 0; i < labels.rowCount; ++i) {
            const double want = (*expected)[size_t(i)];
            const double got = result->rowScores[size_t(i)];
            if (std::abs(want - got) > kRowTolerance)
                QFAIL(qPrintable(u"%1, %2, row %3: S(t) %4, NAB has %5"_s.arg(name, profile.name)
                                     .arg(i)
                                     .arg(got, 0, 'g', 17)
                                     .arg(want, 0, 'g', 17)));
        }
    }
}

} // namespace

class TestNabScorer final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void probationAndSigmoid();
    void rowWeights();
    void fileScore_data();
    void fileScore();
    void corpusThreshold();
    void corpusExtremes();
    void rejectsBadInput();
    void timestamps_data();
    void timestamps();
    void malformedFiles_data();
    void malformedFiles();
    void fixtureRowByRow();
    void windowedGaussianCorpus();
};

void TestNabScorer::probationAndSigmoid()
{
    QCOMPARE(nabProbationLength(0), 0);
    QCOMPARE(nabProbationLength(1000), 150);
    QCOMPARE(nabProbationLength(4999), 749);
    QCOMPARE(nabProbationLength(5000), 750);
    QCOMPARE(nabProbationLength(22695), 750);
    QVERIFY(std::abs(nabScaledSigmoid(-1.0) - 0.98661429815) < 1e-10);
    QCOMPARE(nabScaledSigmoid(0.0), 0.0);
    QVERIFY(std::abs(nabScaledSigmoid(-0.5) - 0.84828363995) < 1e-10);
    QVERIFY(nabScaledSigmoid(3.0) > -1.0 && nabScaledSigmoid(3.0) < -0.9999993); // -1 only beyond 3
    QCOMPARE(nabScaledSigmoid(3.0001), -1.0);
    QCOMPARE(nabScaledSigmoid(7.0), -1.0);
}

void TestNabScorer::rowWeights()
{
    const NabLabels labels{200, {{40, 49}, {70, 79}}};
    const NabProfile profile = standardProfile();
    const std::vector<double> weights = nabRowWeights(labels, profile);
    QCOMPARE(weights.size(), size_t(200));
    QCOMPARE(weights[0], -0.11); // before the first window
    QCOMPARE(weights[39], -0.11);
    QVERIFY(std::abs(weights[40] - 1.0) < 1e-12); // the left edge earns A_TP
    QVERIFY(std::abs(weights[45] - inWindowWeight(45, {40, 49})) < 1e-12);
    QVERIFY(weights[49] > 0 && weights[49] < weights[48]);
    // After a window: y = |i - R'| / (w' - 1).
    QVERIFY(std::abs(weights[50] - 0.11 * nabScaledSigmoid(1.0 / 9.0)) < 1e-12);
    QVERIFY(std::abs(weights[69] - 0.11 * nabScaledSigmoid(20.0 / 9.0)) < 1e-12);
    QVERIFY(std::abs(weights[80] - 0.11 * nabScaledSigmoid(1.0 / 9.0)) < 1e-12);
    QVERIFY(std::abs(weights[99] - 0.11 * nabScaledSigmoid(20.0 / 9.0)) < 1e-12);
    QCOMPARE(weights[199], -0.11); // y > 3
}

void TestNabScorer::fileScore_data()
{
    QTest::addColumn<QList<int>>("detections");
    QTest::addColumn<double>("expected");
    const double edge = 1.0;
    const double middle = inWindowWeight(45, {40, 49});
    const double after = 0.11 * nabScaledSigmoid(11.0 / 9.0);
    // 100 rows (probation 15), one window [40, 49]; A_TP 1, A_FN 1, A_FP 0.11.
    QTest::newRow("nothing") << QList<int>{} << -1.0;
    QTest::newRow("left edge") << QList<int>{40} << edge;
    QTest::newRow("middle") << QList<int>{45} << middle;
    QTest::newRow("earliest counts once") << QList<int>{45, 46, 49} << middle;
    QTest::newRow("probation ignored") << QList<int>{3, 14} << -1.0;
    QTest::newRow("before the window") << QList<int>{20} << -1.0 - 0.11;
    QTest::newRow("after the window") << QList<int>{60} << -1.0 + after;
    QTest::newRow("all kinds") << QList<int>{5, 20, 41, 42, 60} << inWindowWeight(41, {40, 49}) - 0.11 + after;
}

void TestNabScorer::fileScore()
{
    QFETCH(QList<int>, detections);
    QFETCH(double, expected);
    const NabLabels labels{100, {{40, 49}}};
    std::vector<double> scores(100, 0.1);
    for (const int row : detections)
        scores[size_t(row)] = 0.9;
    const Result<NabFileResult> result = scoreNabFile({&labels, scores}, standardProfile(), 0.5);
    QVERIFY(result);
    QVERIFY2(std::abs(result->score - expected) < 1e-12, qPrintable(QString::number(result->score, 'g', 17)));
    double rowSum = 0.0;
    for (const double part : result->rowScores)
        rowSum += part;
    QVERIFY(std::abs(rowSum - expected) < 1e-12);
    QCOMPARE(result->counts.truePositives + result->counts.falseNegatives, 10);
    QCOMPARE(result->counts.truePositives + result->counts.falsePositives + result->counts.trueNegatives
                 + result->counts.falseNegatives,
             85);
}

void TestNabScorer::corpusThreshold()
{
    // File a: its window starts at row 40; a score of 0.8 at the left edge, 0.6 noise after it.
    // File b: a false alarm of 0.9 before its window, the window itself at 0.7.
    const NabLabels a{100, {{40, 49}}};
    const NabLabels b{100, {{60, 69}}};
    std::vector<double> scoresA(100, 0.0);
    std::vector<double> scoresB(100, 0.0);
    scoresA[40] = 0.8;
    for (int i = 80; i < 100; ++i)
        scoresA[size_t(i)] = 0.6;
    scoresB[30] = 0.9;
    scoresB[62] = 0.7;
    const NabFileScores files[] = {{&a, scoresA}, {&b, scoresB}};
    const Result<NabCorpusResult> result = scoreNabCorpus(files, standardProfile());
    QVERIFY(result);
    // 0.9: -1 -1 - 0.11; 0.8: 1 - 1 - 0.11; 0.7: 1 + w(62) - 0.11; 0.6 adds 20 false alarms.
    QCOMPARE(result->threshold, 0.7);
    const double expected = 1.0 + inWindowWeight(62, {60, 69}) - 0.11;
    QVERIFY(std::abs(result->rawScore - expected) < 1e-12);
    QCOMPARE(result->perfectScore, 2.0);
    QCOMPARE(result->nullScore, -2.0);
    QVERIFY(std::abs(result->normalizedScore - 100.0 * (expected + 2.0) / 4.0) < 1e-9);
    QCOMPARE(result->files.size(), size_t(2));
    QVERIFY(std::abs(result->files[0].score + result->files[1].score - result->rawScore) < 1e-12);
    QCOMPARE(result->counts.truePositives, 2);
    QCOMPARE(result->counts.falsePositives, 1);
}

void TestNabScorer::corpusExtremes()
{
    const NabLabels labels{200, {{100, 119}}};
    // A constant detector detects nothing at its best threshold and scores as the null detector.
    const std::vector<double> constant(200, 0.5);
    const NabFileScores constantFiles[] = {{&labels, constant}};
    const Result<NabCorpusResult> none = scoreNabCorpus(constantFiles, standardProfile());
    QVERIFY(none);
    QCOMPARE(none->threshold, 1.1);
    QCOMPARE(none->normalizedScore, 0.0);
    // The perfect detector: one detection at every window's left edge.
    std::vector<double> perfect(200, 0.0);
    perfect[100] = 1.0;
    const NabFileScores perfectFiles[] = {{&labels, perfect}};
    for (const NabProfile &profile : nabStandardProfiles()) {
        const Result<NabCorpusResult> best = scoreNabCorpus(perfectFiles, profile);
        QVERIFY(best);
        QCOMPARE(best->threshold, 1.0);
        QVERIFY(std::abs(best->normalizedScore - 100.0) < 1e-9);
    }
}

void TestNabScorer::rejectsBadInput()
{
    const NabLabels overlapping{100, {{10, 30}, {30, 40}}};
    QVERIFY(!validateNabLabels(overlapping));
    QVERIFY(validateNabLabels(overlapping).error().message.contains(u"window 1"_s));
    QVERIFY(!validateNabLabels(NabLabels{100, {{90, 100}}}));
    QVERIFY(!validateNabLabels(NabLabels{100, {{50, 40}}}));

    const NabLabels labels{10, {{5, 6}}};
    const std::vector<double> short_(9, 0.0);
    const Result<NabFileResult> wrongCount = scoreNabFile({&labels, short_}, standardProfile(), 0.5);
    QVERIFY(!wrongCount);
    QCOMPARE(wrongCount.error().code, foresight::ErrorCode::InvalidArgument);
    std::vector<double> notFinite(10, 0.0);
    notFinite[3] = std::nan("");
    const Result<NabFileResult> nan = scoreNabFile({&labels, notFinite}, standardProfile(), 0.5);
    QVERIFY(!nan);
    QVERIFY(nan.error().message.contains(u"row 3"_s));
}

void TestNabScorer::timestamps_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<bool>("valid");
    QTest::addColumn<qint64>("seconds");
    QTest::newRow("epoch") << "1970-01-01 00:00:00"_ba << true << qint64(0);
    QTest::newRow("nab row") << "2014-07-01 00:30:00"_ba << true << qint64(1404174600);
    QTest::newRow("label fraction") << "2014-07-01 00:30:00.000000"_ba << true << qint64(1404174600);
    QTest::newRow("leap day") << "2016-02-29 23:59:59"_ba << true << qint64(1456790399);
    QTest::newRow("fraction not zero") << "2014-07-01 00:30:00.500000"_ba << false << qint64(0);
    QTest::newRow("slash") << "2014/07/01 00:30:00"_ba << false << qint64(0);
    QTest::newRow("month 13") << "2014-13-01 00:30:00"_ba << false << qint64(0);
    QTest::newRow("short") << "2014-07-01"_ba << false << qint64(0);
}

void TestNabScorer::timestamps()
{
    QFETCH(QByteArray, text);
    QFETCH(bool, valid);
    QFETCH(qint64, seconds);
    const Result<std::int64_t> parsed = parseNabTimestamp(text);
    QCOMPARE(bool(parsed), valid);
    if (valid)
        QCOMPARE(*parsed, seconds);
}

void TestNabScorer::malformedFiles_data()
{
    QTest::addColumn<QByteArray>("csv");
    QTest::addColumn<QByteArray>("labels");
    QTest::addColumn<QString>("message");
    const QByteArray goodCsv = "timestamp,value\n2014-01-01 00:00:00,1\n2014-01-01 00:05:00,2\n"
                               "2014-01-01 00:10:00,3\n";
    const QByteArray goodLabels
        = R"({"cat/series.csv": [["2014-01-01 00:05:00.000000", "2014-01-01 00:10:00.000000"]]})";
    QTest::newRow("good") << goodCsv << goodLabels << QString();
    QTest::newRow("bad number") << "timestamp,value\n2014-01-01 00:00:00,1\n2014-01-01 00:05:00,x2\n"_ba << goodLabels
                                << u"series.csv:3: column 'value': 'x2' is not a number"_s;
    QTest::newRow("missing cell") << "timestamp,value\n2014-01-01 00:00:00\n"_ba << goodLabels
                                  << u"series.csv:2: 1 cells, the header has 2"_s;
    QTest::newRow("bad timestamp") << "timestamp,value\n2014-01-01T00:00:00,1\n"_ba << goodLabels
                                   << u"series.csv:2: '2014-01-01T00:00:00' is not a timestamp"_s;
    QTest::newRow("bad header") << "time,value\n"_ba << goodLabels << u"series.csv:1: the header must start"_s;
    QTest::newRow("window off the rows")
        << goodCsv << R"({"cat/series.csv": [["2014-01-01 00:06:00", "2014-01-01 00:10:00"]]})"_ba
        << u"cat/series.csv: window 0 starts at 2014-01-01 00:06:00, which is no row's timestamp"_s;
    QTest::newRow("unknown file") << goodCsv << R"({"cat/series.csv": [], "cat/other.csv": []})"_ba
                                  << u"labels cat/other.csv, which is not in"_s;
    QTest::newRow("labels not json") << goodCsv << "{\"cat/series.csv\": [}"_ba << u"invalid JSON"_s;
}

void TestNabScorer::malformedFiles()
{
    QFETCH(QByteArray, csv);
    QFETCH(QByteArray, labels);
    QFETCH(QString, message);
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    QVERIFY(QDir(dir.path()).mkpath(u"data/cat"_s));
    QVERIFY(QDir(dir.path()).mkpath(u"labels"_s));
    QVERIFY(QDir(dir.path()).mkpath(u"config"_s));
    writeFile(dir.filePath(u"data/cat/series.csv"_s), csv);
    writeFile(dir.filePath(u"labels/combined_windows.json"_s), labels);
    writeFile(dir.filePath(u"config/profiles.json"_s),
              R"({"standard": {"CostMatrix": {"tpWeight": 1.0, "fnWeight": 1.0, "fpWeight": 0.11, "tnWeight": 1.0}}})");
    const Result<NabCorpus> corpus = loadNabCorpus(dir.path());
    if (message.isEmpty()) {
        QVERIFY2(corpus, qPrintable(corpus ? QString() : corpus.error().toString()));
        QCOMPARE(corpus->files.size(), size_t(1));
        QCOMPARE(corpus->files[0].labels.windows.size(), size_t(1));
        QCOMPARE(corpus->files[0].labels.windows[0].first, 1);
        QCOMPARE(corpus->files[0].labels.windows[0].last, 2);
        QCOMPARE(corpus->profiles.size(), size_t(1));
        QCOMPARE(corpus->profiles[0].fpWeight, 0.11);
        return;
    }
    QVERIFY(!corpus);
    QCOMPARE(corpus.error().code, foresight::ErrorCode::Corruption);
    QVERIFY2(corpus.error().message.contains(message), qPrintable(corpus.error().message));

    QVERIFY(!loadNabCorpus(dir.filePath(u"nowhere"_s)));
    QCOMPARE(loadNabCorpus(dir.filePath(u"nowhere"_s)).error().code, foresight::ErrorCode::NotFound);
}

void TestNabScorer::fixtureRowByRow()
{
    const QDir fixture(QStringLiteral(FORESIGHT_NAB_FIXTURE_DIR));
    const Result<NabTable> table = readNabCsv(fixture.filePath(u"windowedGaussian_exchange-4_cpc_results.csv"_s));
    QVERIFY2(table, qPrintable(table ? QString() : table.error().toString()));
    QCOMPARE(table->timestamps.size(), size_t(700));
    const auto windows = loadNabWindows(fixture.filePath(u"combined_windows.json"_s));
    QVERIFY2(windows, qPrintable(windows ? QString() : windows.error().toString()));
    const Result<NabLabels> labels = resolveNabWindows(windows->value(u"realAdExchange/exchange-4_cpc_results.csv"_s),
                                                       table->timestamps,
                                                       u"fixture"_s);
    QVERIFY2(labels, qPrintable(labels ? QString() : labels.error().toString()));
    QCOMPARE(labels->windows.size(), size_t(1));
    QCOMPARE(labels->windows[0].first, 340);
    QCOMPARE(labels->windows[0].last, 394);
    // NAB chose 1.0 for windowedGaussian in every profile (results/windowedGaussian/*_scores.csv).
    const QMap<QString, double> thresholds{{u"standard"_s, 1.0},
                                           {u"reward_low_FP_rate"_s, 1.0},
                                           {u"reward_low_FN_rate"_s, 1.0}};
    compareRowByRow(*table, *labels, nabStandardProfiles(), thresholds, u"fixture"_s);
}

void TestNabScorer::windowedGaussianCorpus()
{
    const QString nab = nabDatasetDir();
    if (nab.isEmpty())
        QSKIP("the shared NAB dataset is absent: set FORESIGHT_DATASETS to the folder holding nab/ "
              "(default ../shared/datasets beside the source tree)");
    QElapsedTimer timer;
    timer.start();
    const Result<NabCorpus> corpus = loadNabCorpus(nab);
    QVERIFY2(corpus, qPrintable(corpus ? QString() : corpus.error().toString()));
    QCOMPARE(corpus->files.size(), size_t(58));
    QCOMPARE(corpus->windowCount(), 116);
    const auto published = loadNabFinalResults(QDir(nab).filePath(u"results/final_results.json"_s));
    QVERIFY2(published, qPrintable(published ? QString() : published.error().toString()));

    // NAB's per-file scores and thresholds of windowedGaussian, per profile.
    QMap<QString, double> thresholds;
    QMap<QString, QMap<QString, double>> fileScores;
    for (const NabProfile &profile : corpus->profiles) {
        const QString path = QDir(nab).filePath(
            u"results/windowedGaussian/windowedGaussian_%1_scores.csv"_s.arg(profile.name));
        QFile file(path);
        QVERIFY2(file.open(QIODevice::ReadOnly), qPrintable(path));
        file.readLine(); // header
        while (!file.atEnd()) {
            const QList<QByteArray> cells = file.readLine().trimmed().split(',');
            if (cells.size() < 5 || cells[0] != "windowedGaussian")
                continue;
            thresholds[profile.name] = cells[3].toDouble();
            fileScores[profile.name][QString::fromUtf8(cells[2])] = cells[4].toDouble();
        }
    }

    std::vector<std::vector<double>> anomalyScores;
    anomalyScores.reserve(corpus->files.size());
    for (const NabDataFile &data : corpus->files) {
        const QString category = data.relativePath.section(u'/', 0, 0);
        const QString name = data.relativePath.section(u'/', 1);
        const QString path = QDir(nab).filePath(
            u"results/windowedGaussian/%1/windowedGaussian_%2"_s.arg(category, name));
        const Result<NabTable> table = readNabCsv(path);
        QVERIFY2(table, qPrintable(table ? QString() : table.error().toString()));
        QVERIFY2(table->timestamps == data.timestamps, qPrintable(path + u": timestamps differ from the data file"_s));
        compareRowByRow(*table, data.labels, corpus->profiles, thresholds, data.relativePath);
        if (QTest::currentTestFailed())
            return;
        anomalyScores.push_back(*table->column(u"anomaly_score"_s));
    }

    std::vector<NabFileScores> files;
    for (size_t f = 0; f < corpus->files.size(); ++f)
        files.push_back({&corpus->files[f].labels, anomalyScores[f]});
    for (const NabProfile &profile : corpus->profiles) {
        const Result<NabCorpusResult> result = scoreNabCorpus(files, profile);
        QVERIFY(result);
        const double expected = published->value(u"windowedGaussian"_s).value(profile.name);
        qInfo("windowedGaussian %s: threshold %.6f, raw %.6f, normalized %.4f (published %.4f)",
              qPrintable(profile.name),
              result->threshold,
              result->rawScore,
              result->normalizedScore,
              expected);
        QVERIFY2(std::abs(result->normalizedScore - expected) < 0.1, qPrintable(profile.name));
        QCOMPARE(result->threshold, thresholds.value(profile.name));
        for (size_t f = 0; f < files.size(); ++f) {
            const double want = fileScores[profile.name].value(corpus->files[f].relativePath, std::nan(""));
            QVERIFY2(std::abs(result->files[f].score - want) < 1e-9, qPrintable(corpus->files[f].relativePath));
        }
    }
    qInfo("full corpus checked in %lld ms", timer.elapsed());
}

QTEST_GUILESS_MAIN(TestNabScorer)
#include "tst_nabscorer.moc"
