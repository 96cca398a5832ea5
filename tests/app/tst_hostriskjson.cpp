// POST /hosts/risk's pure side (app/console/api/hostriskjson.h): the bodies it takes, the 4xx
// naming the field for each bad one, what a refusal journals and the answer's JSON.

#include <QJsonDocument>
#include <QTest>

#include "hostriskjson.h"

using namespace foresight;
using namespace foresight::api;

class TestHostRiskJson final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void goodBodies();
    void badBodies_data();
    void badBodies();
    void refusalsAreAuditedAndAnswersEchoTheRisk();
};

void TestHostRiskJson::goodBodies()
{
    auto set = parseHostRiskBody(R"({"agent": "bravo", "risk": 0.8})", QStringLiteral("http:127.0.0.1"));
    QVERIFY2(set, qPrintable(set ? QString() : set.error().message));
    QCOMPARE(set->agent, QStringLiteral("bravo"));
    QCOMPARE(set->risk, std::optional<double>(0.8));
    QCOMPARE(set->actor, QStringLiteral("http:127.0.0.1"));

    auto edges = parseHostRiskBody(R"({"risk": 1, "agent": "bravo"})", QStringLiteral("a"));
    QVERIFY(edges);
    QCOMPARE(edges->risk, std::optional<double>(1.0));
    QCOMPARE(parseHostRiskBody(R"({"agent": "bravo", "risk": 0})", QStringLiteral("a"))->risk,
             std::optional<double>(0.0));

    auto clear = parseHostRiskBody(R"({"agent": "bravo", "risk": null})", QStringLiteral("a"));
    QVERIFY(clear);
    QVERIFY(!clear->risk.has_value());
}

void TestHostRiskJson::badBodies_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<int>("status");
    QTest::addColumn<QString>("code");
    QTest::addColumn<QString>("field");

    QTest::newRow("empty") << QByteArray() << 400 << "malformed-json"
                           << "";
    QTest::newRow("not JSON") << QByteArray("{agent: bravo}") << 400 << "malformed-json"
                              << "";
    QTest::newRow("an array") << QByteArray(R"(["bravo", 0.8])") << 400 << "malformed-json"
                              << "";
    QTest::newRow("no agent") << QByteArray(R"({"risk": 0.8})") << 400 << "missing-field"
                              << "agent";
    QTest::newRow("no risk") << QByteArray(R"({"agent": "bravo"})") << 400 << "missing-field"
                             << "risk";
    QTest::newRow("agent a number") << QByteArray(R"({"agent": 7, "risk": 0.8})") << 400 << "invalid-field"
                                    << "agent";
    QTest::newRow("agent empty") << QByteArray(R"({"agent": "", "risk": 0.8})") << 400 << "invalid-field"
                                 << "agent";
    QTest::newRow("agent too long") << QByteArray(R"({"agent": ")" + QByteArray(257, 'a') + R"(", "risk": 0.8})") << 400
                                    << "invalid-field"
                                    << "agent";
    QTest::newRow("risk a string") << QByteArray(R"({"agent": "bravo", "risk": "0.8"})") << 400 << "invalid-field"
                                   << "risk";
    QTest::newRow("risk a boolean") << QByteArray(R"({"agent": "bravo", "risk": true})") << 400 << "invalid-field"
                                    << "risk";
    QTest::newRow("risk above 1") << QByteArray(R"({"agent": "bravo", "risk": 1.5})") << 400 << "invalid-field"
                                  << "risk";
    QTest::newRow("risk below 0") << QByteArray(R"({"agent": "bravo", "risk": -0.1})") << 400 << "invalid-field"
                                  << "risk";
    QTest::newRow("unknown field") << QByteArray(R"({"agent": "bravo", "risk": 0.8, "dry-run": true})") << 400
                                   << "unknown-field"
                                   << "dry-run";
    QTest::newRow("too large") << QByteArray(kMaxBodyBytes + 1, ' ') << 413 << "body-too-large"
                               << "";
}

void TestHostRiskJson::badBodies()
{
    QFETCH(QByteArray, body);
    QFETCH(int, status);
    QFETCH(QString, code);
    QFETCH(QString, field);
    const auto parsed = parseHostRiskBody(body, QStringLiteral("a"));
    QVERIFY(!parsed);
    QCOMPARE(parsed.error().status, status);
    QCOMPARE(parsed.error().code, code);
    QCOMPARE(parsed.error().field, field);
    QVERIFY(!parsed.error().message.isEmpty());
    if (!field.isEmpty())
        QVERIFY2(parsed.error().message.contains(QLatin1Char('\'') + field + QLatin1Char('\'')),
                 qPrintable(parsed.error().message));
}

void TestHostRiskJson::refusalsAreAuditedAndAnswersEchoTheRisk()
{
    const HostRiskRequest set{QStringLiteral("bravo"), 0.8, QStringLiteral("http:127.0.0.1")};
    const auto refused = hostRiskAuditEntry(set, fail(ErrorCode::NotFound, QStringLiteral("no agent named 'bravo'")));
    QVERIFY(refused);
    QCOMPARE(refused->kind, QStringLiteral("operator"));
    QCOMPARE(refused->agent, QStringLiteral("bravo"));
    QCOMPARE(refused->actor, QStringLiteral("http:127.0.0.1"));
    QCOMPARE(refused->message, QStringLiteral("host risk bravo 0.80 refused: no agent named 'bravo'"));
    QCOMPARE(refused->details.value(QStringLiteral("via")).toString(), QStringLiteral("http"));
    // What the engine does it journals itself.
    const failover::OperatorOutcome done{QStringLiteral("external failure risk of bravo set to 0.80"), {}};
    QVERIFY(!hostRiskAuditEntry(set, done));

    const QJsonObject answer = hostRiskOutcomeJson(set, done);
    QCOMPARE(answer.value(QStringLiteral("agent")).toString(), QStringLiteral("bravo"));
    QCOMPARE(answer.value(QStringLiteral("risk")).toDouble(), 0.8);
    QCOMPARE(answer.value(QStringLiteral("summary")).toString(), done.summary);
    QCOMPARE(answer.value(QStringLiteral("actor")).toString(), QStringLiteral("http:127.0.0.1"));
    const HostRiskRequest clear{QStringLiteral("bravo"), std::nullopt, QStringLiteral("a")};
    QVERIFY(hostRiskOutcomeJson(clear, done).value(QStringLiteral("risk")).isNull());
    QCOMPARE(hostRiskAuditEntry(clear, fail(ErrorCode::NotFound, QStringLiteral("x")))->message,
             QStringLiteral("host risk bravo clear refused: x"));
}

QTEST_GUILESS_MAIN(TestHostRiskJson)
#include "tst_hostriskjson.moc"
