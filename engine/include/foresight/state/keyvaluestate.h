#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <optional>

#include <QByteArray>
#include <QHash>
#include <QList>
#include <QRegularExpression>
#include <QString>
#include <QStringList>

#include "foresight/core/result.h"
#include "foresight/state/snapshot.h"
#include "foresight/state/statedelta.h"
#include "foresight/state/statedigest.h"

namespace foresight::state {

// An application's versioned key-value state with an incremental digest. Also keeps a second
// digest over the "critical" keys (those matching the application's glob patterns), which is
// what a warm replica holds, so a warm replica can be checked against its primary.
// Not thread-safe: owned by one thread.
class KeyValueState
{
public:
    // Strict: deltas must arrive with seq == this->seq() + 1 (primary, hot replica).
    // AllowGaps: seq must only increase (warm replica, which receives critical keys only).
    enum class Sequencing { Strict, AllowGaps };

    explicit KeyValueState(Sequencing sequencing = Sequencing::Strict)
        : m_sequencing(sequencing)
    {}

    void setSequencing(Sequencing sequencing) { m_sequencing = sequencing; }
    Sequencing sequencing() const { return m_sequencing; }

    // Applies one delta. Refuses out-of-order sequence numbers and deltas from an older epoch
    // than the last one applied, leaving the state unchanged.
    Status apply(const StateDelta &delta);
    // A warm replica's scheduled change (docs/protocol.md 8.11): a key outside the critical
    // patterns, sent when the primary's scheduler chose its partition, so its seq may be below
    // the position, which it does not move (the position is the critical stream's). The primary
    // never reorders one key's changes. Refuses a critical key (it comes in order, in `deltas`)
    // and an empty key, changing nothing.
    Status applyScheduled(const StateDelta &delta);
    // Forgets every key outside the critical patterns: a warm replica's scheduled keys, before
    // the primary sends them all again. The position stays.
    void dropNonCritical();
    // Moves the position forward without a change (a warm replica told the stream is at seq).
    Status advanceTo(std::uint64_t seq, std::uint64_t epoch);

    std::optional<QByteArray> get(const QString &key) const;
    bool contains(const QString &key) const { return m_entries.contains(key); }
    qsizetype size() const { return m_entries.size(); }
    qsizetype valueBytes() const { return m_valueBytes; }

    std::uint64_t seq() const { return m_seq; }
    std::uint64_t epoch() const { return m_epoch; }
    const StateDigest &digest() const { return m_digest; }
    const StateDigest &criticalDigest() const { return m_criticalDigest; }

    // Glob patterns ("session/*", "cart.?"); an empty list means no key is critical.
    // Recomputes the critical digest: O(n), meant for configuration changes.
    Status setCriticalPatterns(const QStringList &patterns);
    const QStringList &criticalPatterns() const { return m_patterns; }
    bool isCritical(const QString &key) const;

    // Key classes: an owner-supplied function puts every key in one of up to kMaxKeyClasses
    // classes (the staleness partitions' impact classes), evaluated once when a key is added,
    // like criticality, and the state keeps each class's key count and value bytes as it
    // changes, so that "how much critical state" needs no scan. Setting it classifies every
    // key: O(n), meant for configuration changes. Without one every key is class 0.
    static constexpr int kMaxKeyClasses = 8;
    using KeyClassifier = std::function<int(const QString &key)>; // 0 .. classes-1
    struct ClassTally
    {
        qsizetype keys = 0;
        qsizetype valueBytes = 0;
    };
    void setKeyClassifier(KeyClassifier classifier);
    ClassTally classTally(int keyClass) const { return m_tallies[std::size_t(keyClass)]; }
    // The class of the key the last successful apply() put or deleted (0 without a classifier,
    // or when it deleted a key that was not there): what the write path needs next, without a
    // second lookup.
    int lastKeyClass() const { return m_lastKeyClass; }
    // The class of a key held; nullopt when the state does not hold it.
    std::optional<int> keyClassOf(const QString &key) const;

    Snapshot snapshot(const QString &app, std::int64_t takenAtMs) const;
    // Critical entries only, with the critical digest: what a warm replica needs.
    Snapshot criticalSnapshot(const QString &app, std::int64_t takenAtMs) const;
    // Replaces the whole state. Refuses a snapshot whose entries do not match its digest.
    Status restore(const Snapshot &snapshot);
    void clear();

private:
    struct Entry
    {
        QByteArray value;
        StateDigest::EntryHash hash;
        bool critical = false;
        std::uint8_t keyClass = 0;
    };

    int classify(const QString &key) const;
    // The change itself, without the position: apply() and applyScheduled().
    void change(const StateDelta &delta);

    // Takes an entry out of the digests and the value byte count, before it is replaced or erased.
    void forget(const Entry &entry);

    Sequencing m_sequencing;
    QHash<QString, Entry> m_entries;
    QStringList m_patterns;
    QList<QRegularExpression> m_patternRegexes;
    StateDigest m_digest;
    StateDigest m_criticalDigest;
    std::uint64_t m_seq = 0;
    std::uint64_t m_epoch = 0;
    qsizetype m_valueBytes = 0;
    KeyClassifier m_classifier;
    std::array<ClassTally, kMaxKeyClasses> m_tallies{};
    int m_lastKeyClass = 0;
};

} // namespace foresight::state
