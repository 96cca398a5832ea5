#pragma once

// What both sides of `foresight-bench failover` share: the writer's log of acknowledged writes
// (which the rounds read to time each failover and the end reads back to count losses), a
// steady-rate pacer, the keys and values written, and what one side's run produced.

#include <chrono>
#include <cstdint>
#include <mutex>
#include <optional>

#include <QByteArray>
#include <QList>
#include <QString>
#include <QStringList>

namespace foresight::bench {

using FailoverClock = std::chrono::steady_clock;

// What a run of failover rounds asks for. Both sides get the same spec, so the same load.
struct FailoverSpec
{
    int rounds = 50;
    int writesPerSecond = 1000; // one writer, paced: a steady load, not a saturating one
    int valueBytes = 100;
    int calibrationMs = 5000; // Sentinel: load per down-after-milliseconds step without a kill
    int settleMs = 1000;      // steady acknowledged writes on the current primary before each kill

    // Acknowledged writes in a row that make settleMs at the paced rate.
    qint64 settleWrites() const { return qMax<qint64>(1, qint64(settleMs) * writesPerSecond / 1000); }
};

// What one side measured. failoverUs has one entry per completed round: from just before the
// kill -9 to the first write acknowledged by the new primary, on the monotonic clock.
struct FailoverOutcome
{
    QString setup; // how the side was configured, for the case name
    int roundsPlanned = 0;
    QList<qint64> failoverUs;
    qint64 durableWrites = 0;         // acknowledged as each side defines it (see the .cpp files)
    qint64 failedWrites = 0;          // attempts that ended in an error or without the acknowledgement
    qint64 writerMs = 0;              // how long the writer ran (the load's achieved rate is writes / time)
    std::optional<qint64> lostWrites; // durable writes missing or different at the end; nullopt: not read back
    QString stopped;                  // empty when every round ran; otherwise the round and what went wrong
    QStringList notes;                // things a reader should know (spurious failovers, calibration)
};

// Keys are unique per write, so a lost write cannot hide behind a later one.
QString failoverKey(qint64 index);
QByteArray failoverValue(qint64 index, int bytes);

// Shared between one writer thread and the bench's thread; every method is thread-safe.
// A write's generation names the primary that took it: Foresight's epoch, or for Redis the port
// of the master that answered. The log keeps, besides the durable writes, every point where the
// generation changed, which is all the rounds need to time a failover.
class WriteLog final
{
public:
    // A write the primary accepted at `at`; durable when it carries the acknowledgement the
    // figure counts (Foresight: replicated to a hot replica; Redis: WAIT reported a replica).
    void accepted(qint64 index, std::uint64_t generation, bool durable, FailoverClock::time_point at);
    void failed(const QString &why);
    void fatal(const QString &why); // the writer stopped

    // When the first write accepted after `after` at a generation other than `old` came back.
    std::optional<FailoverClock::time_point> firstAcceptedAfter(FailoverClock::time_point after,
                                                                std::uint64_t old) const;
    // The generation of the latest accepted write and how many durable writes in a row it has
    // taken (0 when the writer has not written yet).
    std::uint64_t currentGeneration() const;
    qint64 durableRun() const;

    QList<qint64> durableIndexes() const;
    qint64 failedCount() const;
    QString lastFailure() const;
    QString fatalError() const;

private:
    struct Change
    {
        std::uint64_t generation = 0;
        FailoverClock::time_point at;
    };

    mutable std::mutex m_mutex; // guards every member below
    QList<Change> m_changes;
    QList<qint64> m_durable;
    qint64 m_durableRun = 0;
    qint64 m_failed = 0;
    QString m_lastFailure;
    QString m_fatal;
};

// Spaces calls at a fixed rate. After a call that took longer than the interval (a failover),
// it starts again from now instead of bursting to catch up: the load stays steady.
class Pacer final
{
public:
    explicit Pacer(int perSecond);
    void wait();

private:
    FailoverClock::duration m_interval;
    FailoverClock::time_point m_next;
};

} // namespace foresight::bench
