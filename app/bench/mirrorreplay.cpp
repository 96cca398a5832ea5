#include "mirrorreplay.h"

#include <chrono>
#include <deque>

#include "foresight/state/statedelta.h"

namespace foresight::bench {

namespace {

// The source: each key's last write (as the state's seq) and the state's position.
struct Source
{
    explicit Source(const MirrorTrace &trace)
        : lastWrite(std::size_t(trace.keys.size()), 0)
    {}
    void write(int key) { lastWrite[std::size_t(key)] = ++seq; }
    QByteArray value(int key) const { return QByteArray::number(qulonglong(lastWrite[std::size_t(key)])); }
    std::vector<std::uint64_t> lastWrite;
    std::uint64_t seq = 0;
};

} // namespace

std::vector<TraceForecast> forecastTrace(const MirrorTrace &trace,
                                         prediction::StateModelKind model,
                                         std::int64_t forecastDelayMs)
{
    prediction::StatePredictorParams params;
    params.kind = model;
    params.maxKeys = std::max(1, int(trace.keys.size()));
    prediction::StatePredictor predictor(params);
    std::vector<TraceForecast> forecasts;
    std::uint64_t seq = 0;
    for (const MirrorTraceEvent &event : trace.events) {
        if (!event.write)
            continue;
        state::StateDelta delta;
        delta.epoch = 1;
        delta.seq = ++seq;
        delta.timestampMs = event.atMs;
        delta.key = trace.keys[event.key];
        delta.value = QByteArray::number(qulonglong(seq));
        (void) predictor.observe(delta); // a failed xgboost fit keeps the previous model forecasting
        const auto forecast = predictor.forecast(delta.key);
        if (forecast && forecast->nextChangeMs) {
            forecasts.push_back({event.atMs + forecastDelayMs,
                                 event.key,
                                 *forecast->nextChangeMs,
                                 forecast->typicalIntervalMs,
                                 forecast->changeConfidence});
        }
    }
    return forecasts;
}

MirrorReplayResult replayTtlCache(const MirrorTrace &trace, std::int64_t ttlMs)
{
    MirrorReplayResult result;
    Source source(trace);
    std::vector<std::uint64_t> copySeq(std::size_t(trace.keys.size()), 0);
    std::vector<std::int64_t> readAt(std::size_t(trace.keys.size()), -1);
    for (const MirrorTraceEvent &event : trace.events) {
        const auto k = std::size_t(event.key);
        if (event.write) {
            source.write(event.key);
            continue;
        }
        ++result.reads;
        if (readAt[k] < 0 || event.atMs - readAt[k] >= ttlMs) {
            ++result.polls;
            copySeq[k] = source.seq;
            readAt[k] = event.atMs;
        } else if (source.lastWrite[k] > copySeq[k]) {
            ++result.staleReads;
        }
    }
    return result;
}

MirrorReplayResult replayMirror(const MirrorTrace &trace,
                                const std::vector<TraceForecast> &forecasts,
                                const MirrorReplayOptions &options)
{
    using Clock = std::chrono::steady_clock;
    MirrorReplayResult result;
    Source source(trace);
    mirror::MirrorTable table(options.policy);
    table.setEventsLive(options.events);

    // What the source's model says per key right now (as of the latest visible forecast).
    std::vector<const TraceForecast *> visible(std::size_t(trace.keys.size()), nullptr);
    std::size_t nextForecast = 0;
    // Change events on their way: (arrival, seq, key); one event per arrival millisecond.
    struct InFlight
    {
        std::int64_t arrivesMs;
        std::uint64_t seq;
        int key;
    };
    std::deque<InFlight> inFlight;
    std::uint64_t eventSeq = 0;
    const auto deliverUntil = [&](std::int64_t nowMs) {
        while (!inFlight.empty() && inFlight.front().arrivesMs <= nowMs) {
            mirror::ChangeEvent event;
            event.eventSeq = ++eventSeq;
            event.epoch = 1;
            const std::int64_t arrives = inFlight.front().arrivesMs;
            while (!inFlight.empty() && inFlight.front().arrivesMs == arrives) {
                event.keys << trace.keys[inFlight.front().key];
                event.seq = inFlight.front().seq;
                inFlight.pop_front();
            }
            event.keys.removeDuplicates();
            ++result.pushes;
            table.applyEvent(event, arrives);
        }
    };

    result.hitNs.reserve(std::size_t(trace.events.size()));
    for (const MirrorTraceEvent &event : trace.events) {
        const auto k = std::size_t(event.key);
        deliverUntil(event.atMs);
        while (nextForecast < forecasts.size() && forecasts[nextForecast].visibleAtMs <= event.atMs) {
            visible[std::size_t(forecasts[nextForecast].key)] = &forecasts[nextForecast];
            ++nextForecast;
        }
        if (event.write) {
            source.write(event.key);
            if (options.events)
                inFlight.push_back({event.atMs + options.eventDelayMs, source.seq, event.key});
            continue;
        }
        ++result.reads;
        const QString &key = trace.keys[event.key];
        const Clock::time_point before = Clock::now();
        const auto lookup = table.lookup(key, event.atMs);
        if (lookup.answer == mirror::MirrorTable::Answer::Hit) {
            const bool stale = source.lastWrite[k] > lookup.copy->seq;
            result.hitNs.push_back(std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now() - before).count());
            if (stale)
                ++result.staleReads;
            continue;
        }
        ++result.polls;
        if (lookup.answer == mirror::MirrorTable::Answer::Source)
            continue;
        mirror::SourceRead read{source.value(event.key), 1, source.seq, std::nullopt};
        if (const TraceForecast *forecast = visible[k])
            read.forecast = mirror::ChangeForecast{forecast->nextChangeMs - event.atMs,
                                                   forecast->intervalMs,
                                                   forecast->confidence};
        table.store(key, lookup.cause, read, event.atMs, 0);
    }
    result.metrics = table.metrics();
    return result;
}

} // namespace foresight::bench
