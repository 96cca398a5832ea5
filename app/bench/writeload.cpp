#include "writeload.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <exception>
#include <latch>
#include <thread>
#include <vector>

namespace foresight::bench {

std::optional<double> percentileNs(QList<qint64> valuesNs, double percent)
{
    if (valuesNs.isEmpty() || !(percent > 0.0) || percent > 100.0)
        return std::nullopt;
    // Nearest rank: the smallest value with at least `percent` % of the values at or below it.
    const auto count = valuesNs.size();
    auto rank = static_cast<qsizetype>(std::ceil(percent / 100.0 * static_cast<double>(count)));
    rank = std::clamp<qsizetype>(rank, 1, count);
    const auto nth = valuesNs.begin() + (rank - 1);
    std::nth_element(valuesNs.begin(), nth, valuesNs.end());
    return static_cast<double>(*nth);
}

std::optional<double> ackedPerSecond(const LoadResult &result)
{
    if (result.seconds <= 0.0)
        return std::nullopt;
    return static_cast<double>(result.acked) / result.seconds;
}

namespace {

using Clock = std::chrono::steady_clock;

struct WriterOutcome
{
    LoadResult result;
    std::optional<Error> error;
};

qint64 nanosSinceEpoch(Clock::time_point t)
{
    return std::chrono::duration_cast<std::chrono::nanoseconds>(t.time_since_epoch()).count();
}

} // namespace

Result<LoadResult> runWriters(const LoadSpec &spec, const WriterFactory &factory)
{
    if (spec.writers < 1 || spec.durationMs < 1 || spec.warmupMs < 0)
        return fail(ErrorCode::InvalidArgument,
                    QStringLiteral("a load needs at least one writer and a positive duration"));

    const auto writers = static_cast<std::size_t>(spec.writers);
    std::vector<WriterOutcome> outcomes(writers);
    std::latch ready(static_cast<std::ptrdiff_t>(writers));
    std::latch go(1);
    // Written by this thread before go.count_down(), read by writers after go.wait().
    Clock::time_point measureStart;
    Clock::time_point measureEnd;

    auto writerBody = [&](std::size_t index) {
        WriterOutcome &out = outcomes[index];
        WriteOnce write;
        try {
            auto made = factory(static_cast<int>(index));
            if (made)
                write = std::move(*made);
            else
                out.error = made.error();
        } catch (const std::exception &e) {
            out.error = Error{ErrorCode::Internal, QString::fromLocal8Bit(e.what())};
        }
        ready.count_down();
        go.wait();
        if (out.error)
            return;
        out.result.latenciesNs.reserve(1 << 16);
        try {
            while (true) {
                const auto t0 = Clock::now();
                if (t0 >= measureEnd)
                    break;
                const Result<bool> acked = write();
                const auto t1 = Clock::now();
                if (!acked) {
                    out.error = acked.error();
                    break;
                }
                if (t0 < measureStart || t1 > measureEnd)
                    continue;
                if (*acked) {
                    ++out.result.acked;
                    out.result.latenciesNs.append(nanosSinceEpoch(t1) - nanosSinceEpoch(t0));
                } else {
                    ++out.result.failed;
                }
            }
        } catch (const std::exception &e) {
            out.error = Error{ErrorCode::Internal, QString::fromLocal8Bit(e.what())};
        }
        write = nullptr; // release the writer's sockets on its own thread
    };

    {
        std::vector<std::jthread> threads;
        threads.reserve(writers);
        for (std::size_t i = 0; i < writers; ++i)
            threads.emplace_back(writerBody, i);
        ready.wait();
        // Setup errors are visible here (the latch orders them); writers that did connect then
        // find the window already closed instead of running a load whose result is discarded.
        const bool setupFailed = std::ranges::any_of(outcomes,
                                                     [](const WriterOutcome &out) { return out.error.has_value(); });
        measureStart = Clock::now() + std::chrono::milliseconds(setupFailed ? 0 : spec.warmupMs);
        measureEnd = setupFailed ? measureStart : measureStart + std::chrono::milliseconds(spec.durationMs);
        go.count_down();
    } // joins

    LoadResult total;
    total.seconds = spec.durationMs / 1000.0;
    for (WriterOutcome &out : outcomes) {
        if (out.error)
            return std::unexpected(*out.error);
        total.acked += out.result.acked;
        total.failed += out.result.failed;
        total.latenciesNs.append(out.result.latenciesNs);
    }
    return total;
}

} // namespace foresight::bench
