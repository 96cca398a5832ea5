#include "failoverbench.h"

#include <optional>

#include "failoverload.h"
#include "foresightfailover.h"
#include "sentinelfailover.h"
#include "writeload.h"

namespace foresight::bench {

namespace {

const QString kBench = QStringLiteral("failover");
constexpr int kDefaultRounds = 50;
constexpr int kQuickRounds = 5;
constexpr int kCalibrationMs = 5000;
constexpr int kQuickCalibrationMs = 2000;
constexpr double kP99TargetMs = 1000.0;   // with default settings, no baseline
constexpr double kSpeedupTargetRatio = 2; // p99 against Sentinel's

// p50, p99 and max of one side's failover times, in ms; empty when no round completed.
struct Times
{
    std::optional<double> p50Ms;
    std::optional<double> p99Ms;
    std::optional<double> maxMs;
};

Times timesOf(const FailoverOutcome &outcome)
{
    // percentileNs is unit-free (nearest rank); the samples are in microseconds.
    auto ms = [&](double percent) -> std::optional<double> {
        const auto us = percentileNs(outcome.failoverUs, percent);
        return us ? std::optional<double>(*us / 1000.0) : std::nullopt;
    };
    return Times{ms(50.0), ms(99.0), ms(100.0)};
}

QString sideSummary(const QString &name, const FailoverOutcome &outcome)
{
    const double seconds = double(outcome.writerMs) / 1000.0;
    return QStringLiteral("%1: %2 of %3 rounds, %4 writes acknowledged and %5 attempts not acknowledged in %6 s "
                          "(%7 acknowledged/s)%8")
        .arg(name)
        .arg(outcome.failoverUs.size())
        .arg(outcome.roundsPlanned)
        .arg(outcome.durableWrites)
        .arg(outcome.failedWrites)
        .arg(seconds, 0, 'f', 1)
        .arg(seconds > 0 ? double(outcome.durableWrites) / seconds : 0.0, 0, 'f', 0)
        .arg(outcome.stopped.isEmpty() ? QString() : QStringLiteral("; stopped at ") + outcome.stopped);
}

} // namespace

int runFailoverBench(const BenchOptions &options)
{
    FailoverSpec spec;
    spec.rounds = options.rounds > 0 ? options.rounds : (options.quick ? kQuickRounds : kDefaultRounds);
    spec.calibrationMs = options.quick ? kQuickCalibrationMs : kCalibrationMs;

    const QString load = QStringLiteral("kill -9 of the primary, 1 writer at %1 writes/s of %2 bytes")
                             .arg(spec.writesPerSecond)
                             .arg(spec.valueBytes);
    printNote(kBench,
              QStringLiteral("method"),
              QStringLiteral("%1 rounds per side, each after %2 ms of steady acknowledged writes on the current "
                             "primary; failover time = kill to the first write acknowledged by the new "
                             "primary (Foresight: replicated to a hot replica; Sentinel: SET accepted by the new "
                             "master, whose only replica was just killed); p99 is nearest-rank, so with fewer than "
                             "100 rounds it is the maximum")
                  .arg(spec.rounds)
                  .arg(spec.settleMs));

    logProgress(QStringLiteral("failover: Foresight, %1 rounds").arg(spec.rounds));
    const Result<FailoverOutcome> foresightRun = runForesightFailover(spec);
    if (!foresightRun)
        printNote(kBench, load, QStringLiteral("Foresight could not run: %1").arg(foresightRun.error().toString()));

    logProgress(QStringLiteral("failover: Redis Sentinel, %1 rounds").arg(spec.rounds));
    const Result<FailoverOutcome> sentinelRun = runSentinelFailover(spec);
    if (!sentinelRun)
        printNote(kBench,
                  load,
                  QStringLiteral("%1 could not run: %2").arg(sentinelBaselineName(), sentinelRun.error().toString()));

    QString caseName = load;
    if (foresightRun)
        caseName += QStringLiteral("; Foresight: %1").arg(foresightRun->setup);
    if (sentinelRun)
        caseName += QStringLiteral("; Sentinel: %1").arg(sentinelRun->setup);

    for (const auto *run : {&foresightRun, &sentinelRun}) {
        if (!*run)
            continue;
        const QString name = run == &foresightRun ? QStringLiteral("Foresight") : QStringLiteral("Sentinel");
        printNote(kBench, caseName, sideSummary(name, **run));
        for (const QString &note : (*run)->notes)
            printNote(kBench, caseName, note);
    }

    const Times foresightTimes = foresightRun ? timesOf(*foresightRun) : Times{};
    const std::optional<Times> sentinelTimes = sentinelRun && !sentinelRun->failoverUs.isEmpty()
                                                   ? std::optional<Times>(timesOf(*sentinelRun))
                                                   : std::nullopt;
    struct TimeFigure
    {
        const char *name;
        std::optional<double> Times::*field;
        std::optional<double> ratioTarget;
    };
    const TimeFigure timeFigures[] = {
        {"failover_p50_ms", &Times::p50Ms, std::nullopt},
        {"failover_p99_ms", &Times::p99Ms, kSpeedupTargetRatio},
        {"failover_max_ms", &Times::maxMs, std::nullopt},
    };
    for (const TimeFigure &timeFigure : timeFigures) {
        Figure line;
        line.bench = kBench;
        line.caseName = caseName;
        line.figure = QLatin1String(timeFigure.name);
        line.unit = QStringLiteral("ms");
        line.better = Better::Lower;
        line.decimals = 1;
        line.value = foresightTimes.*timeFigure.field;
        if (sentinelTimes) {
            Figure withBaseline = line;
            withBaseline.baseline = sentinelBaselineName();
            withBaseline.baselineValue = (*sentinelTimes).*timeFigure.field;
            withBaseline.target = timeFigure.ratioTarget;
            printFigure(withBaseline);
        }
        // The absolute p99 target goes on a line of its own; without a baseline every figure
        // still reports Foresight's value.
        const bool p99 = timeFigure.field == &Times::p99Ms;
        if (p99 || !sentinelTimes) {
            if (p99)
                line.target = kP99TargetMs;
            printFigure(line);
        }
    }

    Figure lost;
    lost.bench = kBench;
    lost.caseName = caseName;
    lost.figure = QStringLiteral("acked_writes_lost");
    lost.unit = QStringLiteral("writes");
    lost.better = Better::Lower;
    lost.decimals = 0;
    if (foresightRun)
        lost.value = foresightRun->lostWrites.has_value() ? std::optional<double>(double(*foresightRun->lostWrites))
                                                          : std::nullopt;
    lost.target = 0;
    printFigure(lost);
    if (sentinelRun && sentinelRun->lostWrites) {
        Figure withBaseline = lost;
        withBaseline.target.reset();
        withBaseline.baseline = sentinelBaselineName();
        withBaseline.baselineValue = double(*sentinelRun->lostWrites);
        printFigure(withBaseline);
    }

    const bool complete = foresightRun && foresightRun->stopped.isEmpty() && foresightRun->lostWrites.has_value()
                          && foresightRun->failoverUs.size() == spec.rounds;
    return complete ? 0 : 1;
}

} // namespace foresight::bench
