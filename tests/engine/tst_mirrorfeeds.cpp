// The agent's change events for client mirrors (agent/mirrorfeeds.h): per subscription each
// changed key once per event, prefixes filter, too many keys overflow, keep-alives at the
// interval, numbering from 1 without gaps, an end drops the subscription, as does a failed send.
// And the clients' reports (agent/mirrorreports.h): checked, kept per client, forgotten.

#include <QCborArray>
#include <QCborMap>
#include <QCborValue>
#include <QTest>

#include "agent/mirrorfeeds.h"
#include "agent/mirrorreports.h"

using namespace foresight::agent;

namespace {

struct Sent
{
    std::uint64_t connection = 0;
    QCborMap body;
};

// Flushes at nowMs with app "shop" at epoch 2, seq `seq` (or ending with `end`); what was sent.
QList<Sent> flush(MirrorFeeds &feeds,
                  std::int64_t nowMs,
                  std::uint64_t seq,
                  const QString &end = {},
                  std::uint64_t failingConnection = 0)
{
    QList<Sent> sent;
    feeds.flush(
        nowMs,
        [&](const QString &) {
            return MirrorFeeds::AppPosition{2, seq, end};
        },
        [&](const MirrorFeeds::Event &event) {
            sent.append({event.connection, QCborValue::fromCbor(event.body).toMap()});
            return event.connection != failingConnection;
        });
    return sent;
}

QStringList keysOf(const Sent &sent)
{
    QStringList keys;
    for (const QCborValue &key : sent.body.value(QStringLiteral("keys")).toArray())
        keys << key.toString();
    return keys;
}

} // namespace

class TestMirrorFeeds : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void changedKeysOncePerEventNumberedFromOne()
    {
        MirrorFeeds feeds;
        const auto all = feeds.subscribe(QStringLiteral("shop"), 7, {}, 1000, 0);
        const auto carts = feeds.subscribe(QStringLiteral("shop"), 8, {QStringLiteral("cart/")}, 1000, 0);
        QVERIFY(all.subscription != carts.subscription);
        QVERIFY(flush(feeds, 1, 10).isEmpty()); // nothing changed, no keep-alive due

        feeds.noteChange(QStringLiteral("shop"), QStringLiteral("cart/1"));
        feeds.noteChange(QStringLiteral("shop"), QStringLiteral("session/9"));
        feeds.noteChange(QStringLiteral("shop"), QStringLiteral("cart/1"));
        feeds.noteChange(QStringLiteral("other"), QStringLiteral("cart/2"));
        auto sent = flush(feeds, 2, 13);
        QCOMPARE(sent.size(), 2);
        for (const Sent &event : sent) {
            QCOMPARE(event.body.value(QStringLiteral("event-seq")).toInteger(), 1);
            QCOMPARE(event.body.value(QStringLiteral("seq")).toInteger(), 13);
            QCOMPARE(event.body.value(QStringLiteral("epoch")).toInteger(), 2);
            QCOMPARE(event.body.value(QStringLiteral("app")).toString(), QStringLiteral("shop"));
            if (event.connection == 7) {
                QCOMPARE(keysOf(event), (QStringList{QStringLiteral("cart/1"), QStringLiteral("session/9")}));
                QCOMPARE(event.body.value(QStringLiteral("subscription")).toInteger(), qint64(all.subscription));
            } else {
                QCOMPARE(event.connection, 8u);
                QCOMPARE(keysOf(event), QStringList{QStringLiteral("cart/1")});
            }
        }
        feeds.noteChange(QStringLiteral("shop"), QStringLiteral("session/9"));
        sent = flush(feeds, 3, 14);
        QCOMPARE(sent.size(), 1);
        QCOMPARE(sent[0].connection, 7u);
        QCOMPARE(sent[0].body.value(QStringLiteral("event-seq")).toInteger(), 2);
        QCOMPARE(feeds.eventsSent(), 3);
    }

    void keepAlivesAtTheInterval()
    {
        MirrorFeeds feeds;
        feeds.subscribe(QStringLiteral("shop"), 7, {}, 500, 0);
        QVERIFY(flush(feeds, 499, 1).isEmpty());
        auto sent = flush(feeds, 500, 1);
        QCOMPARE(sent.size(), 1);
        QVERIFY(keysOf(sent[0]).isEmpty());
        QVERIFY(!sent[0].body.contains(QStringLiteral("end")));
        // A change resets the wait for the next keep-alive.
        feeds.noteChange(QStringLiteral("shop"), QStringLiteral("a"));
        QCOMPARE(flush(feeds, 700, 2).size(), 1);
        QVERIFY(flush(feeds, 1199, 2).isEmpty());
        QCOMPARE(flush(feeds, 1200, 2).size(), 1);
    }

    void tooManyKeysOverflow()
    {
        MirrorFeeds feeds;
        feeds.subscribe(QStringLiteral("shop"), 7, {}, 1000, 0);
        for (int i = 0; i <= MirrorFeeds::kMaxKeysPerEvent; ++i)
            feeds.noteChange(QStringLiteral("shop"), QStringLiteral("k%1").arg(i));
        auto sent = flush(feeds, 1, 300);
        QCOMPARE(sent.size(), 1);
        QVERIFY(sent[0].body.value(QStringLiteral("overflow")).toBool());
        QVERIFY(keysOf(sent[0]).isEmpty());
        // The next event is an ordinary one again.
        feeds.noteChange(QStringLiteral("shop"), QStringLiteral("k1"));
        sent = flush(feeds, 2, 301);
        QVERIFY(!sent[0].body.contains(QStringLiteral("overflow")));
        feeds.noteEverythingChanged(QStringLiteral("shop"));
        QVERIFY(flush(feeds, 3, 301)[0].body.value(QStringLiteral("overflow")).toBool());
    }

    void anEndOrAFailedSendDropsTheSubscription()
    {
        MirrorFeeds feeds;
        feeds.subscribe(QStringLiteral("shop"), 7, {}, 1000, 0);
        feeds.subscribe(QStringLiteral("shop"), 8, {}, 1000, 0);
        feeds.noteChange(QStringLiteral("shop"), QStringLiteral("a"));
        QCOMPARE(flush(feeds, 1, 5, {}, 8).size(), 2); // connection 8 is gone
        QCOMPARE(feeds.size(), 1);
        auto sent = flush(feeds, 2, 5, QStringLiteral("agent 'alpha' is no longer the primary of 'shop'"));
        QCOMPARE(sent.size(), 1);
        QCOMPARE(sent[0].body.value(QStringLiteral("end")).toString(),
                 QStringLiteral("agent 'alpha' is no longer the primary of 'shop'"));
        QCOMPARE(feeds.size(), 0);
        feeds.noteChange(QStringLiteral("shop"), QStringLiteral("a")); // nobody listens: nothing kept
        QVERIFY(flush(feeds, 5000, 6).isEmpty());
    }

    void subscribingAgainReplacesAndRestartsTheNumbers()
    {
        MirrorFeeds feeds;
        const auto first = feeds.subscribe(QStringLiteral("shop"), 7, {}, 1000, 0);
        feeds.noteChange(QStringLiteral("shop"), QStringLiteral("a"));
        flush(feeds, 1, 2);
        const auto second = feeds.subscribe(QStringLiteral("shop"), 7, {}, 1000, 1);
        QVERIFY(second.subscription != first.subscription);
        QCOMPARE(feeds.size(), 1);
        feeds.noteChange(QStringLiteral("shop"), QStringLiteral("a"));
        const auto sent = flush(feeds, 2, 3);
        QCOMPARE(sent.size(), 1);
        QCOMPARE(sent[0].body.value(QStringLiteral("event-seq")).toInteger(), 1);
        QCOMPARE(sent[0].body.value(QStringLiteral("subscription")).toInteger(), qint64(second.subscription));
        feeds.dropConnection(7);
        QCOMPARE(feeds.size(), 0);
    }

    void reportsAreCheckedKeptAndForgotten()
    {
        QVERIFY(
            MirrorReports::validate(QCborMap{{QStringLiteral("hits"), 3},
                                             {QStringLiteral("hit-ratio"), 0.5},
                                             {QStringLiteral("events-live"), true},
                                             {QStringLiteral("refreshes"), QCborMap{{QStringLiteral("first"), 1}}}}));
        const auto text = MirrorReports::validate(QCborMap{{QStringLiteral("hits"), QStringLiteral("many")}});
        QVERIFY(!text);
        QVERIFY2(text.error().message.contains(QLatin1String("'hits'")), qPrintable(text.error().message));
        QVERIFY(!MirrorReports::validate(
            QCborMap{{QStringLiteral("refreshes"), QCborMap{{QStringLiteral("first"), QCborArray{}}}}}));
        QCborMap tooMany;
        for (int i = 0; i <= MirrorReports::kMaxFields; ++i)
            tooMany.insert(QStringLiteral("f%1").arg(i), i);
        QVERIFY(!MirrorReports::validate(tooMany));

        MirrorReports reports;
        reports.record(QStringLiteral("shop"), QStringLiteral("web"), 1, QCborMap{{QStringLiteral("hits"), 1}}, 0);
        reports.record(QStringLiteral("shop"), QStringLiteral("web"), 1, QCborMap{{QStringLiteral("hits"), 2}}, 10);
        reports.record(QStringLiteral("shop"), QStringLiteral("web"), 2, QCborMap{{QStringLiteral("hits"), 7}}, 20);
        QCborArray clients = reports.clients(QStringLiteral("shop"), 30);
        QCOMPARE(clients.size(), 2); // one per connection, the latest report each
        qint64 hits = 0;
        for (const QCborValue &client : clients)
            hits += client.toMap().value(QStringLiteral("metrics")).toMap().value(QStringLiteral("hits")).toInteger();
        QCOMPARE(hits, 9);
        QVERIFY(reports.clients(QStringLiteral("other"), 30).isEmpty());
        clients = reports.clients(QStringLiteral("shop"), 10 + MirrorReports::kForgetAfterMs + 1);
        QCOMPARE(clients.size(), 1);
        QCOMPARE(clients.first().toMap().value(QStringLiteral("reported-ms-ago")).toInteger(),
                 MirrorReports::kForgetAfterMs - 9);
    }
};

QTEST_APPLESS_MAIN(TestMirrorFeeds)
#include "tst_mirrorfeeds.moc"
