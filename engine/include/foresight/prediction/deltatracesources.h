#pragma once

#include <cstdint>
#include <vector>

#include <QList>
#include <QString>
#include <QStringList>

#include "foresight/core/result.h"
#include "foresight/prediction/deltatrace.h"

namespace foresight::prediction {

// Application delta traces derived from real, public measurements (the shared datasets: NAB and
// SMD, see ../shared/datasets/README.md), so that what the Predictive State Engine is judged on
// moves the way real systems move. Nothing here is random: the same input gives the same trace.
//
// An application samples one or more real series (one row per sample time) and writes keys the
// way applications do, each by a rule:
//   Gauge     the series' value, written when it has moved by at least `threshold` from the
//             value last written (a deadband), so change times are irregular and data-driven.
//             Written at the first row too. Decimal text with `decimals` places.
//   Counter   a running total: each row adds max(value, 0) * multiplier; the total is written
//             (an integer, decimal text) once the not-yet-written part reaches `threshold`, the
//             way a batching exporter flushes. Written as "0" at the first row.
//   LastSeen  the row's timestamp in ms (decimal text), written whenever the key `follows` was
//             written in the same row: a "last updated" field.
//   Level     a non-numeric state: names[i] for the band the value is in, bands split at the
//             ascending `levels` (names has one more entry); the state moves up when the value
//             reaches a split and down only once it is `threshold` below it (hysteresis).
//             Written at the first row and on every state change.
// Keys are evaluated in rule order within a row (LastSeen rules after the others) and get
// consecutive seqs from 1, epoch 1, timestamp = the row's time.

struct SeriesKeyRule
{
    enum class Kind { Gauge, Counter, LastSeen, Level };
    Kind kind = Kind::Gauge;
    QString key;
    int series = 0;             // index into SeriesTable::series (not used by LastSeen)
    double threshold = 0.0;     // Gauge: deadband; Counter: flush size; Level: hysteresis
    double multiplier = 1.0;    // Counter
    int decimals = 2;           // Gauge
    QString follows;            // LastSeen
    std::vector<double> levels; // Level: ascending split points
    QStringList names;          // Level: levels.size() + 1 state names
};

struct SeriesTable
{
    std::vector<std::int64_t> timestampsMs;  // one per row, non-decreasing
    std::vector<std::vector<double>> series; // each as long as timestampsMs
};

// Derives one application's trace. InvalidArgument for a rule that names a missing series or
// key, or a Level rule whose names do not fit its levels.
Result<DeltaTrace> deriveDeltaTrace(const QString &application,
                                    const SeriesTable &table,
                                    const std::vector<SeriesKeyRule> &rules);

// The applications the `pse` benchmark evaluates, each from one real source (exact rules in
// deltatracesources.cpp and docs/benchmarks.md, section `pse`):
//   nab-machine-temperature  NAB realKnownCause/machine_temperature_system_failure.csv
//   nab-nyc-taxi             NAB realKnownCause/nyc_taxi.csv
//   nab-twitter-aapl         NAB realTweets/Twitter_volume_AAPL.csv
//   smd-machine-1-6          SMD machine-1-6, train split (1-minute rows; SMD has no dates, so
//                            its rows are placed 1 minute apart from 2020-01-01 00:00 UTC)
// NotFound naming the file when datasetsDir lacks one; Corruption from the readers.
Result<QList<DeltaTrace>> derivePseTraces(const QString &datasetsDir);

} // namespace foresight::prediction
