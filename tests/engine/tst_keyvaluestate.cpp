// Unit tests for KeyValueState and StateDigest: order-independent digests, sequencing and epoch
// fencing, critical-key patterns, snapshots and restore.

#include <QMap>
#include <QRandomGenerator>
#include <QSet>
#include <QTest>
#include <QtEndian>

#include "foresight/state/keyvaluestate.h"
#include "foresight/state/snapshot.h"
#include "foresight/state/statedigest.h"
#include "state/siphash.h"

using namespace Qt::StringLiterals;
using foresight::ErrorCode;
using foresight::state::DeltaOp;
using foresight::state::KeyValueState;
using foresight::state::Snapshot;
using foresight::state::StateDelta;
using foresight::state::StateDigest;
namespace siphash = foresight::state::siphash;

namespace {

StateDelta putDelta(std::uint64_t seq, const QString &key, const QByteArray &value, std::uint64_t epoch = 1)
{
    return StateDelta{epoch, seq, 0, key, DeltaOp::Put, value};
}

StateDelta deleteDelta(std::uint64_t seq, const QString &key, std::uint64_t epoch = 1)
{
    return StateDelta{epoch, seq, 0, key, DeltaOp::Delete, {}};
}

// Qt 6.4's QVERIFY2 evaluates its message even when the check passes, so the message must not
// touch error() of a successful result.
template<typename R>
QByteArray describe(const R &result)
{
    return result.has_value() ? QByteArray() : result.error().toString().toUtf8();
}

// A history is written as a list of operations: "key=value" puts, "-key" deletes.
// Applies it with consecutive sequence numbers starting after the state's position.
void applyHistory(KeyValueState &state, const QStringList &history)
{
    for (const QString &op : history) {
        const std::uint64_t seq = state.seq() + 1;
        foresight::Status status;
        if (op.startsWith(u'-')) {
            status = state.apply(deleteDelta(seq, op.mid(1)));
        } else {
            const qsizetype eq = op.indexOf(u'=');
            QVERIFY2(eq > 0, qPrintable(op));
            status = state.apply(putDelta(seq, op.left(eq), op.mid(eq + 1).toUtf8()));
        }
        QVERIFY2(status.has_value(), describe(status).constData());
    }
}

// The digest of exactly these entries, computed independently of KeyValueState.
StateDigest digestOf(const QMap<QString, QByteArray> &entries)
{
    StateDigest digest;
    for (auto it = entries.cbegin(); it != entries.cend(); ++it)
        digest.add(StateDigest::hashEntry(it.key(), it.value()));
    return digest;
}

QMap<QString, QByteArray> entriesOf(const KeyValueState &state)
{
    QMap<QString, QByteArray> out;
    for (const auto &[key, value] : state.snapshot(u"app"_s, 0).entries)
        out.insert(key, value);
    return out;
}

enum SnapshotCorruption { TamperedValue, ExtraEntry, MissingEntry, WrongDigest, DuplicateKey, EmptyKey };

const QString kZeroHex = u"00000000000000000000000000000000"_s;

} // namespace

class TestKeyValueState final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void hashEntryFollowsTheDocumentedDefinition_data();
    void hashEntryFollowsTheDocumentedDefinition();
    void sipHashMatchesReferenceVectors();
    void documentedDigestExamples();
    void digestDependsOnFinalEntriesOnly_data();
    void digestDependsOnFinalEntriesOnly();
    void emptyStateDigestIsZero();
    void digestChangesOnEveryPutAndDelete();
    void strictSequencingRefusesGapsAndRepeats_data();
    void strictSequencingRefusesGapsAndRepeats();
    void allowGapsAcceptsIncreasingSequences();
    void advanceTo();
    void staleEpochRefused();
    void emptyKeyRefused();
    void globSemantics_data();
    void globSemantics();
    void invalidPatternRefused();
    void criticalDigestIsDigestOfCriticalKeys_data();
    void criticalDigestIsDigestOfCriticalKeys();
    void setCriticalPatternsRecomputes();
    void restoreRoundTrip();
    void restoreRefusesBadSnapshots_data();
    void restoreRefusesBadSnapshots();
    void criticalSnapshotRestoresToCriticalDigest();
    void randomizedHistoriesAgree();
    void digestHexRoundTrip();
    void digestFromHexRejectsBadInput_data();
    void digestFromHexRejectsBadInput();
    void keyClassTalliesFollowEveryChange();
};

void TestKeyValueState::hashEntryFollowsTheDocumentedDefinition_data()
{
    QTest::addColumn<QString>("key");
    QTest::addColumn<QByteArray>("value");
    QTest::newRow("ascii") << u"session/42"_s << QByteArray("hello");
    QTest::newRow("empty value") << u"k"_s << QByteArray();
    QTest::newRow("binary value") << u"bin"_s << QByteArray("\x00\xff\x01", 3);
    // The length prefix counts UTF-8 bytes, not UTF-16 code units.
    QTest::newRow("non-ascii key") << u"ключ/😀"_s << QByteArray("v");
}

void TestKeyValueState::hashEntryFollowsTheDocumentedDefinition()
{
    QFETCH(QString, key);
    QFETCH(QByteArray, value);

    // The definition, spelled out: SipHash-2-4-128 keyed 00..0f over length || key || value.
    const QByteArray keyUtf8 = key.toUtf8();
    QByteArray input(4, '\0');
    qToBigEndian<quint32>(quint32(keyUtf8.size()), input.data());
    input += keyUtf8 + value;
    siphash::SipHash24 reference(siphash::kReferenceKey, true);
    reference.update(input.constData(), std::size_t(input.size()));
    std::uint64_t first = 0;
    std::uint64_t second = 0;
    reference.finish(&first, &second);

    const StateDigest::EntryHash h = StateDigest::hashEntry(key, value);
    QCOMPARE(h.hi, first);
    QCOMPARE(h.lo, second);

    // A state holding only this entry has that hash as its digest, printed hi lane first.
    KeyValueState state;
    QVERIFY(state.apply(putDelta(1, key, value)).has_value());
    QCOMPARE(state.digest().toHex(),
             QStringLiteral("%1%2").arg(first, 16, 16, QLatin1Char('0')).arg(second, 16, 16, QLatin1Char('0')));
}

void TestKeyValueState::sipHashMatchesReferenceVectors()
{
    // Test vectors of the SipHash reference implementation (key 00..0f, message 00 01 02 ...).
    unsigned char message[15];
    for (int i = 0; i < 15; ++i)
        message[i] = static_cast<unsigned char>(i);
    std::uint64_t first = 0;
    std::uint64_t second = 0;
    siphash::SipHash24 empty64(siphash::kReferenceKey, false);
    empty64.finish(&first, &second);
    QCOMPARE(first, 0x726fdb47dd0e0e31ULL);
    siphash::SipHash24 fifteen64(siphash::kReferenceKey, false);
    fifteen64.update(message, 7); // in two pieces: the incremental path must not matter
    fifteen64.update(message + 7, 8);
    fifteen64.finish(&first, &second);
    QCOMPARE(first, 0xa129ca6149be45e5ULL);
    siphash::SipHash24 empty128(siphash::kReferenceKey, true);
    empty128.finish(&first, &second);
    QCOMPARE(first, 0xe6a825ba047f81a3ULL);  // output bytes a3 81 7f 04 ba 25 a8 e6
    QCOMPARE(second, 0x930255c71472f66dULL); // output bytes 6d f6 72 14 c7 55 02 93
}

void TestKeyValueState::documentedDigestExamples()
{
    // The worked example of docs/protocol.md, computed independently of this code.
    KeyValueState state;
    QVERIFY(state.apply(putDelta(1, u"a"_s, "1")).has_value());
    QCOMPARE(state.digest().toHex(), u"c79d6586054905856b7182d2c5166ba6"_s);
    QVERIFY(state.apply(putDelta(2, u"b"_s, "2")).has_value());
    QCOMPARE(state.digest().toHex(), u"92c93f7755cb43693a932bb0762d9c87"_s);
}

void TestKeyValueState::digestDependsOnFinalEntriesOnly_data()
{
    QTest::addColumn<QStringList>("historyA");
    QTest::addColumn<QStringList>("historyB");
    QTest::addColumn<bool>("sameState");

    QTest::newRow("put order") << QStringList{u"a=1"_s, u"b=2"_s} << QStringList{u"b=2"_s, u"a=1"_s} << true;
    QTest::newRow("overwrite") << QStringList{u"a=1"_s, u"b=2"_s} << QStringList{u"b=2"_s, u"a=0"_s, u"a=1"_s} << true;
    QTest::newRow("delete and re-put") << QStringList{u"a=1"_s, u"b=2"_s}
                                       << QStringList{u"a=1"_s, u"b=9"_s, u"-b"_s, u"c=3"_s, u"b=2"_s, u"-c"_s} << true;
    QTest::newRow("delete of absent key") << QStringList{u"a=1"_s} << QStringList{u"-zz"_s, u"a=1"_s, u"-q"_s} << true;
    QTest::newRow("all deleted") << QStringList{} << QStringList{u"a=1"_s, u"b=2"_s, u"-a"_s, u"-b"_s} << true;
    QTest::newRow("same value under two keys")
        << QStringList{u"a=x"_s, u"b=x"_s} << QStringList{u"b=x"_s, u"a=y"_s, u"a=x"_s} << true;
    QTest::newRow("different value") << QStringList{u"a=1"_s} << QStringList{u"a=2"_s} << false;
    QTest::newRow("different key") << QStringList{u"a=1"_s} << QStringList{u"b=1"_s} << false;
    // Without the key-length prefix these two would hash the same bytes.
    QTest::newRow("key/value boundary") << QStringList{u"ab=c"_s} << QStringList{u"a=bc"_s} << false;
    QTest::newRow("empty value vs absent") << QStringList{u"a=1"_s, u"b="_s} << QStringList{u"a=1"_s} << false;
    // Lane sums must not cancel: two equal entries under swapped values are different states.
    QTest::newRow("swapped values") << QStringList{u"a=1"_s, u"b=2"_s} << QStringList{u"a=2"_s, u"b=1"_s} << false;
}

void TestKeyValueState::digestDependsOnFinalEntriesOnly()
{
    QFETCH(QStringList, historyA);
    QFETCH(QStringList, historyB);
    QFETCH(bool, sameState);

    KeyValueState a;
    KeyValueState b;
    applyHistory(a, historyA);
    applyHistory(b, historyB);
    QCOMPARE(entriesOf(a) == entriesOf(b), sameState);
    QCOMPARE(a.digest() == b.digest(), sameState);
    QCOMPARE(a.digest().toHex() == b.digest().toHex(), sameState);
    QCOMPARE(a.digest(), digestOf(entriesOf(a)));
    QCOMPARE(b.digest(), digestOf(entriesOf(b)));
    if (sameState) {
        QCOMPARE(a.size(), b.size());
        QCOMPARE(a.valueBytes(), b.valueBytes());
    }
}

void TestKeyValueState::emptyStateDigestIsZero()
{
    KeyValueState state;
    QCOMPARE(state.digest().toHex(), kZeroHex);
    QCOMPARE(state.criticalDigest().toHex(), kZeroHex);
    QCOMPARE(state.digest(), StateDigest());
    QCOMPARE(Snapshot().computeDigest(), StateDigest());

    // Back to zero once everything is deleted again.
    applyHistory(state, {u"a=1"_s, u"b=2"_s, u"-a"_s, u"-b"_s});
    QCOMPARE(state.size(), 0);
    QCOMPARE(state.valueBytes(), 0);
    QCOMPARE(state.digest().toHex(), kZeroHex);
    QCOMPARE(state.seq(), 4u);
}

void TestKeyValueState::digestChangesOnEveryPutAndDelete()
{
    KeyValueState state;
    const QStringList
        history{u"a=1"_s, u"b=1"_s, u"a=2"_s, u"c="_s, u"c=x"_s, u"-b"_s, u"b=1"_s, u"-a"_s, u"-b"_s, u"-c"_s};
    StateDigest previous = state.digest();
    for (const QString &op : history) {
        applyHistory(state, {op});
        QVERIFY2(state.digest() != previous, qPrintable(op));
        const Snapshot snap = state.snapshot(u"app"_s, 123);
        QCOMPARE(snap.digest, state.digest());
        QCOMPARE(snap.computeDigest(), state.digest());
        QCOMPARE(snap.seq, state.seq());
        QCOMPARE(snap.epoch, state.epoch());
        QCOMPARE(snap.app, u"app"_s);
        QCOMPARE(snap.takenAtMs, 123);
        QCOMPARE(snap.entries.size(), state.size());
        previous = state.digest();
    }
    QCOMPARE(state.digest().toHex(), kZeroHex);
}

void TestKeyValueState::strictSequencingRefusesGapsAndRepeats_data()
{
    QTest::addColumn<std::uint64_t>("seq");
    QTest::newRow("repeat") << std::uint64_t(3);
    QTest::newRow("gap of one") << std::uint64_t(5);
    QTest::newRow("far ahead") << std::uint64_t(1000);
    QTest::newRow("backwards") << std::uint64_t(1);
    QTest::newRow("zero") << std::uint64_t(0);
}

void TestKeyValueState::strictSequencingRefusesGapsAndRepeats()
{
    QFETCH(std::uint64_t, seq);

    KeyValueState state;
    applyHistory(state, {u"a=1"_s, u"b=2"_s, u"c=3"_s});
    const StateDigest digestBefore = state.digest();
    const auto entriesBefore = entriesOf(state);

    for (const StateDelta &delta :
         {putDelta(seq, u"a"_s, "changed"), putDelta(seq, u"new"_s, "x"), deleteDelta(seq, u"b"_s)}) {
        const auto status = state.apply(delta);
        QVERIFY(!status.has_value());
        QCOMPARE(status.error().code, ErrorCode::InvalidArgument);
        QCOMPARE(state.seq(), 3u);
        QCOMPARE(state.epoch(), 1u);
        QCOMPARE(state.digest(), digestBefore);
        QCOMPARE(entriesOf(state), entriesBefore);
        QCOMPARE(state.valueBytes(), 3);
    }
    // The next delta in order is still accepted.
    QVERIFY(state.apply(putDelta(4, u"a"_s, "changed")).has_value());
    QCOMPARE(state.get(u"a"_s), std::optional<QByteArray>("changed"));
}

void TestKeyValueState::allowGapsAcceptsIncreasingSequences()
{
    KeyValueState state(KeyValueState::Sequencing::AllowGaps);
    QVERIFY(state.apply(putDelta(3, u"a"_s, "1")).has_value());
    QVERIFY(state.apply(putDelta(4, u"b"_s, "2")).has_value());
    QVERIFY(state.apply(putDelta(100, u"a"_s, "3")).has_value());
    QCOMPARE(state.seq(), 100u);
    QCOMPARE(state.get(u"a"_s), std::optional<QByteArray>("3"));

    const StateDigest before = state.digest();
    for (std::uint64_t seq : {std::uint64_t(100), std::uint64_t(99), std::uint64_t(0)}) {
        const auto status = state.apply(putDelta(seq, u"a"_s, "stale"));
        QVERIFY(!status.has_value());
        QCOMPARE(status.error().code, ErrorCode::InvalidArgument);
        QCOMPARE(state.seq(), 100u);
        QCOMPARE(state.digest(), before);
    }
    QVERIFY(state.apply(deleteDelta(250, u"a"_s)).has_value());
    QVERIFY(!state.contains(u"a"_s));
    QCOMPARE(state.seq(), 250u);
}

void TestKeyValueState::advanceTo()
{
    KeyValueState warm(KeyValueState::Sequencing::AllowGaps);
    QVERIFY(warm.advanceTo(10, 2).has_value());
    QCOMPARE(warm.seq(), 10u);
    QCOMPARE(warm.epoch(), 2u);
    QVERIFY(warm.advanceTo(10, 2).has_value());
    QVERIFY(!warm.advanceTo(9, 2).has_value());
    QVERIFY(!warm.advanceTo(11, 1).has_value());
    QCOMPARE(warm.seq(), 10u);
    QCOMPARE(warm.epoch(), 2u);
    // After advancing, older deltas are refused.
    QVERIFY(!warm.apply(putDelta(10, u"a"_s, "x", 2)).has_value());
    QVERIFY(warm.apply(putDelta(11, u"a"_s, "x", 2)).has_value());

    KeyValueState strict;
    applyHistory(strict, {u"a=1"_s});
    QVERIFY(!strict.advanceTo(5, 1).has_value());
    QCOMPARE(strict.seq(), 1u);
    // Staying at the same sequence (for example to raise the epoch) is fine.
    QVERIFY(strict.advanceTo(1, 3).has_value());
    QCOMPARE(strict.epoch(), 3u);
}

void TestKeyValueState::staleEpochRefused()
{
    KeyValueState state;
    QVERIFY(state.apply(putDelta(1, u"a"_s, "1", 3)).has_value());
    const StateDigest before = state.digest();

    const auto stale = state.apply(putDelta(2, u"a"_s, "old primary", 2));
    QVERIFY(!stale.has_value());
    QCOMPARE(stale.error().code, ErrorCode::StaleEpoch);
    QCOMPARE(state.seq(), 1u);
    QCOMPARE(state.epoch(), 3u);
    QCOMPARE(state.digest(), before);
    QCOMPARE(state.get(u"a"_s), std::optional<QByteArray>("1"));

    const auto staleDelete = state.apply(deleteDelta(2, u"a"_s, 0));
    QVERIFY(!staleDelete.has_value());
    QCOMPARE(staleDelete.error().code, ErrorCode::StaleEpoch);
    QVERIFY(state.contains(u"a"_s));

    QVERIFY(state.apply(putDelta(2, u"a"_s, "2", 3)).has_value());
    QVERIFY(state.apply(putDelta(3, u"a"_s, "3", 5)).has_value());
    QCOMPARE(state.epoch(), 5u);
    // The epoch only moves forward: epoch 3 is stale now.
    QCOMPARE(state.apply(putDelta(4, u"a"_s, "4", 3)).error().code, ErrorCode::StaleEpoch);
}

void TestKeyValueState::emptyKeyRefused()
{
    KeyValueState state;
    applyHistory(state, {u"a=1"_s});
    const auto status = state.apply(putDelta(2, QString(), "x"));
    QVERIFY(!status.has_value());
    QCOMPARE(status.error().code, ErrorCode::InvalidArgument);
    QCOMPARE(state.seq(), 1u);
    QCOMPARE(state.size(), 1);
}

void TestKeyValueState::globSemantics_data()
{
    QTest::addColumn<QString>("pattern");
    QTest::addColumn<QString>("key");
    QTest::addColumn<bool>("critical");

    QTest::newRow("star suffix") << u"session/*"_s << u"session/abc"_s << true;
    QTest::newRow("star crosses slash") << u"session/*"_s << u"session/a/b/c"_s << true;
    QTest::newRow("star matches empty") << u"session/*"_s << u"session/"_s << true;
    QTest::newRow("star needs the prefix") << u"session/*"_s << u"session"_s << false;
    QTest::newRow("star elsewhere") << u"session/*"_s << u"xsession/a"_s << false;
    QTest::newRow("star inside") << u"a*z"_s << u"a/b/z"_s << true;
    QTest::newRow("star inside, wrong end") << u"a*z"_s << u"a/b/zz/y"_s << false;
    QTest::newRow("lone star") << u"*"_s << u"anything/at/all"_s << true;
    QTest::newRow("question one char") << u"cart.?"_s << u"cart.1"_s << true;
    QTest::newRow("question not two") << u"cart.?"_s << u"cart.12"_s << false;
    QTest::newRow("question not zero") << u"cart.?"_s << u"cart."_s << false;
    QTest::newRow("question matches slash") << u"a?b"_s << u"a/b"_s << true;
    QTest::newRow("literal is anchored") << u"abc"_s << u"abc"_s << true;
    QTest::newRow("no prefix match") << u"abc"_s << u"abcd"_s << false;
    QTest::newRow("no suffix match") << u"abc"_s << u"xabc"_s << false;
    QTest::newRow("dot literal") << u"a.b*"_s << u"axb"_s << false;
    QTest::newRow("dot literal, match") << u"a.b*"_s << u"a.bc"_s << true;
    QTest::newRow("plus literal") << u"a+b"_s << u"aab"_s << false;
    QTest::newRow("plus literal, match") << u"a+b"_s << u"a+b"_s << true;
    QTest::newRow("brackets literal") << u"[ab]"_s << u"a"_s << false;
    QTest::newRow("brackets literal, match") << u"[ab]"_s << u"[ab]"_s << true;
    QTest::newRow("parens literal") << u"(x)"_s << u"x"_s << false;
    QTest::newRow("alternation literal") << u"a|b"_s << u"a"_s << false;
    QTest::newRow("alternation literal, match") << u"a|b"_s << u"a|b"_s << true;
    QTest::newRow("anchors literal") << u"^a$"_s << u"a"_s << false;
    QTest::newRow("anchors literal, match") << u"^a$"_s << u"^a$"_s << true;
    QTest::newRow("backslash literal") << u"a\\d"_s << u"a1"_s << false;
    QTest::newRow("backslash literal, match") << u"a\\d"_s << u"a\\d"_s << true;
    QTest::newRow("braces literal") << u"a{2}"_s << u"aa"_s << false;
    QTest::newRow("braces literal, match") << u"a{2}"_s << u"a{2}"_s << true;
    QTest::newRow("star crosses newline") << u"a*"_s << u"a\nb"_s << true;
    QTest::newRow("question matches newline") << u"a?b"_s << u"a\nb"_s << true;
    QTest::newRow("cyrillic") << u"ключ/*"_s << u"ключ/x"_s << true;
    QTest::newRow("emoji literal") << u"😀/*"_s << u"😀/x"_s << true;
    QTest::newRow("emoji literal, no match") << u"😀/*"_s << u"😁/x"_s << false;
    QTest::newRow("question matches one code point") << u"x?"_s << u"x😀"_s << true;
}

void TestKeyValueState::globSemantics()
{
    QFETCH(QString, pattern);
    QFETCH(QString, key);
    QFETCH(bool, critical);

    KeyValueState state;
    const auto set = state.setCriticalPatterns({pattern});
    QVERIFY2(set.has_value(), describe(set).constData());
    QCOMPARE(state.criticalPatterns(), QStringList{pattern});
    QCOMPARE(state.isCritical(key), critical);

    // The critical digest follows the same rule.
    QVERIFY(state.apply(putDelta(1, key, "v")).has_value());
    QCOMPARE(state.criticalDigest() == state.digest(), critical);
    QCOMPARE(state.criticalDigest() == StateDigest(), !critical);
}

void TestKeyValueState::invalidPatternRefused()
{
    KeyValueState state;
    QVERIFY(state.setCriticalPatterns({u"a*"_s}).has_value());
    applyHistory(state, {u"a1=x"_s, u"b=y"_s});
    const StateDigest critical = state.criticalDigest();

    const auto status = state.setCriticalPatterns({u"b*"_s, QString()});
    QVERIFY(!status.has_value());
    QCOMPARE(status.error().code, ErrorCode::InvalidArgument);
    QCOMPARE(state.criticalPatterns(), QStringList{u"a*"_s});
    QCOMPARE(state.criticalDigest(), critical);
    QVERIFY(state.isCritical(u"a1"_s));
    QVERIFY(!state.isCritical(u"b"_s));
}

void TestKeyValueState::criticalDigestIsDigestOfCriticalKeys_data()
{
    QTest::addColumn<QStringList>("patterns");
    QTest::addColumn<QStringList>("criticalKeys");

    QTest::newRow("none") << QStringList{} << QStringList{};
    QTest::newRow("sessions") << QStringList{u"session/*"_s} << QStringList{u"session/1"_s, u"session/2/x"_s};
    QTest::newRow("two patterns") << QStringList{u"session/*"_s, u"cart.?"_s}
                                  << QStringList{u"session/1"_s, u"session/2/x"_s, u"cart.1"_s};
    QTest::newRow("overlapping patterns") << QStringList{u"session/*"_s, u"session/1"_s, u"*/x"_s}
                                          << QStringList{u"session/1"_s, u"session/2/x"_s, u"other/x"_s};
    QTest::newRow("everything") << QStringList{
        u"*"_s} << QStringList{u"session/1"_s, u"session/2/x"_s, u"cart.1"_s, u"cart.12"_s, u"other/x"_s, u"plain"_s};
}

void TestKeyValueState::criticalDigestIsDigestOfCriticalKeys()
{
    QFETCH(QStringList, patterns);
    QFETCH(QStringList, criticalKeys);
    const QStringList history{u"session/1=a"_s,
                              u"session/2/x=b"_s,
                              u"cart.1=c"_s,
                              u"cart.12=d"_s,
                              u"other/x=e"_s,
                              u"plain=f"_s,
                              u"deleted=g"_s,
                              u"session/1=a2"_s,
                              u"-deleted"_s,
                              u"session/3=h"_s,
                              u"-session/3"_s};

    // Patterns set before the changes: the critical digest is maintained incrementally.
    KeyValueState state;
    QVERIFY(state.setCriticalPatterns(patterns).has_value());
    applyHistory(state, history);

    KeyValueState onlyCritical;
    QStringList onlyCriticalHistory;
    for (const QString &key : criticalKeys)
        onlyCriticalHistory << key + u'=' + QString::fromUtf8(*state.get(key));
    applyHistory(onlyCritical, onlyCriticalHistory);

    QCOMPARE(state.criticalDigest(), onlyCritical.digest());
    for (const QString &key : entriesOf(state).keys())
        QCOMPARE(state.isCritical(key), criticalKeys.contains(key));

    // Patterns set after the changes give the same result.
    KeyValueState late;
    applyHistory(late, history);
    QVERIFY(late.setCriticalPatterns(patterns).has_value());
    QCOMPARE(late.criticalDigest(), onlyCritical.digest());
    QCOMPARE(late.digest(), state.digest());
}

void TestKeyValueState::setCriticalPatternsRecomputes()
{
    KeyValueState state;
    applyHistory(state, {u"a1=x"_s, u"a2=y"_s, u"b1=z"_s});
    QCOMPARE(state.criticalDigest(), StateDigest());

    QVERIFY(state.setCriticalPatterns({u"a*"_s}).has_value());
    QCOMPARE(state.criticalDigest(), digestOf({{u"a1"_s, "x"}, {u"a2"_s, "y"}}));

    QVERIFY(state.setCriticalPatterns({u"b*"_s}).has_value());
    QCOMPARE(state.criticalDigest(), digestOf({{u"b1"_s, "z"}}));

    // Overwrites and deletes keep the critical flag of the current patterns.
    applyHistory(state, {u"b1=w"_s, u"a1=q"_s, u"b2=v"_s});
    QCOMPARE(state.criticalDigest(), digestOf({{u"b1"_s, "w"}, {u"b2"_s, "v"}}));
    applyHistory(state, {u"-b1"_s});
    QCOMPARE(state.criticalDigest(), digestOf({{u"b2"_s, "v"}}));

    QVERIFY(state.setCriticalPatterns({u"*"_s}).has_value());
    QCOMPARE(state.criticalDigest(), state.digest());

    QVERIFY(state.setCriticalPatterns({}).has_value());
    QCOMPARE(state.criticalDigest(), StateDigest());
    QVERIFY(!state.isCritical(u"a1"_s));
}

void TestKeyValueState::restoreRoundTrip()
{
    KeyValueState source;
    applyHistory(source, {u"a=1"_s, u"b=2"_s, u"c=3"_s, u"-b"_s});
    QVERIFY(source.apply(putDelta(5, u"d"_s, QByteArray(100, 'x'), 4)).has_value());
    const Snapshot snap = source.snapshot(u"shop"_s, 42);

    KeyValueState target;
    QVERIFY(target.setCriticalPatterns({u"a"_s, u"d"_s}).has_value());
    applyHistory(target, {u"old=1"_s, u"a=stale"_s, u"x=9"_s, u"y=8"_s, u"z=7"_s, u"w=6"_s});
    const auto status = target.restore(snap);
    QVERIFY2(status.has_value(), describe(status).constData());

    QCOMPARE(target.digest(), source.digest());
    QCOMPARE(entriesOf(target), entriesOf(source));
    QCOMPARE(target.seq(), 5u);
    QCOMPARE(target.epoch(), 4u);
    QCOMPARE(target.size(), 3);
    QCOMPARE(target.valueBytes(), source.valueBytes());
    QVERIFY(!target.contains(u"old"_s));
    // Patterns survive a restore and apply to the restored entries.
    QCOMPARE(target.criticalPatterns(), (QStringList{u"a"_s, u"d"_s}));
    QCOMPARE(target.criticalDigest(), digestOf({{u"a"_s, "1"}, {u"d"_s, QByteArray(100, 'x')}}));

    // Strict sequencing continues from the snapshot's position.
    QVERIFY(!target.apply(putDelta(5, u"e"_s, "x", 4)).has_value());
    QVERIFY(target.apply(putDelta(6, u"e"_s, "x", 4)).has_value());
    QVERIFY(source.apply(putDelta(6, u"e"_s, "x", 4)).has_value());
    QCOMPARE(target.digest(), source.digest());
}

void TestKeyValueState::restoreRefusesBadSnapshots_data()
{
    QTest::addColumn<int>("corruption");
    QTest::newRow("tampered value") << int(TamperedValue);
    QTest::newRow("extra entry") << int(ExtraEntry);
    QTest::newRow("missing entry") << int(MissingEntry);
    QTest::newRow("wrong digest") << int(WrongDigest);
    // Digest recomputed over the bad entries, so only the key check can catch these.
    QTest::newRow("duplicate key") << int(DuplicateKey);
    QTest::newRow("empty key") << int(EmptyKey);
}

void TestKeyValueState::restoreRefusesBadSnapshots()
{
    QFETCH(int, corruption);

    KeyValueState source;
    applyHistory(source, {u"a=1"_s, u"b=2"_s, u"c=3"_s});
    Snapshot snap = source.snapshot(u"shop"_s, 0);
    switch (corruption) {
    case TamperedValue:
        snap.entries[1].second += 'x';
        break;
    case ExtraEntry:
        snap.entries.append({u"d"_s, "4"});
        break;
    case MissingEntry:
        snap.entries.removeLast();
        break;
    case WrongDigest:
        snap.digest.add(StateDigest::EntryHash{0, 1});
        break;
    case DuplicateKey:
        snap.entries.append(snap.entries.first());
        snap.digest = snap.computeDigest();
        break;
    case EmptyKey:
        snap.entries.append({QString(), "v"});
        snap.digest = snap.computeDigest();
        break;
    }

    KeyValueState target;
    QVERIFY(target.setCriticalPatterns({u"*"_s}).has_value());
    applyHistory(target, {u"mine=1"_s, u"other=2"_s});
    const auto entriesBefore = entriesOf(target);
    const StateDigest digestBefore = target.digest();

    const auto status = target.restore(snap);
    QVERIFY(!status.has_value());
    QCOMPARE(status.error().code, ErrorCode::Corruption);
    QVERIFY2(status.error().message.contains(u"shop"_s), qPrintable(status.error().message));
    QCOMPARE(entriesOf(target), entriesBefore);
    QCOMPARE(target.digest(), digestBefore);
    QCOMPARE(target.criticalDigest(), digestBefore);
    QCOMPARE(target.seq(), 2u);
    QCOMPARE(target.epoch(), 1u);
    QCOMPARE(target.valueBytes(), 2);
}

void TestKeyValueState::criticalSnapshotRestoresToCriticalDigest()
{
    KeyValueState primary;
    QVERIFY(primary.setCriticalPatterns({u"session/*"_s}).has_value());
    applyHistory(primary, {u"session/1=a"_s, u"cache/1=b"_s, u"session/2=c"_s, u"-session/1"_s, u"session/3=d"_s});
    const Snapshot critical = primary.criticalSnapshot(u"shop"_s, 7);
    QCOMPARE(critical.entries.size(), 2);
    QCOMPARE(critical.digest, primary.criticalDigest());
    QCOMPARE(critical.computeDigest(), critical.digest);
    QCOMPARE(critical.seq, primary.seq());
    QCOMPARE(critical.epoch, primary.epoch());
    QVERIFY(critical.digest != primary.digest());

    KeyValueState warm(KeyValueState::Sequencing::AllowGaps);
    QVERIFY(warm.restore(critical).has_value());
    QCOMPARE(warm.digest(), primary.criticalDigest());
    QCOMPARE(warm.seq(), primary.seq());
    QVERIFY(!warm.contains(u"cache/1"_s));
    QCOMPARE(warm.get(u"session/3"_s), std::optional<QByteArray>("d"));

    KeyValueState warmWithPatterns(KeyValueState::Sequencing::AllowGaps);
    QVERIFY(warmWithPatterns.setCriticalPatterns({u"session/*"_s}).has_value());
    QVERIFY(warmWithPatterns.restore(critical).has_value());
    QCOMPARE(warmWithPatterns.criticalDigest(), primary.criticalDigest());
    QCOMPARE(warmWithPatterns.digest(), primary.criticalDigest());
}

void TestKeyValueState::randomizedHistoriesAgree()
{
    QRandomGenerator rng(20240611);
    KeyValueState state;
    QVERIFY(state.setCriticalPatterns({u"k1*"_s, u"s/?"_s}).has_value());
    QMap<QString, QByteArray> model;
    QStringList keys;
    for (int i = 0; i < 40; ++i)
        keys << u"k%1"_s.arg(i);
    for (int i = 0; i < 10; ++i)
        keys << u"s/%1"_s.arg(i);
    QCOMPARE(keys.size(), 50);

    std::uint64_t epoch = 1;
    for (std::uint64_t seq = 1; seq <= 2000; ++seq) {
        const QString key = keys[rng.bounded(int(keys.size()))];
        if (rng.bounded(10) == 0)
            ++epoch;
        StateDelta delta;
        if (rng.bounded(100) < 30) {
            delta = deleteDelta(seq, key, epoch);
            model.remove(key);
        } else {
            QByteArray value(rng.bounded(17), Qt::Uninitialized);
            for (char &c : value)
                c = char(rng.bounded(256));
            delta = putDelta(seq, key, value, epoch);
            model.insert(key, value);
        }
        const auto status = state.apply(delta);
        QVERIFY2(status.has_value(), describe(status).constData());
        QCOMPARE(state.digest(), digestOf(model));
    }

    QCOMPARE(entriesOf(state), model);
    QCOMPARE(state.size(), model.size());
    qsizetype bytes = 0;
    QMap<QString, QByteArray> criticalModel;
    for (auto it = model.cbegin(); it != model.cend(); ++it) {
        bytes += it.value().size();
        if (it.key().startsWith(u"k1"_s) || it.key().startsWith(u"s/"_s))
            criticalModel.insert(it.key(), it.value());
    }
    QCOMPARE(state.valueBytes(), bytes);
    QCOMPARE(state.criticalDigest(), digestOf(criticalModel));

    const Snapshot snap = state.snapshot(u"app"_s, 0);
    QCOMPARE(snap.computeDigest(), snap.digest);
    KeyValueState restored;
    QVERIFY(restored.setCriticalPatterns({u"k1*"_s, u"s/?"_s}).has_value());
    QVERIFY(restored.restore(snap).has_value());
    QCOMPARE(restored.digest(), state.digest());
    QCOMPARE(restored.criticalDigest(), state.criticalDigest());
    QCOMPARE(restored.seq(), 2000u);
    QCOMPARE(restored.epoch(), epoch);
    for (const QString &key : keys)
        QCOMPARE(restored.get(key), state.get(key));

    // A third history: the final entries put in reverse key order.
    KeyValueState reversed;
    std::uint64_t seq = 0;
    const QStringList finalKeys = model.keys();
    for (auto it = finalKeys.crbegin(); it != finalKeys.crend(); ++it)
        QVERIFY(reversed.apply(putDelta(++seq, *it, model.value(*it))).has_value());
    QCOMPARE(reversed.digest(), state.digest());
    QCOMPARE(StateDigest().toHex() == state.digest().toHex(), model.isEmpty());
}

void TestKeyValueState::digestHexRoundTrip()
{
    QRandomGenerator rng(7);
    QSet<QString> seen;
    StateDigest digest;
    for (int i = 0; i < 200; ++i) {
        QByteArray value(8, Qt::Uninitialized);
        for (char &c : value)
            c = char(rng.bounded(256));
        digest.add(StateDigest::hashEntry(u"k%1"_s.arg(i), value));
        const QString hex = digest.toHex();
        QCOMPARE(hex.size(), 32);
        QCOMPARE(hex, hex.toLower());
        StateDigest parsed;
        QVERIFY(StateDigest::fromHex(hex, &parsed));
        QCOMPARE(parsed, digest);
        QCOMPARE(parsed.toHex(), hex);
        seen.insert(hex);
    }
    QCOMPARE(seen.size(), 200);

    StateDigest lanes;
    lanes.add(StateDigest::EntryHash{0x0123456789abcdefULL, 0xfedcba9876543210ULL});
    QCOMPARE(lanes.toHex(), u"0123456789abcdeffedcba9876543210"_s);
    lanes.remove(StateDigest::EntryHash{0x0123456789abcdefULL, 0xfedcba9876543211ULL});
    // Lanes wrap modulo 2^64.
    QCOMPARE(lanes.toHex(), u"0000000000000000ffffffffffffffff"_s);
}

void TestKeyValueState::digestFromHexRejectsBadInput_data()
{
    QTest::addColumn<QString>("hex");
    QTest::newRow("empty") << QString();
    QTest::newRow("31 digits") << u"0123456789abcdef0123456789abcde"_s;
    QTest::newRow("33 digits") << u"0123456789abcdef0123456789abcdef0"_s;
    QTest::newRow("64 digits") << u"0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"_s;
    QTest::newRow("non-hex letter") << u"0123456789abcdef0123456789abcdeg"_s;
    QTest::newRow("upper case") << u"0123456789ABCDEF0123456789abcdef"_s;
    QTest::newRow("0x prefix") << u"0x23456789abcdef0123456789abcdef"_s;
    QTest::newRow("space") << u"0123456789abcdef 123456789abcdef"_s;
    QTest::newRow("minus") << u"-123456789abcdef0123456789abcdef"_s;
    QTest::newRow("arabic-indic digit") << u"٣123456789abcdef0123456789abcdef"_s;
    QTest::newRow("fullwidth digit") << u"０123456789abcdef0123456789abcdef"_s;
}

void TestKeyValueState::digestFromHexRejectsBadInput()
{
    QFETCH(QString, hex);
    StateDigest out;
    out.add(StateDigest::EntryHash{1, 2});
    const StateDigest before = out;
    QVERIFY(!StateDigest::fromHex(hex, &out));
    QCOMPARE(out, before);
}

// The per-class key counts and value bytes (the staleness partitions' "how much critical state")
// match a recount after puts, overwrites, deletes, a restore and a new classifier.
void TestKeyValueState::keyClassTalliesFollowEveryChange()
{
    KeyValueState state;
    applyHistory(state, {u"a/1=xx"_s, u"b/1=yyy"_s});
    QCOMPARE(state.classTally(0).keys, 2); // no classifier: every key class 0
    QCOMPARE(state.classTally(0).valueBytes, 5);

    state.setKeyClassifier([](const QString &key) { return key.startsWith(u"a/") ? 3 : 1; });
    QCOMPARE(state.classTally(3).keys, 1);
    QCOMPARE(state.classTally(3).valueBytes, 2);
    QCOMPARE(state.classTally(1).keys, 1);
    QCOMPARE(state.classTally(0).keys, 0);

    applyHistory(state, {u"a/2=1234"_s});
    QCOMPARE(state.lastKeyClass(), 3);
    applyHistory(state, {u"a/1=x"_s}); // an overwrite moves the bytes, not the count
    QCOMPARE(state.classTally(3).keys, 2);
    QCOMPARE(state.classTally(3).valueBytes, 5);
    applyHistory(state, {u"-b/1"_s});
    QCOMPARE(state.lastKeyClass(), 1);
    QCOMPARE(state.classTally(1).keys, 0);
    QCOMPARE(state.classTally(1).valueBytes, 0);
    QCOMPARE(state.keyClassOf(u"a/2"_s), std::optional<int>(3));
    QCOMPARE(state.keyClassOf(u"b/1"_s), std::nullopt);

    // Out-of-range classes are clamped into the table, not written past it.
    state.setKeyClassifier([](const QString &) { return 99; });
    QCOMPARE(state.classTally(KeyValueState::kMaxKeyClasses - 1).keys, 2);

    state.setKeyClassifier([](const QString &key) { return key.endsWith(u'2') ? 2 : 0; });
    KeyValueState copy;
    copy.setKeyClassifier([](const QString &key) { return key.endsWith(u'2') ? 2 : 0; });
    QVERIFY(copy.restore(state.snapshot(u"app"_s, 0)));
    QCOMPARE(copy.classTally(2).keys, 1);
    QCOMPARE(copy.classTally(2).valueBytes, 4);
    QCOMPARE(copy.classTally(0).valueBytes, 1);
    copy.clear();
    QCOMPARE(copy.classTally(2).keys, 0);
}

QTEST_GUILESS_MAIN(TestKeyValueState)
#include "tst_keyvaluestate.moc"
