#pragma once

#include <optional>

#include <QString>
#include <QStringList>

namespace foresight::bench {

// Options every benchmark accepts on the command line.
struct BenchOptions
{
    int durationMs = 3000; // recorded window per case
    int warmupMs = 500;    // unrecorded lead-in per case
    bool quick = false;    // --quick: a short smoke run
    int rounds = 0;        // --rounds: for round-based benchmarks (failover); 0: their default
    // sync only: the link's bandwidth (0: the benchmark's default, a share of the workload's
    // mean write rate), and the workload file to write the recording to or to replay instead.
    double bandwidthBytesPerSecond = 0;
    QString recordPath;
    QString replayPath;
};

enum class Better { Higher, Lower };

// One measured figure, printed as one JSON object per line on stdout in the shape of
// docs/benchmarks.md and the design's Benchmarks rule:
//   {"bench":..,"case":..,"figure":..,"unit":..,"value":..,
//    "baseline":..,"baseline_value":..,"ratio":..,"target":..}
// `value` is null when Foresight's side could not run (a note line says why; never a made-up
// number). The baseline keys appear only when the baseline ran, and `ratio` only when both sides
// have a non-zero value; ratio > 1 always means Foresight is better. `target` is the ratio the
// issue asks for or, on a line without a baseline, the value it asks for.
struct Figure
{
    QString bench;
    QString caseName;
    QString figure;
    QString unit;
    Better better = Better::Higher;
    int decimals = 1; // for value and baseline_value
    std::optional<double> value;
    QString baseline; // empty: no baseline on this line
    std::optional<double> baselineValue;
    std::optional<double> target;
};

std::optional<double> ratioOf(const Figure &figure);
QString toJsonLine(const Figure &figure);
void printFigure(const Figure &figure);

// {"bench":..,"case":..,"note":".."}: something that could not run or needs a reader's notice.
QString noteJsonLine(const QString &bench, const QString &caseName, const QString &note);
void printNote(const QString &bench, const QString &caseName, const QString &note);

// {"bench":..,"case":"environment","note":"2 CPUs, load average 0.42 (1 min) at start, ..."}:
// printed first by every benchmark, because figures from a busy machine are not comparable.
void printEnvironmentNote(const QString &bench, int durationMs, int warmupMs);

// JSON pieces for benchmarks whose lines are not figures (sync's per-scheduler lines): a quoted,
// escaped string; a number with at most `decimals` decimals and no trailing zeros (null if not
// finite).
QString jsonString(const QString &text);
QString jsonNumber(double value, int decimals);

// Lines made beforehand (a benchmark that also returns them to tests), one per line on stdout.
void printLines(const QStringList &lines);

// Diagnostics go to stderr, never between the JSON lines on stdout.
void logProgress(const QString &message);

} // namespace foresight::bench
