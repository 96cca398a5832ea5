#include "foresight/prediction/deltatracesources.h"

#include <algorithm>
#include <cmath>
#include <optional>

#include <QDir>
#include <QFileInfo>
#include <QHash>

#include "foresight/prediction/failureevaluation.h"
#include "foresight/prediction/nabcorpus.h"

namespace foresight::prediction {
namespace {

using Kind = SeriesKeyRule::Kind;

// Per rule, what has been written so far.
struct RuleState
{
    std::optional<double> lastWritten; // Gauge
    double total = 0.0;                // Counter
    double pending = 0.0;              // Counter: not yet written
    int level = -1;                    // Level
};

int bandOf(const std::vector<double> &levels, double value)
{
    int band = 0;
    while (band < static_cast<int>(levels.size()) && value >= levels[static_cast<std::size_t>(band)])
        ++band;
    return band;
}

SeriesKeyRule gauge(const QString &key, int series, double deadband, int decimals)
{
    SeriesKeyRule rule;
    rule.kind = Kind::Gauge;
    rule.key = key;
    rule.series = series;
    rule.threshold = deadband;
    rule.decimals = decimals;
    return rule;
}

SeriesKeyRule counter(const QString &key, int series, double flush, double multiplier = 1.0)
{
    SeriesKeyRule rule;
    rule.kind = Kind::Counter;
    rule.key = key;
    rule.series = series;
    rule.threshold = flush;
    rule.multiplier = multiplier;
    return rule;
}

SeriesKeyRule lastSeen(const QString &key, const QString &follows)
{
    SeriesKeyRule rule;
    rule.kind = Kind::LastSeen;
    rule.key = key;
    rule.follows = follows;
    return rule;
}

SeriesKeyRule level(
    const QString &key, int series, std::vector<double> levels, const QStringList &names, double hysteresis)
{
    SeriesKeyRule rule;
    rule.kind = Kind::Level;
    rule.key = key;
    rule.series = series;
    rule.levels = std::move(levels);
    rule.names = names;
    rule.threshold = hysteresis;
    return rule;
}

Result<SeriesTable> nabTable(const QString &datasetsDir, const QString &relative)
{
    const QString path = QDir(datasetsDir).filePath(QStringLiteral("nab/data/") + relative);
    if (!QFileInfo::exists(path))
        return fail(ErrorCode::NotFound, QStringLiteral("%1 does not exist (NAB is in the shared datasets)").arg(path));
    auto csv = readNabCsv(path);
    if (!csv)
        return std::unexpected(csv.error());
    const std::vector<double> *values = csv->column(QStringLiteral("value"));
    if (!values)
        return fail(ErrorCode::Corruption, QStringLiteral("%1 has no value column").arg(path));
    SeriesTable table;
    for (const std::int64_t seconds : csv->timestamps)
        table.timestampsMs.push_back(seconds * 1000);
    table.series.push_back(*values);
    return table;
}

Result<SeriesTable> smdTable(const QString &datasetsDir, const QString &machine, const std::vector<int> &metrics)
{
    const QString dir = QDir(datasetsDir).filePath(QStringLiteral("smd"));
    if (!QFileInfo::exists(QDir(dir).filePath(machine + QStringLiteral("_train.csv.gz"))))
        return fail(ErrorCode::NotFound,
                    QStringLiteral("%1 does not exist (SMD is in the shared datasets)")
                        .arg(QDir(dir).filePath(machine + QStringLiteral("_train.csv.gz"))));
    auto data = loadMachine(dir, machine);
    if (!data)
        return std::unexpected(data.error());
    constexpr std::int64_t kStartMs = 1'577'836'800'000; // 2020-01-01 00:00 UTC: SMD has no dates
    SeriesTable table;
    table.series.resize(metrics.size());
    for (std::size_t row = 0; row < data->train.size(); ++row) {
        table.timestampsMs.push_back(kStartMs + static_cast<std::int64_t>(row) * 60'000);
        for (std::size_t m = 0; m < metrics.size(); ++m)
            table.series[m].push_back(data->train[row][static_cast<std::size_t>(metrics[m])]);
    }
    return table;
}

} // namespace

Result<DeltaTrace> deriveDeltaTrace(const QString &application,
                                    const SeriesTable &table,
                                    const std::vector<SeriesKeyRule> &rules)
{
    QHash<QString, int> ruleOfKey;
    for (std::size_t r = 0; r < rules.size(); ++r) {
        const SeriesKeyRule &rule = rules[r];
        auto bad = [&](const QString &what) {
            return fail(ErrorCode::InvalidArgument, QStringLiteral("%1, key %2: %3").arg(application, rule.key, what));
        };
        if (rule.key.isEmpty() || ruleOfKey.contains(rule.key))
            return bad(QStringLiteral("empty or repeated key"));
        ruleOfKey.insert(rule.key, static_cast<int>(r));
        if (rule.kind != Kind::LastSeen
            && (rule.series < 0 || rule.series >= static_cast<int>(table.series.size())
                || table.series[static_cast<std::size_t>(rule.series)].size() != table.timestampsMs.size()))
            return bad(QStringLiteral("series %1 is missing or not one value per row").arg(rule.series));
        if (rule.kind == Kind::Level && rule.names.size() != static_cast<qsizetype>(rule.levels.size()) + 1)
            return bad(QStringLiteral("a level rule needs one name more than split points"));
    }
    for (const SeriesKeyRule &rule : rules) {
        if (rule.kind == Kind::LastSeen && !ruleOfKey.contains(rule.follows))
            return fail(ErrorCode::InvalidArgument,
                        QStringLiteral("%1, key %2 follows unknown key %3").arg(application, rule.key, rule.follows));
    }

    DeltaTrace trace;
    trace.application = application;
    std::vector<RuleState> states(rules.size());
    std::uint64_t seq = 0;
    std::vector<bool> written(rules.size());
    auto put = [&](const SeriesKeyRule &rule, std::int64_t ms, QByteArray value) {
        state::StateDelta delta;
        delta.epoch = 1;
        delta.seq = ++seq;
        delta.timestampMs = ms;
        delta.key = rule.key;
        delta.op = state::DeltaOp::Put;
        delta.value = std::move(value);
        trace.deltas.push_back(std::move(delta));
    };
    for (std::size_t row = 0; row < table.timestampsMs.size(); ++row) {
        const std::int64_t ms = table.timestampsMs[row];
        std::fill(written.begin(), written.end(), false);
        for (std::size_t r = 0; r < rules.size(); ++r) {
            const SeriesKeyRule &rule = rules[r];
            RuleState &state = states[r];
            if (rule.kind == Kind::LastSeen)
                continue;
            const double x = table.series[static_cast<std::size_t>(rule.series)][row];
            if (!std::isfinite(x))
                continue;
            switch (rule.kind) {
            case Kind::Gauge:
                if (!state.lastWritten || std::fabs(x - *state.lastWritten) >= rule.threshold) {
                    state.lastWritten = x;
                    put(rule, ms, QByteArray::number(x, 'f', rule.decimals));
                    written[r] = true;
                }
                break;
            case Kind::Counter:
                if (row == 0) {
                    put(rule, ms, QByteArrayLiteral("0"));
                    written[r] = true;
                    break;
                }
                state.total += std::max(x, 0.0) * rule.multiplier;
                state.pending += std::max(x, 0.0) * rule.multiplier;
                if (state.pending >= rule.threshold) {
                    state.pending = 0.0;
                    put(rule, ms, QByteArray::number(static_cast<qint64>(std::llround(state.total))));
                    written[r] = true;
                }
                break;
            case Kind::Level: {
                int band = state.level;
                if (band < 0) {
                    band = bandOf(rule.levels, x);
                } else {
                    while (band < static_cast<int>(rule.levels.size())
                           && x >= rule.levels[static_cast<std::size_t>(band)])
                        ++band;
                    while (band > 0 && x < rule.levels[static_cast<std::size_t>(band - 1)] - rule.threshold)
                        --band;
                }
                if (band != state.level) {
                    state.level = band;
                    put(rule, ms, rule.names[band].toUtf8());
                    written[r] = true;
                }
                break;
            }
            case Kind::LastSeen:
                break;
            }
        }
        for (std::size_t r = 0; r < rules.size(); ++r) {
            const SeriesKeyRule &rule = rules[r];
            if (rule.kind == Kind::LastSeen && written[static_cast<std::size_t>(ruleOfKey.value(rule.follows))])
                put(rule, ms, QByteArray::number(static_cast<qint64>(ms)));
        }
    }
    return trace;
}

Result<QList<DeltaTrace>> derivePseTraces(const QString &datasetsDir)
{
    QList<DeltaTrace> traces;
    auto add = [&](const QString &application,
                   const Result<SeriesTable> &table,
                   const std::vector<SeriesKeyRule> &rules) -> Status {
        if (!table)
            return std::unexpected(table.error());
        auto trace = deriveDeltaTrace(application, *table, rules);
        if (!trace)
            return std::unexpected(trace.error());
        traces.append(std::move(*trace));
        return {};
    };

    // A machine's temperature sensor (degrees F, 5-minute samples): the gauge with a 2-degree
    // deadband (the series moves 0.85 degrees per sample on average), its alarm state, and when
    // it was last written.
    if (auto status = add(QStringLiteral("nab-machine-temperature"),
                          nabTable(datasetsDir, QStringLiteral("realKnownCause/machine_temperature_system_failure.csv")),
                          {gauge(QStringLiteral("sensor/temperature"), 0, 2.0, 2),
                           level(QStringLiteral("sensor/alarm"),
                                 0,
                                 {60.0, 98.0},
                                 {QStringLiteral("cold"), QStringLiteral("normal"), QStringLiteral("hot")},
                                 2.0),
                           lastSeen(QStringLiteral("sensor/last_write_ms"), QStringLiteral("sensor/temperature"))});
        !status)
        return std::unexpected(status.error());

    // New York taxi passengers per 30 minutes: a passenger counter flushed every 50,000
    // passengers (the real counts, accumulated), the rate as a gauge (2,500 deadband), a demand
    // level, and the time of the last counter flush.
    if (auto status = add(QStringLiteral("nab-nyc-taxi"),
                          nabTable(datasetsDir, QStringLiteral("realKnownCause/nyc_taxi.csv")),
                          {counter(QStringLiteral("rides/passengers_total"), 0, 50000.0),
                           gauge(QStringLiteral("rides/per_30min"), 0, 2500.0, 0),
                           level(QStringLiteral("demand/level"),
                                 0,
                                 {8000.0, 22000.0},
                                 {QStringLiteral("low"), QStringLiteral("normal"), QStringLiteral("peak")},
                                 1000.0),
                           lastSeen(QStringLiteral("rides/last_flush_ms"), QStringLiteral("rides/passengers_total"))});
        !status)
        return std::unexpected(status.error());

    // Tweets mentioning AAPL per 5 minutes: a tweet counter flushed every 1,000 tweets, the rate
    // as a gauge (deadband 25), and a trend level.
    if (auto status = add(QStringLiteral("nab-twitter-aapl"),
                          nabTable(datasetsDir, QStringLiteral("realTweets/Twitter_volume_AAPL.csv")),
                          {counter(QStringLiteral("tweets/total"), 0, 1000.0),
                           gauge(QStringLiteral("tweets/per_5min"), 0, 25.0, 0),
                           level(QStringLiteral("tweets/trend"),
                                 0,
                                 {100.0, 400.0},
                                 {QStringLiteral("quiet"), QStringLiteral("busy"), QStringLiteral("viral")},
                                 20.0)});
        !status)
        return std::unexpected(status.error());

    // A server of SMD (metrics min-max normalised to [0, 1] by the publisher, 1-minute rows):
    // cpu_r, load_1, mem_u and eth1_fi (community names, SMD_metric_names.txt) as gauges with
    // deadbands of about 2 to 3 times their mean per-minute movement; received traffic
    // accumulated into a counter (in 1/100 of the normalised unit per minute, flushed every
    // 500); a load state.
    if (auto status = add(QStringLiteral("smd-machine-1-6"),
                          smdTable(datasetsDir, QStringLiteral("machine-1-6"), {0, 1, 5, 18}),
                          {gauge(QStringLiteral("cpu/util"), 0, 0.03, 4),
                           gauge(QStringLiteral("load/1m"), 1, 0.04, 4),
                           gauge(QStringLiteral("mem/used"), 2, 0.02, 4),
                           gauge(QStringLiteral("net/in"), 3, 0.06, 4),
                           counter(QStringLiteral("net/in_units_total"), 3, 500.0, 100.0),
                           level(QStringLiteral("load/state"),
                                 1,
                                 {0.05, 0.15},
                                 {QStringLiteral("idle"), QStringLiteral("busy"), QStringLiteral("overloaded")},
                                 0.01)});
        !status)
        return std::unexpected(status.error());
    return traces;
}

} // namespace foresight::prediction
