#include "mirrortraces.h"

#include <algorithm>
#include <cmath>

#include <QHash>
#include <QRandomGenerator>

#include "syncworkload.h"

namespace foresight::bench {

namespace {

double uniform(QRandomGenerator &random, double low, double high)
{
    return low + random.generateDouble() * (high - low);
}

double exponential(QRandomGenerator &random, double meanMs)
{
    return -meanMs * std::log(1.0 - random.generateDouble());
}

void addReaders(MirrorTrace &trace, const MirrorTraceShape &shape, QRandomGenerator &random)
{
    if (shape.readsPerSecondPerKey <= 0)
        return;
    const double meanGapMs = 1000.0 / shape.readsPerSecondPerKey;
    for (int key = 0; key < trace.keys.size(); ++key) {
        for (double t = exponential(random, meanGapMs); t < double(trace.durationMs);
             t += exponential(random, meanGapMs))
            trace.events.append({std::int64_t(t), key, false});
    }
}

void finish(MirrorTrace &trace)
{
    // By time, stable: the shop's reads stay before the write they precede.
    std::stable_sort(trace.events.begin(),
                     trace.events.end(),
                     [](const MirrorTraceEvent &a, const MirrorTraceEvent &b) { return a.atMs < b.atMs; });
}

MirrorTrace start(const QString &name, const MirrorTraceShape &shape, const char *keyPrefix)
{
    MirrorTrace trace;
    trace.name = name;
    trace.durationMs = shape.durationMs;
    for (int i = 0; i < shape.keys; ++i)
        trace.keys << QStringLiteral("%1/%2").arg(QLatin1String(keyPrefix)).arg(i);
    return trace;
}

} // namespace

MirrorTrace periodicTrace(const MirrorTraceShape &shape)
{
    MirrorTrace trace = start(QStringLiteral("periodic"), shape, "gauge");
    QRandomGenerator random(shape.seed);
    for (int key = 0; key < shape.keys; ++key) {
        const double periodMs = uniform(random, 500, 5000);
        for (double t = uniform(random, 0, periodMs); t < double(shape.durationMs);
             t += periodMs * uniform(random, 0.95, 1.05))
            trace.events.append({std::int64_t(t), key, true});
    }
    addReaders(trace, shape, random);
    finish(trace);
    return trace;
}

MirrorTrace burstyTrace(const MirrorTraceShape &shape)
{
    MirrorTrace trace = start(QStringLiteral("bursty"), shape, "deploy");
    QRandomGenerator random(shape.seed + 1);
    for (int key = 0; key < shape.keys; ++key) {
        double t = uniform(random, 0, 30'000);
        while (t < double(shape.durationMs)) {
            const int changes = int(uniform(random, 5, 21));
            for (int i = 0; i < changes && t < double(shape.durationMs); ++i) {
                trace.events.append({std::int64_t(t), key, true});
                t += uniform(random, 50, 200);
            }
            t += uniform(random, 5000, 30'000);
        }
    }
    addReaders(trace, shape, random);
    finish(trace);
    return trace;
}

MirrorTrace randomTrace(const MirrorTraceShape &shape)
{
    MirrorTrace trace = start(QStringLiteral("random"), shape, "session");
    QRandomGenerator random(shape.seed + 2);
    for (int key = 0; key < shape.keys; ++key) {
        const double meanMs = uniform(random, 500, 5000);
        for (double t = exponential(random, meanMs); t < double(shape.durationMs); t += exponential(random, meanMs))
            trace.events.append({std::int64_t(t), key, true});
    }
    addReaders(trace, shape, random);
    finish(trace);
    return trace;
}

MirrorTrace shopTrace(const MirrorTraceShape &shape)
{
    MirrorTrace trace;
    trace.name = QStringLiteral("demo shop");
    trace.durationMs = shape.durationMs;
    ShopRecording recording;
    recording.durationMs = shape.durationMs;
    const SyncWorkload workload = recordShopWorkload(recording);
    QHash<QString, int> index;
    for (const WorkloadAccess &access : workload.accesses) {
        auto it = index.constFind(access.key);
        if (it == index.constEnd()) {
            it = index.insert(access.key, int(trace.keys.size()));
            trace.keys << access.key;
        }
        trace.events.append({access.atMs, *it, access.kind != partitioning::AccessKind::Read});
    }
    // The shop's own reads come right before its writes; readers of the pages (a cart shown, a
    // session checked) read the keys in between, as in the other traces, for the busiest keys.
    QHash<int, int> writes;
    for (const MirrorTraceEvent &event : std::as_const(trace.events))
        writes[event.key] += event.write ? 1 : 0;
    QList<int> busiest = writes.keys();
    std::sort(busiest.begin(), busiest.end(), [&writes](int a, int b) {
        return writes.value(a) != writes.value(b) ? writes.value(a) > writes.value(b) : a < b;
    });
    busiest.resize(std::min<qsizetype>(busiest.size(), shape.keys));
    QRandomGenerator random(shape.seed + 3);
    const double meanGapMs = 1000.0 / std::max(0.001, shape.readsPerSecondPerKey);
    for (const int key : std::as_const(busiest)) {
        for (double t = exponential(random, meanGapMs); t < double(trace.durationMs);
             t += exponential(random, meanGapMs))
            trace.events.append({std::int64_t(t), key, false});
    }
    finish(trace);
    return trace;
}

} // namespace foresight::bench
