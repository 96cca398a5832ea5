// Delta traces: the JSON Lines format round-trips every kind of delta, malformed records are
// refused with the file and line named, numeric values parse only as documented, and traces
// derived from series follow their rules (deadband, flushes, hysteresis, last-seen) exactly.

#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include "foresight/prediction/deltatrace.h"
#include "foresight/prediction/deltatracesources.h"
#include "foresight/prediction/statepredictor.h"

using foresight::ErrorCode;
using foresight::prediction::DeltaTrace;
using foresight::prediction::deriveDeltaTrace;
using foresight::prediction::formatDeltaTraces;
using foresight::prediction::parseDeltaTraces;
using foresight::prediction::parseNumericValue;
using foresight::prediction::readDeltaTraceFile;
using foresight::prediction::SeriesKeyRule;
using foresight::prediction::SeriesTable;
using foresight::prediction::writeDeltaTraceFile;
using foresight::state::DeltaOp;
using foresight::state::StateDelta;

namespace {

// The error of a result for a failure message; QVERIFY2 evaluates its message even on success.
template<typename R>
QString why(const R &result)
{
    return result ? QString() : result.error().toString();
}

StateDelta delta(std::uint64_t seq,
                 std::int64_t ms,
                 const QString &key,
                 const QByteArray &value,
                 DeltaOp op = DeltaOp::Put,
                 std::uint64_t epoch = 1)
{
    StateDelta d;
    d.epoch = epoch;
    d.seq = seq;
    d.timestampMs = ms;
    d.key = key;
    d.op = op;
    d.value = value;
    return d;
}

bool sameDelta(const StateDelta &a, const StateDelta &b)
{
    return a.epoch == b.epoch && a.seq == b.seq && a.timestampMs == b.timestampMs && a.key == b.key && a.op == b.op
           && a.value == b.value;
}

QStringList describe(const DeltaTrace &trace)
{
    QStringList out;
    for (const StateDelta &d : trace.deltas)
        out << QStringLiteral("%1@%2=%3").arg(d.key).arg(d.timestampMs).arg(QString::fromUtf8(d.value));
    return out;
}

} // namespace

class TestDeltaTrace : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void roundTripKeepsEveryDelta()
    {
        DeltaTrace a{QStringLiteral("app-a"), {}};
        a.deltas.push_back(delta(1, 1'700'000'000'000, QStringLiteral("count"), "42"));
        a.deltas.push_back(delta(2, 1'700'000'000'500, QStringLiteral("name"), "h\xc3\xa9llo \"quoted\"\n"));
        a.deltas.push_back(delta(5, -1000, QStringLiteral("blob"), QByteArray("\x00\xff\xfe", 3)));
        a.deltas.push_back(delta(9007199254740992ULL, 3, QStringLiteral("count"), {}, DeltaOp::Delete, 7));
        DeltaTrace b{QStringLiteral("app-b"), {delta(1, 10, QStringLiteral("x"), "")}};

        auto text = formatDeltaTraces({a, b});
        QVERIFY2(text, qPrintable(why(text)));
        QCOMPARE(text->count('\n'), 5);
        QVERIFY(text->contains("\"value_b64\""));

        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString path = dir.filePath(QStringLiteral("t.jsonl"));
        QVERIFY(writeDeltaTraceFile(path, {a, b}));
        auto read = readDeltaTraceFile(path);
        QVERIFY2(read, qPrintable(why(read)));
        QCOMPARE(read->size(), 2);
        QCOMPARE(read->at(0).application, QStringLiteral("app-a"));
        QCOMPARE(read->at(0).deltas.size(), a.deltas.size());
        for (std::size_t i = 0; i < a.deltas.size(); ++i)
            QVERIFY2(sameDelta(read->at(0).deltas[i], a.deltas[i]), qPrintable(QString::number(i)));
        QVERIFY(sameDelta(read->at(1).deltas[0], b.deltas[0]));
    }

    void interleavedApplicationsKeepTheirOrder()
    {
        const QByteArray text
            = "{\"app\":\"b\",\"epoch\":1,\"seq\":1,\"ts\":5,\"key\":\"k\",\"op\":\"put\",\"value\":\"1\"}\n"
              "\n"
              "{\"app\":\"a\",\"epoch\":1,\"seq\":1,\"ts\":6,\"key\":\"k\",\"op\":\"put\",\"value\":\"2\"}\n"
              "{\"app\":\"b\",\"epoch\":2,\"seq\":3,\"ts\":7,\"key\":\"k\",\"op\":\"delete\",\"extra\":1}";
        auto traces = parseDeltaTraces(text, QStringLiteral("mem"));
        QVERIFY2(traces, qPrintable(why(traces)));
        QCOMPARE(traces->size(), 2);
        QCOMPARE(traces->at(0).application, QStringLiteral("b"));
        QCOMPARE(traces->at(0).deltas.size(), std::size_t(2));
        QCOMPARE(traces->at(0).deltas[1].op, DeltaOp::Delete);
        QCOMPARE(traces->at(0).deltas[1].epoch, std::uint64_t(2));
        QCOMPARE(traces->at(1).deltas[0].value, QByteArray("2"));
    }

    void malformedRecordsNameFileAndLine_data()
    {
        QTest::addColumn<QByteArray>("second");
        QTest::addColumn<QString>("message");
        const QByteArray head = "{\"app\":\"a\",\"epoch\":1,\"ts\":1,\"key\":\"k\",";
        QTest::newRow("not json") << QByteArray("{\"app\":") << QStringLiteral("not JSON");
        QTest::newRow("array") << QByteArray("[1,2]") << QStringLiteral("must be a JSON object");
        QTest::newRow("no app") << QByteArray("{\"epoch\":1,\"seq\":2,\"ts\":1,\"key\":\"k\",\"op\":\"delete\"}")
                                << QStringLiteral("\"app\"");
        QTest::newRow("fractional seq") << head + "\"seq\":2.5,\"op\":\"delete\"}" << QStringLiteral("\"seq\"");
        QTest::newRow("seq zero") << head + "\"seq\":0,\"op\":\"delete\"}" << QStringLiteral("\"seq\"");
        QTest::newRow("seq as text") << head + "\"seq\":\"2\",\"op\":\"delete\"}" << QStringLiteral("\"seq\"");
        QTest::newRow("seq repeats") << head + "\"seq\":1,\"op\":\"delete\"}"
                                     << QStringLiteral("seq 1 is not greater than the previous seq 1 of app a");
        QTest::newRow("epoch goes back") << QByteArray("{\"app\":\"a\",\"epoch\":0,\"seq\":2,\"ts\":1,\"key\":\"k\","
                                                       "\"op\":\"delete\"}")
                                         << QStringLiteral("epoch 0 is lower than the previous epoch 1");
        QTest::newRow("no ts") << QByteArray("{\"app\":\"a\",\"epoch\":1,\"seq\":2,\"key\":\"k\",\"op\":\"delete\"}")
                               << QStringLiteral("\"ts\"");
        QTest::newRow("empty key") << QByteArray("{\"app\":\"a\",\"epoch\":1,\"seq\":2,\"ts\":1,\"key\":\"\","
                                                 "\"op\":\"delete\"}")
                                   << QStringLiteral("\"key\"");
        QTest::newRow("bad op") << head + "\"seq\":2,\"op\":\"set\",\"value\":\"1\"}"
                                << QStringLiteral("\"op\" must be \"put\" or \"delete\", not \"set\"");
        QTest::newRow("put without value") << head + "\"seq\":2,\"op\":\"put\"}" << QStringLiteral("exactly one");
        QTest::newRow("put with both") << head + "\"seq\":2,\"op\":\"put\",\"value\":\"1\",\"value_b64\":\"MQ==\"}"
                                       << QStringLiteral("exactly one");
        QTest::newRow("numeric value") << head + "\"seq\":2,\"op\":\"put\",\"value\":1}"
                                       << QStringLiteral("\"value\" must be a string");
        QTest::newRow("bad base64") << head + "\"seq\":2,\"op\":\"put\",\"value_b64\":\"@@@\"}"
                                    << QStringLiteral("base64");
        QTest::newRow("delete with value")
            << head + "\"seq\":2,\"op\":\"delete\",\"value\":\"1\"}" << QStringLiteral("a delete carries no value");
    }

    void malformedRecordsNameFileAndLine()
    {
        QFETCH(QByteArray, second);
        QFETCH(QString, message);
        const QByteArray text
            = "{\"app\":\"a\",\"epoch\":1,\"seq\":1,\"ts\":1,\"key\":\"k\",\"op\":\"put\",\"value\":\"1\"}\n"
              "\n"
              + second + "\n";
        auto traces = parseDeltaTraces(text, QStringLiteral("traces/x.jsonl"));
        QVERIFY(!traces);
        QCOMPARE(traces.error().code, ErrorCode::Corruption);
        QVERIFY2(traces.error().message.startsWith(QStringLiteral("traces/x.jsonl:3: ")),
                 qPrintable(traces.error().message));
        QVERIFY2(traces.error().message.contains(message), qPrintable(traces.error().message));
    }

    void missingFileIsNotFound()
    {
        QTemporaryDir dir;
        auto traces = readDeltaTraceFile(dir.filePath(QStringLiteral("absent.jsonl")));
        QVERIFY(!traces);
        QCOMPARE(traces.error().code, ErrorCode::NotFound);
        QVERIFY(traces.error().message.contains(QStringLiteral("absent.jsonl")));
    }

    void writerRefusesWhatItCouldNotReadBack()
    {
        DeltaTrace trace{QStringLiteral("a"),
                         {delta(2, 0, QStringLiteral("k"), "1"), delta(2, 1, QStringLiteral("k"), "2")}};
        auto text = formatDeltaTraces({trace});
        QVERIFY(!text);
        QCOMPARE(text.error().code, ErrorCode::InvalidArgument);
        QVERIFY(text.error().message.contains(QStringLiteral("does not increase")));
    }

    void numericValues_data()
    {
        QTest::addColumn<QByteArray>("text");
        QTest::addColumn<bool>("numeric");
        QTest::addColumn<double>("value");
        QTest::newRow("integer") << QByteArray("42") << true << 42.0;
        QTest::newRow("negative fraction") << QByteArray("-3.5") << true << -3.5;
        QTest::newRow("leading dot") << QByteArray(".5") << true << 0.5;
        QTest::newRow("trailing dot") << QByteArray("5.") << true << 5.0;
        QTest::newRow("exponent") << QByteArray("1e-3") << true << 0.001;
        QTest::newRow("plus") << QByteArray("+7") << true << 7.0;
        QTest::newRow("big counter") << QByteArray("156219716") << true << 156219716.0;
        QTest::newRow("empty") << QByteArray("") << false << 0.0;
        QTest::newRow("leading space") << QByteArray(" 1") << false << 0.0;
        QTest::newRow("trailing space") << QByteArray("1 ") << false << 0.0;
        QTest::newRow("inf") << QByteArray("inf") << false << 0.0;
        QTest::newRow("nan") << QByteArray("nan") << false << 0.0;
        QTest::newRow("hex") << QByteArray("0x10") << false << 0.0;
        QTest::newRow("bare exponent") << QByteArray("1e") << false << 0.0;
        QTest::newRow("overflow") << QByteArray("1e400") << false << 0.0;
        QTest::newRow("two dots") << QByteArray("1.2.3") << false << 0.0;
        QTest::newRow("sign only") << QByteArray("-") << false << 0.0;
        QTest::newRow("dot only") << QByteArray(".") << false << 0.0;
        QTest::newRow("word") << QByteArray("normal") << false << 0.0;
    }

    void numericValues()
    {
        QFETCH(QByteArray, text);
        QFETCH(bool, numeric);
        QFETCH(double, value);
        const auto parsed = parseNumericValue(text);
        QCOMPARE(parsed.has_value(), numeric);
        if (numeric)
            QCOMPARE(*parsed, value);
    }

    void derivedTraceFollowsItsRules()
    {
        SeriesTable table;
        table.timestampsMs = {0, 1000, 2000, 3000, 4000, 5000, 6000};
        table.series = {{10.0, 10.4, 11.0, 11.2, 9.9, 20.0, 19.5}};
        SeriesKeyRule gauge;
        gauge.kind = SeriesKeyRule::Kind::Gauge;
        gauge.key = QStringLiteral("g");
        gauge.threshold = 1.0;
        gauge.decimals = 1;
        SeriesKeyRule counter;
        counter.kind = SeriesKeyRule::Kind::Counter;
        counter.key = QStringLiteral("c");
        counter.threshold = 30.0;
        SeriesKeyRule seen;
        seen.kind = SeriesKeyRule::Kind::LastSeen;
        seen.key = QStringLiteral("seen");
        seen.follows = QStringLiteral("g");
        SeriesKeyRule level;
        level.kind = SeriesKeyRule::Kind::Level;
        level.key = QStringLiteral("l");
        level.levels = {11.0};
        level.names = {QStringLiteral("low"), QStringLiteral("high")};
        level.threshold = 0.5;

        auto trace = deriveDeltaTrace(QStringLiteral("app"), table, {seen, gauge, counter, level});
        QVERIFY2(trace, qPrintable(why(trace)));
        // Row by row: the gauge moves at 11.0 (>= 1 from 10.0), 9.9 (>= 1 from 11.0) and 20.0;
        // the counter starts at 0 and flushes once 30 have accumulated (10.4+11+11.2 = 32.6 at
        // row 3, then 9.9+20 = 29.9 is not enough until 19.5 arrives); the level goes high at 11.0
        // and comes down only below 10.5; last-seen follows the gauge.
        const QStringList expected{
            QStringLiteral("g@0=10.0"),
            QStringLiteral("c@0=0"),
            QStringLiteral("l@0=low"),
            QStringLiteral("seen@0=0"),
            QStringLiteral("g@2000=11.0"),
            QStringLiteral("l@2000=high"),
            QStringLiteral("seen@2000=2000"),
            QStringLiteral("c@3000=33"),
            QStringLiteral("g@4000=9.9"),
            QStringLiteral("l@4000=low"),
            QStringLiteral("seen@4000=4000"),
            QStringLiteral("g@5000=20.0"),
            QStringLiteral("l@5000=high"),
            QStringLiteral("seen@5000=5000"),
            QStringLiteral("c@6000=82"),
        };
        QCOMPARE(describe(*trace), expected);
        for (std::size_t i = 0; i < trace->deltas.size(); ++i)
            QCOMPARE(trace->deltas[i].seq, std::uint64_t(i + 1));
    }

    void applicationsFromTheSharedDatasets()
    {
        // The four applications of `foresight-bench pse`, from the real data when it is here.
        const QString datasets = QStringLiteral(FORESIGHT_SHARED_DATASETS);
        if (!QFile::exists(datasets + QStringLiteral("/nab/data")) || !QFile::exists(datasets + QStringLiteral("/smd")))
            QSKIP(qPrintable(QStringLiteral("the shared datasets are not in %1").arg(datasets)));
        auto traces = foresight::prediction::derivePseTraces(datasets);
        QVERIFY2(traces, qPrintable(why(traces)));
        QCOMPARE(traces->size(), 4);
        // The sizes docs/benchmarks.md gives.
        const QList<QPair<QString, std::size_t>> expected{{QStringLiteral("nab-machine-temperature"), 3650},
                                                          {QStringLiteral("nab-nyc-taxi"), 8948},
                                                          {QStringLiteral("nab-twitter-aapl"), 5679},
                                                          {QStringLiteral("smd-machine-1-6"), 21402}};
        for (qsizetype i = 0; i < traces->size(); ++i) {
            const DeltaTrace &trace = traces->at(i);
            QCOMPARE(trace.application, expected[i].first);
            QCOMPARE(trace.deltas.size(), expected[i].second);
            for (std::size_t d = 1; d < trace.deltas.size(); ++d) {
                QVERIFY(trace.deltas[d].seq == trace.deltas[d - 1].seq + 1);
                QVERIFY(trace.deltas[d].timestampMs >= trace.deltas[d - 1].timestampMs);
            }
        }
        // nyc_taxi's first row (2014-07-01 00:00, 10,844 passengers), as the rules write it.
        const DeltaTrace &taxi = traces->at(1);
        QCOMPARE(describe(DeltaTrace{taxi.application, {taxi.deltas.begin(), taxi.deltas.begin() + 4}}),
                 (QStringList{QStringLiteral("rides/passengers_total@1404172800000=0"),
                              QStringLiteral("rides/per_30min@1404172800000=10844"),
                              QStringLiteral("demand/level@1404172800000=normal"),
                              QStringLiteral("rides/last_flush_ms@1404172800000=1404172800000")}));
        // And through the file format unchanged.
        auto text = formatDeltaTraces(*traces);
        QVERIFY(text);
        auto back = parseDeltaTraces(*text, QStringLiteral("derived"));
        QVERIFY2(back, qPrintable(why(back)));
        QCOMPARE(back->size(), traces->size());
        for (qsizetype i = 0; i < traces->size(); ++i) {
            QCOMPARE(back->at(i).deltas.size(), traces->at(i).deltas.size());
            for (std::size_t d = 0; d < traces->at(i).deltas.size(); d += 97)
                QVERIFY(sameDelta(back->at(i).deltas[d], traces->at(i).deltas[d]));
        }
    }

    void derivedTraceRefusesBadRules()
    {
        SeriesTable table;
        table.timestampsMs = {0, 1};
        table.series = {{1.0, 2.0}};
        SeriesKeyRule rule;
        rule.key = QStringLiteral("g");
        rule.series = 3;
        auto trace = deriveDeltaTrace(QStringLiteral("app"), table, {rule});
        QVERIFY(!trace);
        QCOMPARE(trace.error().code, ErrorCode::InvalidArgument);
        QVERIFY(trace.error().message.contains(QStringLiteral("series 3")));

        SeriesKeyRule seen;
        seen.kind = SeriesKeyRule::Kind::LastSeen;
        seen.key = QStringLiteral("seen");
        seen.follows = QStringLiteral("nothing");
        trace = deriveDeltaTrace(QStringLiteral("app"), table, {seen});
        QVERIFY(!trace);
        QVERIFY(trace.error().message.contains(QStringLiteral("unknown key nothing")));
    }
};

QTEST_GUILESS_MAIN(TestDeltaTrace)
#include "tst_deltatrace.moc"
