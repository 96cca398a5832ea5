// The Predictive State Engine's predictor and its evaluation: the naive baselines forecast what
// they say, confidences are earned, out-of-order deltas are refused, no forecast depends on a
// later delta, the GRU learns a periodic gauge better than the last value, and the family choice
// goes to xgboost on a stationary pattern and to the online GRU when the pattern changes.

#include <cmath>
#include <numbers>
#include <random>

#include <QTest>

#include "foresight/prediction/stateevaluation.h"
#include "foresight/prediction/statepredictor.h"

using foresight::ErrorCode;
using foresight::prediction::DeltaTrace;
using foresight::prediction::evaluateStateTrace;
using foresight::prediction::KeyForecast;
using foresight::prediction::pickStateFamily;
using foresight::prediction::StateEvaluationOptions;
using foresight::prediction::StateModelKind;
using foresight::prediction::StatePredictor;
using foresight::prediction::StatePredictorParams;
using foresight::state::DeltaOp;
using foresight::state::StateDelta;

namespace {

// The error of a result for a failure message; QVERIFY2 evaluates its message even on success.
template<typename R>
QString why(const R &result)
{
    return result ? QString() : result.error().toString();
}

constexpr std::int64_t kStart = 1'700'000'000'000;

struct TraceBuilder
{
    DeltaTrace trace{QStringLiteral("app"), {}};
    std::uint64_t seq = 0;

    void put(std::int64_t ms, const QString &key, const QByteArray &value)
    {
        StateDelta d;
        d.epoch = 1;
        d.seq = ++seq;
        d.timestampMs = ms;
        d.key = key;
        d.value = value;
        trace.deltas.push_back(d);
    }
    void remove(std::int64_t ms, const QString &key)
    {
        StateDelta d;
        d.epoch = 1;
        d.seq = ++seq;
        d.timestampMs = ms;
        d.key = key;
        d.op = DeltaOp::Delete;
        trace.deltas.push_back(d);
    }
};

QByteArray number(double value)
{
    return QByteArray::number(value, 'g', 12);
}

// Small models so that the tests run in a second or two.
StatePredictorParams smallParams(StateModelKind kind)
{
    StatePredictorParams params;
    params.kind = kind;
    params.xgbRounds = 40;
    params.xgbMinSamples = 100;
    params.gruHidden = 12;
    params.gruLearningRate = 0.01;
    return params;
}

// One numeric key whose changes cycle through a fixed pattern of `period` steps (3 or 7) and
// intervals in hours: stationary and exactly learnable from the last changes. (Hours, so that
// the trace spans many days and the time of day is not a stand-in for "how far into the
// trace".)
DeltaTrace cyclicTrace(int changes, int period = 3)
{
    TraceBuilder b;
    const double steps3[] = {10.0, -3.0, -7.0};
    const std::int64_t hours3[] = {1, 5, 2};
    const double steps7[] = {10.0, -3.0, -7.0, 4.0, 1.0, -8.0, 3.0};
    const std::int64_t hours7[] = {1, 5, 2, 3, 1, 4, 2};
    const double *steps = period == 7 ? steps7 : steps3;
    const std::int64_t *hours = period == 7 ? hours7 : hours3;
    double value = 100.0;
    std::int64_t ms = kStart;
    for (int i = 0; i < changes; ++i) {
        b.put(ms, QStringLiteral("gauge"), number(value));
        value += steps[i % period];
        ms += hours[i % period] * 3'600'000;
    }
    return b.trace;
}

// The same key, alternating +5 / -5 at 1 h / 3 h in the first half; in the second half it turns
// into a counter: +5 every 2 h. A model fitted on the first half is wrong on the second.
DeltaTrace driftTrace(int changes)
{
    TraceBuilder b;
    double value = 0.0;
    std::int64_t ms = kStart;
    for (int i = 0; i < changes; ++i) {
        b.put(ms, QStringLiteral("gauge"), number(value));
        if (i < changes / 2) {
            value += i % 2 == 0 ? 5.0 : -5.0;
            ms += i % 2 == 0 ? 3'600'000 : 10'800'000;
        } else {
            value += 5.0;
            ms += 7'200'000;
        }
    }
    return b.trace;
}

} // namespace

class TestStatePredictor : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void paramsAreValidated()
    {
        StatePredictorParams params;
        QVERIFY(params.validate());
        params.gruHidden = 0;
        QVERIFY(!params.validate());
        QCOMPARE(params.validate().error().code, ErrorCode::InvalidArgument);
        QVERIFY(params.validate().error().message.contains(QStringLiteral("gruHidden")));
        // An invalid set is replaced by the defaults, not half-used.
        StatePredictor predictor(params);
        QCOMPARE(predictor.params().gruHidden, StatePredictorParams{}.gruHidden);
    }

    void naiveBaselinesForecastWhatTheySay()
    {
        StatePredictor last(smallParams(StateModelKind::LastValue));
        StatePredictor linear(smallParams(StateModelKind::Linear));
        TraceBuilder b;
        // A counter: +5 after 1 s, +5 after 3 s, +5 after 1 s ...; intervals alternate.
        std::int64_t ms = kStart;
        for (int i = 0; i < 6; ++i) {
            b.put(ms, QStringLiteral("count"), number(100 + 5 * i));
            ms += i % 2 == 0 ? 1000 : 3000;
        }
        b.put(ms, QStringLiteral("state"), "busy");
        for (const StateDelta &d : b.trace.deltas) {
            QVERIFY(last.observe(d));
            QVERIFY(linear.observe(d));
        }
        const auto l = last.forecast(QStringLiteral("count"));
        const auto x = linear.forecast(QStringLiteral("count"));
        QVERIFY(l && x);
        const std::int64_t lastMs = b.trace.deltas[5].timestampMs;
        QCOMPARE(l->basedOnSeq, std::uint64_t(6));
        QCOMPARE(*l->nextValue, 125.0);            // the value stays
        QCOMPARE(*l->nextChangeMs, lastMs + 1000); // the last interval again
        QCOMPARE(*x->nextValue, 130.0);            // the last change again
        QCOMPARE(*x->nextChangeMs, lastMs + 1800); // the mean of 1, 3, 1, 3, 1 s
        // A non-numeric key seen once has neither forecast yet.
        const auto state = last.forecast(QStringLiteral("state"));
        QVERIFY(state);
        QVERIFY(!state->nextValue);
        QVERIFY(!state->nextChangeMs);
        QVERIFY(!last.forecast(QStringLiteral("never-seen")));
    }

    void deletedKeysGetNoValue()
    {
        StatePredictor predictor(smallParams(StateModelKind::Linear));
        TraceBuilder b;
        b.put(kStart, QStringLiteral("k"), "1");
        b.put(kStart + 1000, QStringLiteral("k"), "2");
        b.remove(kStart + 2000, QStringLiteral("k"));
        for (const StateDelta &d : b.trace.deltas)
            QVERIFY(predictor.observe(d));
        const auto forecast = predictor.forecast(QStringLiteral("k"));
        QVERIFY(forecast);
        QVERIFY(!forecast->nextValue);
        QCOMPARE(*forecast->nextChangeMs, kStart + 3000);
    }

    void outOfOrderDeltasAreRefused()
    {
        StatePredictor predictor(smallParams(StateModelKind::Gru));
        TraceBuilder b;
        b.put(kStart, QStringLiteral("k"), "1");
        b.put(kStart + 1000, QStringLiteral("k"), "2");
        b.put(kStart + 2000, QStringLiteral("k"), "3");
        for (const StateDelta &d : b.trace.deltas)
            QVERIFY(predictor.observe(d));
        const KeyForecast before = *predictor.forecast(QStringLiteral("k"));
        StateDelta replay = b.trace.deltas[1];
        replay.value = "1000";
        auto status = predictor.observe(replay);
        QVERIFY(!status);
        QCOMPARE(status.error().code, ErrorCode::InvalidArgument);
        const KeyForecast after = *predictor.forecast(QStringLiteral("k"));
        QCOMPARE(after.basedOnSeq, before.basedOnSeq);
        QCOMPARE(*after.nextValue, *before.nextValue);
        QCOMPARE(predictor.stats().rejected, std::int64_t(1));
    }

    void keysBeyondTheLimitAreRefused()
    {
        StatePredictorParams params = smallParams(StateModelKind::LastValue);
        params.maxKeys = 2;
        StatePredictor predictor(params);
        TraceBuilder b;
        b.put(kStart, QStringLiteral("a"), "1");
        b.put(kStart + 1, QStringLiteral("b"), "1");
        b.put(kStart + 2, QStringLiteral("c"), "1");
        b.put(kStart + 3, QStringLiteral("a"), "2");
        QVERIFY(predictor.observe(b.trace.deltas[0]));
        QVERIFY(predictor.observe(b.trace.deltas[1]));
        const auto refused = predictor.observe(b.trace.deltas[2]);
        QVERIFY(!refused);
        QVERIFY(refused.error().message.contains(QStringLiteral("maxKeys")));
        QVERIFY(predictor.observe(b.trace.deltas[3])); // known keys go on
        QCOMPARE(predictor.keys(), (QStringList{QStringLiteral("a"), QStringLiteral("b")}));
        QVERIFY(!predictor.forecast(QStringLiteral("c")));
        QCOMPARE(predictor.stats().rejected, std::int64_t(1));
    }

    void confidenceIsEarned()
    {
        // A perfectly regular counter: Linear is always right, so its confidence climbs from 0
        // towards 1; on a key whose changes are random it stays low.
        StatePredictor predictor(smallParams(StateModelKind::Linear));
        TraceBuilder b;
        std::mt19937 generator(3);
        std::uniform_real_distribution<double> noise(-50.0, 50.0);
        for (int i = 0; i < 60; ++i) {
            b.put(kStart + i * 1000, QStringLiteral("regular"), number(i * 2));
            b.put(kStart + i * 1000 + 1, QStringLiteral("random"), number(noise(generator)));
        }
        QVERIFY(predictor.observe(b.trace.deltas[0]));
        QVERIFY(predictor.observe(b.trace.deltas[2]));
        QCOMPARE(predictor.forecast(QStringLiteral("regular"))->valueConfidence, 0.0);
        for (std::size_t i = 3; i < b.trace.deltas.size(); ++i)
            QVERIFY(predictor.observe(b.trace.deltas[i]));
        const auto regular = *predictor.forecast(QStringLiteral("regular"));
        const auto random = *predictor.forecast(QStringLiteral("random"));
        QVERIFY2(regular.valueConfidence > 0.9, qPrintable(QString::number(regular.valueConfidence)));
        QVERIFY2(regular.changeConfidence > 0.9, qPrintable(QString::number(regular.changeConfidence)));
        QVERIFY2(random.valueConfidence < 0.5, qPrintable(QString::number(random.valueConfidence)));
        QVERIFY(regular.valueConfidence <= 1.0 && random.valueConfidence >= 0.0);
    }

    void noForecastDependsOnLaterDeltas_data()
    {
        QTest::addColumn<StateModelKind>("kind");
        QTest::newRow("xgboost") << StateModelKind::Xgboost;
        QTest::newRow("gru") << StateModelKind::Gru;
    }

    void noForecastDependsOnLaterDeltas()
    {
        // Two traces identical up to delta m, different after it (values and times). Every
        // forecast made before m must be identical in both evaluations, while forecasts made
        // after m must differ somewhere (or the test would prove nothing).
        QFETCH(StateModelKind, kind);
        const DeltaTrace original = cyclicTrace(500);
        DeltaTrace changed = original;
        const std::size_t m = 380; // in the held-out part (split at 250)
        for (std::size_t i = m; i < changed.deltas.size(); ++i) {
            changed.deltas[i].value = number(parseNumericValueOrZero(changed.deltas[i].value) * 3 + 7);
            changed.deltas[i].timestampMs += static_cast<std::int64_t>(i - m) * 777;
        }
        StateEvaluationOptions options;
        options.params = smallParams(kind);
        options.keepForecasts = true;
        auto a = evaluateStateTrace(original, options);
        auto b = evaluateStateTrace(changed, options);
        QVERIFY(a && b);
        const auto &fa = a->figures(kind).forecasts;
        const auto &fb = b->figures(kind).forecasts;
        QCOMPARE(fa.size(), fb.size());
        const std::uint64_t seqM = original.deltas[m].seq;
        int before = 0, differAfter = 0;
        for (std::size_t i = 0; i < fa.size(); ++i) {
            QCOMPARE(fa[i].seq, fb[i].seq);
            if (fa[i].seq < seqM) {
                ++before;
                QCOMPARE(fa[i].predictedValue, fb[i].predictedValue);
                QCOMPARE(fa[i].predictedChangeMs, fb[i].predictedChangeMs);
            } else if (fa[i].predictedValue != fb[i].predictedValue
                       || fa[i].predictedChangeMs != fb[i].predictedChangeMs) {
                ++differAfter;
            }
        }
        QVERIFY(before > 100);
        QVERIFY(differAfter > 10);
    }

    void gruLearnsAPeriodicGaugeBetterThanLastValue()
    {
        // A gauge tracing a sine with a 12-step period, written every second.
        TraceBuilder b;
        for (int i = 0; i < 1200; ++i)
            b.put(kStart + i * 1000,
                  QStringLiteral("wave"),
                  number(50 + 10 * std::sin(2 * std::numbers::pi * i / 12.0)));
        StateEvaluationOptions options;
        options.params = smallParams(StateModelKind::Gru);
        auto evaluation = evaluateStateTrace(b.trace, options);
        QVERIFY2(evaluation, qPrintable(why(evaluation)));
        const double gru = evaluation->figures(StateModelKind::Gru).valueNmae;
        const double last = evaluation->figures(StateModelKind::LastValue).valueNmae;
        QVERIFY2(gru < 0.5 * last, qPrintable(QStringLiteral("gru %1, last value %2").arg(gru).arg(last)));
    }

    void familyChoiceFollowsHeldOutError()
    {
        StateEvaluationOptions options;
        options.params = smallParams(StateModelKind::Gru);

        // Few changes of a stationary 7-step pattern: the batch-fitted trees have it after 100
        // samples, the online network is still learning.
        auto stationary = evaluateStateTrace(cyclicTrace(200, 7), options);
        QVERIFY(stationary);
        const double xgbStationary = stationary->figures(StateModelKind::Xgboost).score;
        const double gruStationary = stationary->figures(StateModelKind::Gru).score;
        QVERIFY2(xgbStationary < 0.5 * gruStationary,
                 qPrintable(QStringLiteral("xgboost %1, gru %2").arg(xgbStationary).arg(gruStationary)));
        QCOMPARE(stationary->picked, StateModelKind::Xgboost);
        qInfo("stationary: xgboost %.4f, gru %.4f", xgbStationary, gruStationary);

        // A pattern that changes after the split: the trees keep predicting the old one until
        // their next refit, the online network follows within a few dozen changes.
        auto drifting = evaluateStateTrace(driftTrace(600), options);
        QVERIFY(drifting);
        const double xgbDrift = drifting->figures(StateModelKind::Xgboost).score;
        const double gruDrift = drifting->figures(StateModelKind::Gru).score;
        QVERIFY2(gruDrift < 0.7 * xgbDrift,
                 qPrintable(QStringLiteral("xgboost %1, gru %2").arg(xgbDrift).arg(gruDrift)));
        QCOMPARE(drifting->picked, StateModelKind::Gru);
        qInfo("drifting: xgboost %.4f, gru %.4f", xgbDrift, gruDrift);

        // The rule itself: lower score wins, a tie goes to the GRU.
        foresight::prediction::ModelFigures x, g;
        x.score = 1.0;
        g.score = 1.0;
        QCOMPARE(pickStateFamily(x, g), StateModelKind::Gru);
        x.score = 0.99;
        QCOMPARE(pickStateFamily(x, g), StateModelKind::Xgboost);
    }

private:
    static double parseNumericValueOrZero(const QByteArray &bytes)
    {
        return foresight::prediction::parseNumericValue(bytes).value_or(0.0);
    }
};

QTEST_GUILESS_MAIN(TestStatePredictor)
#include "tst_statepredictor.moc"
