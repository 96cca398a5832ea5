// Unit tests for finding a cluster-file field's line from its error path (config/sourcelines.h):
// nesting, arrays, missing keys, keys with path characters or escapes in them, duplicate keys;
// and ClusterConfig::fromJson() naming the line of every kind of error with it.

#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

#include "config/sourcelines.h"
#include "foresight/config/clusterconfig.h"

using namespace Qt::StringLiterals;
using foresight::config::lineAtOffset;
using foresight::config::lineOfPath;

namespace {

constexpr char kText[] = "{\n"                                      // 1
                         "  \"name\": \"prod\",\n"                  // 2
                         "  \"apps\": [\n"                          // 3
                         "    {\"name\": \"a\", \"impact\": []},\n" // 4
                         "    {\"name\": \"b\",\n"                  // 5
                         "     \"impact\": [\n"                     // 6
                         "       {\"keys\": \"x\"},\n"              // 7
                         "       {\"keys\": [\"y\",\n"              // 8
                         "                 \"z\"]}]}\n"             // 9
                         "  ],\n"                                   // 10
                         "  \"a.b\": {\"c\": 1},\n"                 // 11
                         "  \"a\": {\"b\": {\"c\": 2}},\n"          // 12
                         "  \"esc\\\"aped\": 3,\n"                  // 13
                         "  \"dup\": 1,\n"                          // 14
                         "  \"dup\": {\"x\": \"[{,}]\"}\n"          // 15
                         "}";

// A cluster file over several lines, so that errors in different places name different lines.
constexpr char kCluster[]
    = "{\n"
      "  \"insecure\": true,\n"
      "  \"agents\": [\n"
      "    {\"name\": \"alpha\", \"url\": \"ipc:///tmp/alpha.sock\"},\n"
      "    {\"name\": \"bravo\", \"url\": \"tcp://10.0.0.6:7400\"}\n"
      "  ],\n"
      "  \"apps\": [\n"
      "    {\"name\": \"shop\", \"primary\": \"alpha\",\n"
      "     \"replicas\": [{\"agent\": \"bravo\", \"tier\": \"warm\"}],\n"
      "     \"config\": {\"syncReplicas\": 0},\n"
      "     \"impact\": [\n"
      "       {\"keys\": [\"session/*\", \"cart/*\"], \"class\": \"critical\"},\n"
      "       {\"keys\": \"catalog/*\", \"class\": \"medium\"},\n"
      "       {\"keys\": \"history/*\", \"class\": \"low\", \"tolerated-staleness-ms\": 3600000}]}\n"
      "  ]\n"
      "}";

} // namespace

class TestSourceLines : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void textIsValidJson();
    void lineOfPath_data();
    void lineOfPath();
    void lineAtOffset();
    void errorsNameTheLine_data();
    void errorsNameTheLine();
};

void TestSourceLines::textIsValidJson()
{
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(kText, &error);
    QCOMPARE(error.error, QJsonParseError::NoError);
    // QJsonDocument keeps the last of duplicate keys, as lineOfPath() does.
    QVERIFY(doc.object().value(u"dup"_s).isObject());
}

void TestSourceLines::lineOfPath_data()
{
    QTest::addColumn<QString>("path");
    QTest::addColumn<int>("line");

    QTest::newRow("root") << QString() << 1;
    QTest::newRow("top-level key") << u"name"_s << 2;
    QTest::newRow("array item") << u"apps[1]"_s << 5;
    QTest::newRow("nested") << u"apps[1].impact[1].keys"_s << 8;
    QTest::newRow("nested array item") << u"apps[1].impact[1].keys[1]"_s << 9;
    QTest::newRow("first item's field") << u"apps[0].impact"_s << 4;
    QTest::newRow("missing key: its object") << u"apps[1].impact[0].class"_s << 7;
    QTest::newRow("index past the end: the array") << u"apps[5].name"_s << 3;
    QTest::newRow("into a scalar: the scalar") << u"name.x"_s << 2;
    QTest::newRow("missing at the top: the root") << u"failover.lease-ms"_s << 1;
    QTest::newRow("dotted key") << u"a.b.c"_s << 11; // the longest key that fits wins
    QTest::newRow("plain keys") << u"a.b"_s << 11;
    QTest::newRow("escaped key") << u"esc\"aped"_s << 13;
    QTest::newRow("duplicate: the last") << u"dup.x"_s << 15;
    QTest::newRow("not a path") << u"[x"_s << 1;
}

void TestSourceLines::lineOfPath()
{
    QFETCH(QString, path);
    QFETCH(int, line);
    QCOMPARE(foresight::config::lineOfPath(QByteArrayView(kText), path), line);
}

void TestSourceLines::lineAtOffset()
{
    QCOMPARE(foresight::config::lineAtOffset("a\nb\nc", 0), 1);
    QCOMPARE(foresight::config::lineAtOffset("a\nb\nc", 2), 2);
    QCOMPARE(foresight::config::lineAtOffset("a\nb\nc", 4), 3);
    QCOMPARE(foresight::config::lineAtOffset("a\nb\nc", 99), 3); // clamped
    QCOMPARE(foresight::config::lineAtOffset("", -1), 1);
}

void TestSourceLines::errorsNameTheLine_data()
{
    QTest::addColumn<QString>("from");
    QTest::addColumn<QString>("to");
    QTest::addColumn<QString>("expected"); // after "cluster.json:LINE: "

    QTest::newRow("bad glob") << u"\"catalog/*\""_s << u"\"catalog/[a-z]*\""_s
                              << u"apps[0].impact[1].keys: 'catalog/[a-z]*': '[...]' is a character class"_s;
    QTest::newRow("unknown class") << u"\"class\": \"low\""_s << u"\"class\": \"lowest\""_s
                                   << u"apps[0].impact[2].class: 'lowest' is not critical, high, medium or low"_s;
    QTest::newRow("duplicate pattern") << u"\"history/*\""_s << u"\"cart/*\""_s
                                       << u"apps[0].impact[2].keys: 'cart/*' is already apps[0].impact[0].keys[1]"_s;
    // A missing key has no line of its own: its object's.
    QTest::newRow("missing keys") << u"{\"keys\": \"catalog/*\", "_s << u"{"_s << u"apps[0].impact[1].keys: missing"_s;
    // Found by validate(), after parsing, the same way.
    QTest::newRow("no such agent") << u"{\"agent\": \"bravo\""_s << u"{\"agent\": \"zulu\""_s
                                   << u"apps[0].replicas[0].agent: no agent named 'zulu'"_s;
    QTest::newRow("agent url") << u"\"tcp://10.0.0.6:7400\""_s << u"\"http://x\""_s
                               << u"agents[1].url: 'http://x' is not a tcp:// or ipc:// endpoint"_s;
    QTest::newRow("syntax") << u"\"class\": \"medium\""_s << u"\"class\" \"medium\""_s << u"not valid JSON at offset"_s;
}

void TestSourceLines::errorsNameTheLine()
{
    QFETCH(QString, from);
    QFETCH(QString, to);
    QFETCH(QString, expected);

    QString text = QString::fromUtf8(kCluster);
    QVERIFY(foresight::config::ClusterConfig::fromJson(text.toUtf8(), u"cluster.json"_s));
    const qsizetype at = text.indexOf(from);
    QVERIFY2(at >= 0 && text.indexOf(from, at + 1) < 0, "the row must change one place");
    text.replace(at, from.size(), to);
    const qsizetype line = QStringView(text).first(at).count(u'\n') + 1;
    QVERIFY(line > 1);

    const auto config = foresight::config::ClusterConfig::fromJson(text.toUtf8(), u"cluster.json"_s);
    QVERIFY2(!config, "a bad configuration was accepted");
    const QString message = config.error().message;
    QVERIFY2(message.startsWith(u"cluster.json:%1: "_s.arg(line) + expected), qPrintable(message));
}

QTEST_GUILESS_MAIN(TestSourceLines)
#include "tst_sourcelines.moc"
