#include "foresight/state/keyvaluestate.h"

#include <algorithm>

#include <QSet>

#include "foresight/core/keyglob.h"

namespace foresight::state {

Status KeyValueState::apply(const StateDelta &delta)
{
    const bool inOrder = m_sequencing == Sequencing::Strict ? delta.seq == m_seq + 1 : delta.seq > m_seq;
    if (!inOrder) {
        return fail(ErrorCode::InvalidArgument,
                    QStringLiteral("delta %1 does not follow sequence %2").arg(delta.seq).arg(m_seq));
    }
    if (delta.epoch < m_epoch) {
        return fail(ErrorCode::StaleEpoch,
                    QStringLiteral("delta %1 has epoch %2, state is at epoch %3")
                        .arg(delta.seq)
                        .arg(delta.epoch)
                        .arg(m_epoch));
    }
    if (delta.key.isEmpty())
        return fail(ErrorCode::InvalidArgument, QStringLiteral("delta %1 has an empty key").arg(delta.seq));

    change(delta);
    m_seq = delta.seq;
    m_epoch = delta.epoch;
    return {};
}

void KeyValueState::change(const StateDelta &delta)
{
    if (delta.op == DeltaOp::Put) {
        // One hash lookup finds the entry or makes an empty one: a put is on every write's path.
        const qsizetype sizeBefore = m_entries.size();
        Entry &entry = m_entries[delta.key];
        const bool existed = m_entries.size() == sizeBefore;
        if (existed)
            forget(entry);
        entry.value = delta.value;
        entry.hash = StateDigest::hashEntry(delta.key, delta.value);
        if (!existed) {
            entry.critical = isCritical(delta.key);
            entry.keyClass = std::uint8_t(classify(delta.key));
            ++m_tallies[entry.keyClass].keys;
        }
        m_digest.add(entry.hash);
        if (entry.critical)
            m_criticalDigest.add(entry.hash);
        m_valueBytes += entry.value.size();
        m_tallies[entry.keyClass].valueBytes += entry.value.size();
        m_lastKeyClass = entry.keyClass;
    } else if (const auto it = m_entries.find(delta.key); it != m_entries.end()) {
        forget(*it);
        m_lastKeyClass = it->keyClass;
        --m_tallies[it->keyClass].keys;
        m_entries.erase(it);
    } else {
        m_lastKeyClass = 0;
    }
}

Status KeyValueState::applyScheduled(const StateDelta &delta)
{
    if (delta.key.isEmpty())
        return fail(ErrorCode::InvalidArgument, QStringLiteral("delta %1 has an empty key").arg(delta.seq));
    if (isCritical(delta.key))
        return fail(ErrorCode::InvalidArgument,
                    QStringLiteral("scheduled delta %1 changes the critical key '%2'").arg(delta.seq).arg(delta.key));
    change(delta);
    return {};
}

void KeyValueState::dropNonCritical()
{
    for (auto it = m_entries.begin(); it != m_entries.end();) {
        if (it->critical) {
            ++it;
            continue;
        }
        forget(*it);
        --m_tallies[it->keyClass].keys;
        it = m_entries.erase(it);
    }
}

void KeyValueState::forget(const Entry &entry)
{
    m_digest.remove(entry.hash);
    if (entry.critical)
        m_criticalDigest.remove(entry.hash);
    m_valueBytes -= entry.value.size();
    m_tallies[entry.keyClass].valueBytes -= entry.value.size();
}

int KeyValueState::classify(const QString &key) const
{
    if (!m_classifier)
        return 0;
    return std::clamp(m_classifier(key), 0, kMaxKeyClasses - 1);
}

void KeyValueState::setKeyClassifier(KeyClassifier classifier)
{
    m_classifier = std::move(classifier);
    m_tallies = {};
    for (auto it = m_entries.begin(); it != m_entries.end(); ++it) {
        it->keyClass = std::uint8_t(classify(it.key()));
        ++m_tallies[it->keyClass].keys;
        m_tallies[it->keyClass].valueBytes += it->value.size();
    }
}

std::optional<int> KeyValueState::keyClassOf(const QString &key) const
{
    const auto it = m_entries.constFind(key);
    if (it == m_entries.cend())
        return std::nullopt;
    return it->keyClass;
}

Status KeyValueState::advanceTo(std::uint64_t seq, std::uint64_t epoch)
{
    if (seq < m_seq || epoch < m_epoch) {
        return fail(ErrorCode::InvalidArgument,
                    QStringLiteral("cannot move from sequence %1 epoch %2 back to sequence %3 epoch %4")
                        .arg(m_seq)
                        .arg(m_epoch)
                        .arg(seq)
                        .arg(epoch));
    }
    if (m_sequencing == Sequencing::Strict && seq != m_seq)
        return fail(ErrorCode::InvalidArgument, QStringLiteral("a strictly sequenced state cannot skip deltas"));
    m_seq = seq;
    m_epoch = epoch;
    return {};
}

std::optional<QByteArray> KeyValueState::get(const QString &key) const
{
    const auto it = m_entries.constFind(key);
    if (it == m_entries.cend())
        return std::nullopt;
    return it->value;
}

Status KeyValueState::setCriticalPatterns(const QStringList &patterns)
{
    QList<QRegularExpression> regexes;
    for (const QString &pattern : patterns) {
        const QRegularExpression re = keyGlobRegex(pattern);
        if (pattern.isEmpty() || !re.isValid())
            return fail(ErrorCode::InvalidArgument, QStringLiteral("invalid critical-key pattern '%1'").arg(pattern));
        regexes.append(re);
    }
    m_patterns = patterns;
    m_patternRegexes = regexes;
    m_criticalDigest = StateDigest();
    for (auto it = m_entries.begin(); it != m_entries.end(); ++it) {
        it->critical = isCritical(it.key());
        if (it->critical)
            m_criticalDigest.add(it->hash);
    }
    return {};
}

bool KeyValueState::isCritical(const QString &key) const
{
    for (const QRegularExpression &re : m_patternRegexes) {
        if (re.match(key).hasMatch())
            return true;
    }
    return false;
}

Snapshot KeyValueState::snapshot(const QString &app, std::int64_t takenAtMs) const
{
    Snapshot snap{app, m_epoch, m_seq, m_digest, takenAtMs, {}};
    snap.entries.reserve(m_entries.size());
    for (auto it = m_entries.cbegin(); it != m_entries.cend(); ++it)
        snap.entries.append({it.key(), it->value});
    return snap;
}

Snapshot KeyValueState::criticalSnapshot(const QString &app, std::int64_t takenAtMs) const
{
    Snapshot snap{app, m_epoch, m_seq, m_criticalDigest, takenAtMs, {}};
    for (auto it = m_entries.cbegin(); it != m_entries.cend(); ++it) {
        if (it->critical)
            snap.entries.append({it.key(), it->value});
    }
    return snap;
}

Status KeyValueState::restore(const Snapshot &snapshot)
{
    if (snapshot.computeDigest() != snapshot.digest) {
        return fail(ErrorCode::Corruption,
                    QStringLiteral("snapshot of '%1' at sequence %2 does not match its digest %3")
                        .arg(snapshot.app)
                        .arg(snapshot.seq)
                        .arg(snapshot.digest.toHex()));
    }
    QSet<QString> seen;
    for (const auto &entry : snapshot.entries) {
        if (entry.first.isEmpty() || seen.contains(entry.first)) {
            return fail(ErrorCode::Corruption,
                        QStringLiteral("snapshot of '%1' has an empty or repeated key").arg(snapshot.app));
        }
        seen.insert(entry.first);
    }
    clear();
    for (const auto &[key, value] : snapshot.entries) {
        Entry entry{value, StateDigest::hashEntry(key, value), isCritical(key), std::uint8_t(classify(key))};
        ++m_tallies[entry.keyClass].keys;
        m_tallies[entry.keyClass].valueBytes += value.size();
        m_digest.add(entry.hash);
        if (entry.critical)
            m_criticalDigest.add(entry.hash);
        m_valueBytes += value.size();
        m_entries.insert(key, std::move(entry));
    }
    m_seq = snapshot.seq;
    m_epoch = snapshot.epoch;
    return {};
}

void KeyValueState::clear()
{
    m_entries.clear();
    m_digest = StateDigest();
    m_criticalDigest = StateDigest();
    m_seq = 0;
    m_epoch = 0;
    m_valueBytes = 0;
    m_tallies = {};
}

} // namespace foresight::state
