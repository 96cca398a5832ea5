// Unit tests for FailurePredictor: horizon labels, learning a separable synthetic problem well
// above chance, identical predictions after a save/load round trip, and corrupt model bytes giving
// a clear error while the previous model keeps predicting.

#include <algorithm>
#include <random>

#include <QDir>
#include <QFile>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

#include "foresight/prediction/failureevaluation.h"
#include "foresight/prediction/failurepredictor.h"

using foresight::ErrorCode;
using foresight::prediction::FailureEvaluationOptions;
using foresight::prediction::FailurePredictor;
using foresight::prediction::FailurePredictorParams;
using foresight::prediction::FeatureMatrix;
using foresight::prediction::horizonLabels;
using foresight::prediction::runFailureEvaluation;
using foresight::prediction::scoreDetections;

namespace {

// rows x 5 uniform features; label 1 when x0 + x1 > 1.2 (with 3% of labels flipped).
void synthetic(size_t rows, unsigned seed, FeatureMatrix &features, std::vector<float> &labels)
{
    std::mt19937 generator(seed);
    std::uniform_real_distribution<float> uniform(0.0f, 1.0f);
    features = {};
    features.names
        = {QStringLiteral("a"), QStringLiteral("b"), QStringLiteral("c"), QStringLiteral("d"), QStringLiteral("e")};
    features.rows = rows;
    labels.clear();
    for (size_t r = 0; r < rows; ++r) {
        float row[5];
        for (float &value : row)
            value = uniform(generator);
        features.values.insert(features.values.end(), row, row + 5);
        bool positive = row[0] + row[1] > 1.2f;
        if (uniform(generator) < 0.03f)
            positive = !positive;
        labels.push_back(positive ? 1.0f : 0.0f);
    }
}

// Area under the ROC curve by the rank statistic.
double auc(const std::vector<float> &scores, const std::vector<float> &labels)
{
    std::vector<size_t> order(scores.size());
    for (size_t i = 0; i < order.size(); ++i)
        order[i] = i;
    std::sort(order.begin(), order.end(), [&](size_t a, size_t b) { return scores[a] < scores[b]; });
    double positives = 0, rankSum = 0;
    for (size_t rank = 0; rank < order.size(); ++rank) {
        if (labels[order[rank]] == 1.0f) {
            positives += 1;
            rankSum += static_cast<double>(rank + 1);
        }
    }
    const double negatives = static_cast<double>(scores.size()) - positives;
    return (rankSum - positives * (positives + 1) / 2) / (positives * negatives);
}

// A dataset directory in the asd layout: `machines` machines, 2 metrics, normal noise; in the
// test split, incidents of 8 rows each announced by a 10-row ramp of metric 0.
void writeDataset(const QString &dir, int machines)
{
    QDir().mkpath(dir);
    std::mt19937 generator(11);
    std::normal_distribution<double> noise(0.0, 0.02);
    for (int m = 0; m < machines; ++m) {
        for (const bool test : {false, true}) {
            QByteArray csv = test ? "t,m0,m1,label\n" : "t,m0,m1\n";
            const int rows = test ? 600 : 300;
            for (int t = 0; t < rows; ++t) {
                double m0 = 0.3 + noise(generator), m1 = 0.5 + noise(generator);
                int label = 0;
                const int phase = (t + 37 * m) % 100;
                if (test && phase >= 80 && phase < 90)
                    m0 += 0.04 * (phase - 79); // the ramp before an incident
                if (test && phase >= 90 && phase < 98) {
                    m0 += 0.5;
                    m1 += 0.3;
                    label = 1;
                }
                csv += QByteArray::number(t) + ',' + QByteArray::number(m0) + ',' + QByteArray::number(m1);
                csv += test ? ',' + QByteArray::number(label) + '\n' : QByteArray("\n");
            }
            const QString path = QStringLiteral("%1/omi-%2_%3.csv")
                                     .arg(dir)
                                     .arg(m + 1)
                                     .arg(test ? QStringLiteral("test") : QStringLiteral("train"));
            QFile file(path);
            QVERIFY(file.open(QIODevice::WriteOnly));
            file.write(csv);
            file.close();
            if (m == 0) // one machine gzipped, as smd/ ships
                QCOMPARE(QProcess::execute(QStringLiteral("gzip"), {path}), 0);
        }
    }
}

FailurePredictor trained()
{
    FeatureMatrix features;
    std::vector<float> labels;
    synthetic(2000, 1, features, labels);
    FailurePredictor predictor;
    FailurePredictorParams params;
    params.rounds = 50;
    auto status = predictor.train(features, labels, params);
    if (!status)
        qFatal("train failed: %s", qPrintable(status.error().toString()));
    return predictor;
}

} // namespace

class tst_FailurePredictor : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void horizonLabelsMarkRowsBeforeAndDuringIncidents()
    {
        const std::vector<int> incident = {0, 0, 0, 0, 1, 1, 0, 0, 0, 1};
        const std::vector<float> h2 = horizonLabels(incident, 2);
        QCOMPARE(h2, (std::vector<float>{0, 0, 1, 1, 1, 1, 0, 1, 1, 1}));
        const std::vector<float> h0 = horizonLabels(incident, 0);
        QCOMPARE(h0, (std::vector<float>{0, 0, 0, 0, 1, 1, 0, 0, 0, 1}));
        const std::vector<float> h9 = horizonLabels(incident, 9);
        QCOMPARE(h9, (std::vector<float>(10, 1.0f)));
    }

    // The evaluation's scoring on a hand-checked example (horizon 2): targets are incident rows
    // plus the 2 rows before each start.
    void scoringPointwiseAdjustedAndLead()
    {
        const std::vector<int> incident = {0, 0, 0, 1, 1, 0, 0, 0, 1, 1, 1, 0};
        const std::vector<int> flags = {1, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1, 0};
        const auto f = scoreDetections(flags, incident, 2, 5.0);
        QCOMPARE(f.truePositives, 2);
        QCOMPARE(f.falsePositives, 1);
        QCOMPARE(f.falseNegatives, 7);
        QCOMPARE(f.precision, 2.0 / 3.0);
        QCOMPARE(f.recall, 2.0 / 9.0);
        QCOMPARE(f.precisionAdjusted, 0.9); // both target runs wholly count as caught
        QCOMPARE(f.recallAdjusted, 1.0);
        QCOMPARE(f.segments, 2);
        QCOMPARE(f.segmentsDetected, 2);
        QCOMPARE(f.segmentsEarly, 1);   // flagged 1 row before the first incident
        QCOMPARE(f.meanLeadRows, -0.5); // (+1 + -2) / 2: the second was flagged 2 rows late
        QCOMPARE(f.meanLeadMinutes, -2.5);
        const auto strict = scoreDetections(flags, incident, 0, 5.0);
        QCOMPARE(strict.truePositives, 1);
        QCOMPARE(strict.falsePositives, 2);
        QCOMPARE(strict.segmentsEarly, 0);
        QCOMPARE(strict.segmentsDetected, 1);
    }

    void learnsSeparableProblem()
    {
        const FailurePredictor predictor = trained();
        QVERIFY(predictor.isTrained());
        QCOMPARE(predictor.featureCount(), 5);
        FeatureMatrix test;
        std::vector<float> labels;
        synthetic(1000, 2, test, labels); // unseen rows
        auto scores = predictor.predict(test);
        QVERIFY2(scores, qPrintable(scores ? QString() : scores.error().toString()));
        QCOMPARE(scores->size(), size_t(1000));
        int correct = 0;
        for (size_t r = 0; r < labels.size(); ++r) {
            QVERIFY((*scores)[r] >= 0.0f && (*scores)[r] <= 1.0f);
            correct += ((*scores)[r] >= 0.5f) == (labels[r] == 1.0f) ? 1 : 0;
        }
        const double accuracy = correct / 1000.0;
        const double area = auc(*scores, labels);
        qInfo("accuracy %.3f, AUC %.3f (chance: about 0.5 AUC)", accuracy, area);
        QVERIFY(accuracy > 0.9);
        QVERIFY(area > 0.93);

        auto one = predictor.predictRow(test.row(7));
        QVERIFY(one);
        QCOMPARE(*one, (*scores)[7]);
    }

    void roundTripGivesIdenticalPredictions()
    {
        const FailurePredictor predictor = trained();
        auto bytes = predictor.serialize();
        QVERIFY(bytes);
        QVERIFY(bytes->size() > 100);
        FailurePredictor restored;
        auto status = restored.load(*bytes);
        QVERIFY2(status, qPrintable(status ? QString() : status.error().toString()));
        QCOMPARE(restored.featureCount(), 5);
        FeatureMatrix test;
        std::vector<float> labels;
        synthetic(500, 3, test, labels);
        QCOMPARE(*restored.predict(test), *predictor.predict(test));
        QCOMPARE(*restored.serialize(), *bytes);
    }

    void corruptBytesKeepThePreviousModel_data()
    {
        QTest::addColumn<QString>("damage");
        QTest::newRow("empty") << QStringLiteral("empty");
        QTest::newRow("garbage") << QStringLiteral("garbage");
        QTest::newRow("truncated") << QStringLiteral("truncated");
        QTest::newRow("json text") << QStringLiteral("json");
    }
    void corruptBytesKeepThePreviousModel()
    {
        QFETCH(QString, damage);
        FailurePredictor predictor = trained();
        const QByteArray good = *predictor.serialize();
        FeatureMatrix test;
        std::vector<float> labels;
        synthetic(200, 4, test, labels);
        const std::vector<float> before = *predictor.predict(test);

        QByteArray bad;
        if (damage == QStringLiteral("garbage"))
            bad = QByteArray(512, '\x9c');
        else if (damage == QStringLiteral("truncated"))
            bad = good.left(good.size() / 2);
        else if (damage == QStringLiteral("json"))
            bad = QByteArrayLiteral("{\"learner\": 3}");
        auto status = predictor.load(bad);
        QVERIFY(!status);
        QCOMPARE(status.error().code, ErrorCode::Corruption);
        qInfo().noquote() << damage << "->" << status.error().toString();
        QVERIFY(!status.error().message.isEmpty());
        QVERIFY(predictor.isTrained());
        QCOMPARE(*predictor.predict(test), before);
    }

    // The whole evaluation on a small synthetic dataset: every method is scored, the pooled
    // counts add up, and the model, which can see the ramps, warns before incidents start.
    void evaluationEndToEnd()
    {
        QTemporaryDir dir;
        writeDataset(dir.filePath(QStringLiteral("asd")), 5);
        FailureEvaluationOptions options;
        options.datasetsDir = dir.path();
        options.datasets = {QStringLiteral("asd")};
        options.horizon = 6;
        options.features.shortWindow = 5;
        options.features.longWindow = 50;
        options.params.rounds = 30;
        options.healthSettings.referenceHistory = 200;
        auto result = runFailureEvaluation(options);
        QVERIFY2(result, qPrintable(result ? QString() : result.error().toString()));
        QCOMPARE(result->datasets.size(), 1);
        const auto &asd = result->datasets.front();
        QCOMPARE(asd.machines, 5);
        QCOMPARE(asd.perMachine.size(), 5);
        QCOMPARE(asd.scoredRows, 5 * 300); // the second half of each 600-row test split
        QCOMPARE(asd.minutesPerRow, 5.0);
        QCOMPARE(asd.model.withHorizon.segments, 5 * 3);
        QCOMPARE(asd.staticThreshold.labelsOnly.segments, 5 * 3);
        QCOMPARE(asd.healthBaseline.labelsOnly.segments, 5 * 3);
        qint64 tp = 0;
        for (const auto &machine : asd.perMachine)
            tp += machine.model.withHorizon.truePositives;
        QCOMPARE(asd.model.withHorizon.truePositives, tp);
        QVERIFY(asd.model.withHorizon.f1 > 0.5);
        QVERIFY(asd.model.withHorizon.segmentsEarly > 0);
        QVERIFY(asd.model.withHorizon.meanLeadMinutes > 0.0);
        QVERIFY(asd.staticThreshold.labelsOnly.f1 > 0.0);
        QVERIFY(!result->toJson().isEmpty());

        options.datasetsDir = dir.filePath(QStringLiteral("nowhere"));
        auto missing = runFailureEvaluation(options);
        QVERIFY(!missing);
        QCOMPARE(missing.error().code, ErrorCode::NotFound);
    }

    void rejectsBadTrainingInput()
    {
        FeatureMatrix features;
        std::vector<float> labels;
        synthetic(100, 5, features, labels);
        FailurePredictor predictor;
        auto mismatched = predictor.train(features, std::vector<float>(99, 0.0f), {});
        QVERIFY(!mismatched);
        QCOMPARE(mismatched.error().code, ErrorCode::InvalidArgument);
        auto oneClass = predictor.train(features, std::vector<float>(100, 0.0f), {});
        QVERIFY(!oneClass);
        QCOMPARE(oneClass.error().code, ErrorCode::InvalidArgument);
        FailurePredictorParams params;
        params.eta = 0;
        auto badParams = predictor.train(features, labels, params);
        QVERIFY(!badParams);
        QVERIFY(badParams.error().message.contains(QStringLiteral("eta")));
        QVERIFY(!predictor.isTrained());
        auto untrained = predictor.predict(features);
        QVERIFY(!untrained);
        QCOMPARE(untrained.error().code, ErrorCode::InvalidArgument);
    }

    void rejectsWrongColumnCount()
    {
        const FailurePredictor predictor = trained();
        FeatureMatrix narrow;
        narrow.names = {QStringLiteral("a")};
        narrow.rows = 1;
        narrow.values = {0.5f};
        auto result = predictor.predict(narrow);
        QVERIFY(!result);
        QCOMPARE(result.error().code, ErrorCode::InvalidArgument);
    }
};

QTEST_GUILESS_MAIN(tst_FailurePredictor)
#include "tst_failurepredictor.moc"
