// The agent's SQLite writer thread: saves land, newer snapshots replace queued older ones, the
// agent is told when saves finish, and nothing queued is lost when the writer stops.

#include <poll.h>

#include <QTemporaryDir>
#include <QTest>

#include "agent/snapshotwriter.h"
#include "foresight/state/keyvaluestate.h"

using namespace foresight;

namespace {

state::Snapshot makeSnapshot(const QString &app, std::uint64_t seq)
{
    state::KeyValueState state;
    for (std::uint64_t i = 1; i <= seq; ++i) {
        state::StateDelta delta;
        delta.epoch = 1;
        delta.seq = i;
        delta.key = QStringLiteral("k%1").arg(i % 7);
        delta.value = QByteArray::number(qulonglong(i));
        [[maybe_unused]] const auto ok = state.apply(delta);
    }
    return state.snapshot(app, 1000);
}

bool readable(int fd)
{
    pollfd p{fd, POLLIN, 0};
    return ::poll(&p, 1, 0) == 1;
}

} // namespace

class TestSnapshotWriter : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void savesAndReportsThem();
    void stoppingWritesWhatIsQueued();
};

void TestSnapshotWriter::savesAndReportsThem()
{
    QTemporaryDir dir;
    agent::SnapshotWriter writer(dir.filePath(QStringLiteral("cold.sqlite")));
    writer.save(makeSnapshot(QStringLiteral("shop"), 5));
    QTRY_VERIFY_WITH_TIMEOUT(readable(writer.notifyFd()), 10000);
    const QList<agent::SnapshotWriter::Saved> finished = writer.takeFinished();
    QCOMPARE(finished.size(), 1);
    QVERIFY(finished.first().result.has_value());
    QCOMPARE(finished.first().result->seq, std::uint64_t(5));
    QVERIFY(!readable(writer.notifyFd())); // taking the results resets the notification

    auto latest = writer.loadLatest(QStringLiteral("shop"));
    QVERIFY(latest.has_value() && latest->has_value());
    QCOMPARE((*latest)->seq, std::uint64_t(5));
    QCOMPARE((*latest)->digest, makeSnapshot(QStringLiteral("shop"), 5).digest);
    auto none = writer.loadLatest(QStringLiteral("other"));
    QVERIFY(none.has_value() && !none->has_value());
}

void TestSnapshotWriter::stoppingWritesWhatIsQueued()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("cold.sqlite"));
    {
        agent::SnapshotWriter writer(path);
        for (std::uint64_t seq = 1; seq <= 50; ++seq)
            writer.save(makeSnapshot(QStringLiteral("shop"), seq));
        writer.save(makeSnapshot(QStringLiteral("chat"), 3));
    } // the destructor drains the queue
    auto store = storage::SnapshotStore::open(path);
    QVERIFY(store.has_value());
    auto shop = (*store)->latest(QStringLiteral("shop"));
    QVERIFY(shop.has_value() && shop->has_value());
    QCOMPARE((*shop)->seq, std::uint64_t(50)); // the newest always lands
    auto chat = (*store)->latest(QStringLiteral("chat"));
    QVERIFY(chat.has_value() && chat->has_value());
    QCOMPARE((*chat)->seq, std::uint64_t(3));
}

QTEST_GUILESS_MAIN(TestSnapshotWriter)
#include "tst_snapshotwriter.moc"
