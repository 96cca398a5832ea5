// foresight-agent's command line (app/agent/agentcommandline.h): flags over the configuration
// file, and the message for each bad value, which main() prints before exiting with 2.

#include <QFile>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

#include "agentcommandline.h"

using namespace foresight;

class TestAgentCommandLine final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void badValuesAreRefused_data();
    void badValuesAreRefused();
    void flagsOverrideTheConfigurationFile();
    void usageProfileIsOnUnlessSwitchedOff();

private:
    QTemporaryDir m_dir;
};

namespace {

QStringList commandLine(const QStringList &arguments)
{
    return QStringList{QStringLiteral("foresight-agent")} + arguments;
}

} // namespace

void TestAgentCommandLine::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    QVERIFY(m_dir.isValid());
}

void TestAgentCommandLine::badValuesAreRefused_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<QString>("message");
    const QString insecure = QStringLiteral("--insecure");
    QTest::newRow("stray argument") << QStringList{insecure, QStringLiteral("oops")}
                                    << QStringLiteral("unexpected argument 'oops' (see --help)");
    QTest::newRow("time scale not a number")
        << QStringList{insecure, QStringLiteral("--time-scale"), QStringLiteral("fast")}
        << QStringLiteral("--time-scale takes a number from 1 to 100, e.g. 4");
    QTest::newRow("time origin not a number")
        << QStringList{insecure, QStringLiteral("--time-origin"), QStringLiteral("noon")}
        << QStringLiteral("--time-origin takes a Unix time in milliseconds");
    QTest::newRow("prediction rate below 0")
        << QStringList{insecure, QStringLiteral("--prediction-rate"), QStringLiteral("-1")}
        << QStringLiteral("--prediction-rate takes a whole number from 0 to 100000, e.g. 500");
    QTest::newRow("prediction rate above 100000")
        << QStringList{insecure, QStringLiteral("--prediction-rate"), QStringLiteral("100001")}
        << QStringLiteral("--prediction-rate takes a whole number from 0 to 100000, e.g. 500");
}

void TestAgentCommandLine::badValuesAreRefused()
{
    QFETCH(QStringList, arguments);
    QFETCH(QString, message);
    const auto parsed = parseAgentCommandLine(commandLine(arguments));
    QVERIFY(!parsed);
    QCOMPARE(parsed.error().code, ErrorCode::InvalidArgument);
    QCOMPARE(parsed.error().message, message);
}

void TestAgentCommandLine::flagsOverrideTheConfigurationFile()
{
    const QString path = m_dir.filePath(QStringLiteral("agent.json"));
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(R"({"name": "db-1", "listen": "tcp://127.0.0.1:7401", "insecure": true, "predictionRate": 7})");
    file.close();

    const auto parsed = parseAgentCommandLine(commandLine({QStringLiteral("--config"),
                                                           path,
                                                           QStringLiteral("--name"),
                                                           QStringLiteral("db-2"),
                                                           QStringLiteral("--data-dir"),
                                                           m_dir.path(),
                                                           QStringLiteral("--primary"),
                                                           QStringLiteral("shop"),
                                                           QStringLiteral("--primary"),
                                                           QStringLiteral("chat")}));
    QVERIFY2(parsed, parsed ? "" : qPrintable(parsed.error().message));
    QCOMPARE(parsed->name, QStringLiteral("db-2"));                      // the flag
    QCOMPARE(parsed->listenUrl, QStringLiteral("tcp://127.0.0.1:7401")); // the file
    QVERIFY(parsed->insecure);
    QCOMPARE(parsed->predictionRate, 7);
    QCOMPARE(parsed->apps.size(), 2);
    QCOMPARE(parsed->apps.at(0).app, QStringLiteral("shop"));
    QCOMPARE(parsed->apps.at(1).app, QStringLiteral("chat"));
}

void TestAgentCommandLine::usageProfileIsOnUnlessSwitchedOff()
{
    const QString insecure = QStringLiteral("--insecure");
    const auto byDefault = parseAgentCommandLine(commandLine({insecure}));
    QVERIFY(byDefault);
    QVERIFY(byDefault->usageProfile);
    const auto flag = parseAgentCommandLine(commandLine({insecure, QStringLiteral("--no-usage-profile")}));
    QVERIFY(flag);
    QVERIFY(!flag->usageProfile);

    const QString path = m_dir.filePath(QStringLiteral("profile.json"));
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(R"({"insecure": true, "usageProfile": false})");
    file.close();
    const auto fromFile = parseAgentCommandLine(commandLine({QStringLiteral("--config"), path}));
    QVERIFY(fromFile);
    QVERIFY(!fromFile->usageProfile);

    QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
    file.write(R"({"insecure": true, "usageProfile": "off"})");
    file.close();
    const auto bad = parseAgentCommandLine(commandLine({QStringLiteral("--config"), path}));
    QVERIFY(!bad);
    QCOMPARE(bad.error().message, path + QStringLiteral(": 'usageProfile' must be true or false"));
}

QTEST_GUILESS_MAIN(TestAgentCommandLine)
#include "tst_agentcommandline.moc"
