// Unit tests for finding a cluster-file field's line from its error path (config/sourcelines.h),
// which every configuration error uses to name its line: nesting, arrays, missing keys, keys with
// path characters or escapes in them, duplicate keys.

#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

#include "config/sourcelines.h"

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

} // namespace

class TestSourceLines : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void textIsValidJson();
    void lineOfPath_data();
    void lineOfPath();
    void lineAtOffset();
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

QTEST_GUILESS_MAIN(TestSourceLines)
#include "tst_sourcelines.moc"
