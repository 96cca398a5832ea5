#include "replicationbench.h"

#include <algorithm>
#include <initializer_list>
#include <optional>

#include "foresightload.h"
#include "profilecost.h"
#include "redisbaseline.h"
#include "relaybaseline.h"
#include "unixbaseline.h"
#include "writeload.h"
#include "zmqbaseline.h"

namespace foresight::bench {

namespace {

const QString kBench = QStringLiteral("replication");
constexpr int kValueBytes = 100;
constexpr int kManyWriters = 16;
constexpr double kThroughputTargetRatio = 1.5; // vs Redis, with 16 writers
constexpr double kP99TargetUs = 1000.0;        // with 16 writers, no baseline

struct Measures
{
    std::optional<double> perSecond;
    std::optional<double> p50Us;
    std::optional<double> p99Us;
};

Measures measure(const LoadResult &result)
{
    auto toUs = [](std::optional<double> ns) -> std::optional<double> {
        if (!ns)
            return std::nullopt;
        return *ns / 1000.0;
    };
    return Measures{ackedPerSecond(result),
                    toUs(percentileNs(result.latenciesNs, 50.0)),
                    toUs(percentileNs(result.latenciesNs, 99.0))};
}

// Each figure's median over several runs of one side (the upper median of an even count);
// nullopt when none ran.
std::optional<Measures> medianOf(const QList<Measures> &runs)
{
    if (runs.isEmpty())
        return std::nullopt;
    const auto median = [&runs](std::optional<double> Measures::*field) -> std::optional<double> {
        QList<double> values;
        for (const Measures &m : runs) {
            if (m.*field)
                values.append(*(m.*field));
        }
        if (values.isEmpty())
            return std::nullopt;
        std::sort(values.begin(), values.end());
        return values.at(values.size() / 2);
    };
    return Measures{median(&Measures::perSecond), median(&Measures::p50Us), median(&Measures::p99Us)};
}

// One measured side of a case: Foresight or a baseline. `measures` is empty when it could not run.
struct Side
{
    QString name;
    std::optional<Measures> measures;
};

QString caseName(int writers, bool curve)
{
    const QString who = writers == 1 ? QStringLiteral("1 writer") : QStringLiteral("%1 writers").arg(writers);
    return who
           + (curve ? QStringLiteral(", curve on (redis and unix baselines unencrypted, shared with curve off)")
                    : QStringLiteral(", curve off"));
}

// Runs one side and turns its outcome into measures or a note line.
template<typename Run>
Side runSide(const QString &name, const QString &caseLabel, Run run)
{
    logProgress(QStringLiteral("%1: %2: running %3").arg(kBench, caseLabel, name));
    const Result<LoadResult> result = run();
    if (!result) {
        printNote(kBench, caseLabel, QStringLiteral("%1 could not run: %2").arg(name, result.error().toString()));
        return Side{name, std::nullopt};
    }
    if (result->failed > 0)
        printNote(kBench,
                  caseLabel,
                  QStringLiteral("%1: %2 writes completed without acknowledgement").arg(name).arg(result->failed));
    if (result->acked == 0)
        printNote(kBench, caseLabel, QStringLiteral("%1: no write was acknowledged").arg(name));
    return Side{name, measure(*result)};
}

struct FigureSpec
{
    const char *name;
    const char *unit;
    Better better;
    int decimals;
    std::optional<double> Measures::*field;
};

const FigureSpec kFigures[] = {
    {"acked_writes_per_s", "1/s", Better::Higher, 0, &Measures::perSecond},
    {"ack_latency_p50_us", "us", Better::Lower, 1, &Measures::p50Us},
    {"ack_latency_p99_us", "us", Better::Lower, 1, &Measures::p99Us},
};

// One line per figure and baseline; `redis` (if among them) carries the throughput target.
void printCase(const QString &caseLabel,
               int writers,
               const Side &foresightSide,
               std::initializer_list<const Side *> baselines,
               const Side *redis)
{
    for (const FigureSpec &spec : kFigures) {
        Figure line;
        line.bench = kBench;
        line.caseName = caseLabel;
        line.figure = QLatin1String(spec.name);
        line.unit = QLatin1String(spec.unit);
        line.better = spec.better;
        line.decimals = spec.decimals;
        if (foresightSide.measures)
            line.value = (*foresightSide.measures).*spec.field;

        bool anyBaseline = false;
        for (const Side *baseline : baselines) {
            if (!baseline->measures || !((*baseline->measures).*spec.field))
                continue;
            anyBaseline = true;
            Figure withBaseline = line;
            withBaseline.baseline = baseline->name;
            withBaseline.baselineValue = (*baseline->measures).*spec.field;
            if (writers == kManyWriters && baseline == redis && spec.field == &Measures::perSecond)
                withBaseline.target = kThroughputTargetRatio;
            printFigure(withBaseline);
        }
        // The p99 target is an absolute value, so it goes on a line of its own without a
        // baseline; a figure with no baseline at all still reports Foresight's value.
        const bool p99Target = writers == kManyWriters && spec.field == &Measures::p99Us;
        if ((p99Target || !anyBaseline) && line.value) {
            if (p99Target)
                line.target = kP99TargetUs;
            printFigure(line);
        }
    }
}

} // namespace

int runReplicationBench(const BenchOptions &options)
{
    bool foresightRanEverywhere = true;
    for (const int writers : {1, kManyWriters}) {
        LoadSpec spec;
        spec.writers = writers;
        spec.valueBytes = kValueBytes;
        spec.durationMs = options.durationMs;
        spec.warmupMs = options.warmupMs;

        // Redis and a Unix socket have no CURVE: measured once per writer count, shown beside
        // both curve cases.
        const Side redis = runSide(redisBaselineName(), caseName(writers, false), [&] {
            return runRedisWaitLoad(spec);
        });
        const Side unixEcho = runSide(QStringLiteral("unix stream req/rep"), caseName(writers, false), [&] {
            return runUnixEchoLoad(spec);
        });
        for (const bool curve : {false, true}) {
            spec.curve = curve;
            const QString label = caseName(writers, curve);
            const Side zmq = runSide(QStringLiteral("zeromq req/rep"), label, [&] { return runZmqReqRepLoad(spec); });
            const Side floor = runSide(QStringLiteral("relay floor (unix + zeromq, no work)"), label, [&] {
                return runRelayFloorLoad(spec);
            });
            const Side foresightSide = runSide(QStringLiteral("Foresight"), label, [&] {
                return runForesightLoad(spec);
            });
            foresightRanEverywhere = foresightRanEverywhere && foresightSide.measures.has_value();
            printCase(label, writers, foresightSide, {&redis, &zmq, &unixEcho, &floor}, &redis);
        }
    }
    // What the agents' state model (issue 4, on by default) costs the replication path: the
    // 16-writer case with it on, against the same agents with --prediction-rate 0, in this run.
    LoadSpec spec;
    spec.writers = kManyWriters;
    spec.valueBytes = kValueBytes;
    spec.durationMs = options.durationMs;
    spec.warmupMs = options.warmupMs;
    const QString label = QStringLiteral("16 writers, curve off, state model on vs off");
    const Side on = runSide(QStringLiteral("Foresight"), label, [&] { return runForesightLoad(spec); });
    spec.predictionRate = 0;
    const Side off = runSide(QStringLiteral("state model off (--prediction-rate 0)"), label, [&] {
        return runForesightLoad(spec);
    });
    foresightRanEverywhere = foresightRanEverywhere && on.measures && off.measures;
    printCase(label, 1, on, {&off}, nullptr); // writers 1: no Redis target on these lines

    // What the usage profile (issue 20, on by default) costs: the same case with it on and with
    // --no-usage-profile, in turns, each side's median of five runs (one run's noise on this
    // machine is larger than the 5% the cost must stay under).
    spec.predictionRate = -1;
    const QString profileLabel = QStringLiteral("16 writers, curve off, usage profile on vs off (median of 5 each)");
    QList<Measures> profileOn;
    QList<Measures> profileOff;
    for (int round = 0; round < (options.quick ? 1 : 5); ++round) {
        for (const bool profiled : {true, false}) {
            spec.usageProfile = profiled;
            const Side side = runSide(profiled ? QStringLiteral("Foresight") : QStringLiteral("usage profile off"),
                                      profileLabel,
                                      [&] { return runForesightLoad(spec); });
            if (side.measures)
                (profiled ? profileOn : profileOff).append(*side.measures);
        }
    }
    foresightRanEverywhere = foresightRanEverywhere && !profileOn.isEmpty() && !profileOff.isEmpty();
    const Side medianOn{QStringLiteral("Foresight"), medianOf(profileOn)};
    const Side medianOff{QStringLiteral("usage profile off (--no-usage-profile)"), medianOf(profileOff)};
    printCase(profileLabel, 1, medianOn, {&medianOff}, nullptr);
    // Every run's throughput, so that a reader sees the spread the medians come from.
    const auto perRun = [](const QList<Measures> &runs) {
        QStringList out;
        for (const Measures &m : runs)
            out << (m.perSecond ? QString::number(*m.perSecond, 'f', 0) : QStringLiteral("-"));
        return out.join(QLatin1Char(' '));
    };
    printNote(kBench,
              profileLabel,
              QStringLiteral("acked writes/s run by run, in turns: profile on %1; off %2")
                  .arg(perRun(profileOn), perRun(profileOff)));
    runUsageProfileCost(kBench, options, medianOn.measures ? medianOn.measures->perSecond : std::nullopt);
    return foresightRanEverywhere ? 0 : 1;
}

} // namespace foresight::bench
