#pragma once

#include <QList>
#include <QString>
#include <QStringList>

#include "foresight/core/result.h"

namespace foresight::sim {

// A training scenario (issue 6): faults scripted over time against a demo cluster, objectives the
// trainee is scored on, and a difficulty. Written by people in a small line-based format, so that
// every mistake can be named by its line:
//
//   # comments and blank lines are ignored
//   name: Primary crash under load          required, once
//   difficulty: 1                           required, 1 (easiest) .. 5
//   duration: 2m                            required: how long the scenario runs
//   app: shop                               the application faults and objectives refer to
//   description: The primary dies ...       optional, may repeat: lines are joined
//   objective restore-within 30s [points 40]
//   objective no-acked-write-lost [points 30]
//   objective no-corrupt-promotion [points 30]
//   objective moved-before-crash [points 40]
//   at 10s crash primary
//   at 40s freeze bravo for 5s
//   at 60s degrade charlie memory-leak for 90s
//   at 70s partition alpha bravo for 20s
//   at 80s corrupt warm-replica
//   at 20s slow primary warm-replica 24000 latency 25ms for 2m
//
// Times are a number with a unit: ms, s, m (10s, 1500ms, 2m). A target is an agent's name or a
// role resolved when the fault fires: primary, hot-replica, warm-replica, cold-replica (the first
// replica of that tier, by name). Faults: crash (kill -9), freeze (the process stops, for a
// duration, default until the end), degrade (the host's metrics worsen the way real failures
// begin: memory-leak, disk-errors, latency-creep, cpu-saturation), partition (no traffic between
// two targets), corrupt (a replica's state is silently altered), slow (the link between two
// targets carries at most so many bytes per second each way, optionally with a one-way latency,
// then is what it was before). Points default to an equal share of 100 among the objectives that
// set none.
enum class FaultKind { Crash, Freeze, Degrade, Partition, Corrupt, Slow };
QString faultKindName(FaultKind kind);

enum class Degradation { MemoryLeak, DiskErrors, LatencyCreep, CpuSaturation };
QString degradationName(Degradation degradation);

struct ScenarioFault
{
    qint64 atMs = 0; // from the scenario's start
    FaultKind kind = FaultKind::Crash;
    QString target; // an agent's name or a role (see above)
    QString peer;   // partition, slow: the other side
    Degradation degradation = Degradation::MemoryLeak;
    qint64 durationMs = 0;           // freeze, degrade, partition, slow: how long; 0 until the scenario ends
    qint64 bandwidthBytesPerSec = 0; // slow: each direction, > 0
    qint64 latencyMs = -1;           // slow: one way; -1 keeps the link's latency
    int line = 0;                    // where it was written
};

enum class ObjectiveKind {
    RestoreWithin,      // every interruption of service ends within withinMs of its fault
    NoAckedWriteLost,   // not one acknowledged write is missing at the end
    NoCorruptPromotion, // no replica whose state was corrupted is ever promoted
    MovedBeforeCrash,   // every crashed host had lost its primaries to a switchover or swap first
};
QString objectiveKindName(ObjectiveKind kind);

struct ScenarioObjective
{
    ObjectiveKind kind = ObjectiveKind::RestoreWithin;
    qint64 withinMs = 0; // restore-within
    int points = 0;      // after parsing: explicit or the equal share
    int line = 0;
};

struct Scenario
{
    QString name;
    QString description;
    int difficulty = 1;
    qint64 durationMs = 0;
    QString app;
    QList<ScenarioFault> faults; // in time order
    QList<ScenarioObjective> objectives;

    // InvalidArgument "<source>:<line>: <what is wrong>" for the first problem found.
    static Result<Scenario> parse(const QByteArray &text, const QString &sourceName);
    // NotFound or IoError naming the file; otherwise as parse().
    static Result<Scenario> fromFile(const QString &path);
};

// The role names a fault target may use.
QStringList scenarioRoles();

} // namespace foresight::sim
