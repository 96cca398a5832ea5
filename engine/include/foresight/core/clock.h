#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <optional>

#include "foresight/core/result.h"

namespace foresight {

// Every component takes time from a Clock so that simulations can run faster than real time and
// tests can drive time instead of sleeping. Implementations are thread-safe.
class Clock
{
public:
    virtual ~Clock() = default;
    // Monotonic milliseconds for intervals, timeouts and lag. Never goes backwards.
    virtual std::int64_t monotonicMs() const = 0;
    // Wall-clock milliseconds since the Unix epoch, for timestamps people read.
    virtual std::int64_t wallMs() const = 0;
    // How many of this clock's milliseconds pass per real millisecond: 1 for the system clock,
    // N for a ScaledClock. ManualClock says 1: it moves only when told to, and code that waits
    // for real (below) then waits as it would on the system clock.
    virtual double rate() const { return 1.0; }
    // A wait of `clockMs` on this clock as real milliseconds, for the places that hand a wait to
    // the operating system (zmq_poll timeouts, sleeps, timers): clockMs / rate(), rounded up so
    // that a due time is never polled for in a busy loop; 0 for clockMs <= 0.
    int realWaitMs(std::int64_t clockMs) const;
};

class SystemClock final : public Clock
{
public:
    std::int64_t monotonicMs() const override;
    std::int64_t wallMs() const override;
    // A process-wide instance for production code paths.
    static SystemClock &instance();
};

// A clock that moves only when told to: for tests and the simulated cluster.
class ManualClock final : public Clock
{
public:
    explicit ManualClock(std::int64_t startWallMs = 1'700'000'000'000)
        : m_wallStart(startWallMs)
    {}
    std::int64_t monotonicMs() const override { return m_now.load(); }
    std::int64_t wallMs() const override { return m_wallStart + m_now.load(); }
    void advance(std::int64_t ms) { m_now.fetch_add(ms); }

private:
    std::int64_t m_wallStart;
    std::atomic<std::int64_t> m_now{0};
};

// Time that runs `scale` times as fast as the system clock, for simulations and training (a
// scenario's two minutes in 30 s at scale 4) and for tests of time-outs that would otherwise take
// long. Both readings start at the real ones at the origin (by default the moment the clock is
// created) and then advance scale ms per real ms:
//   wallMs()      = origin + scale * (real wall time - origin)
//   monotonicMs() = the system clock's monotonic reading at the origin + scale * (real time since)
// Processes on one machine that share the scale and the origin therefore read the same times (a
// local cluster's agents and its console: foresight-agent --time-scale / --time-origin).
//
// Safety: leases are granted and counted on two clocks (the console's and the primary's agent's);
// they are safe only when both run at the same rate. A console and its agents must use the same
// scale; the agent says its own in every heartbeat and a console ignores the heartbeats of an
// agent whose scale differs from its clock's rate (docs/protocol.md 9.7).
//
// Bad values are clamped, not rejected: a scale below 1, not a number, or above kMaxScale becomes
// 1 (below 1 or NaN) or kMaxScale; an origin in the future becomes now. User input goes through
// validateScale() first, which rejects them with a message. Exactly 1 behaves as SystemClock.
// Immutable after construction, so thread-safe.
class ScaledClock final : public Clock
{
public:
    static constexpr double kMaxScale = 100.0;

    explicit ScaledClock(double scale, std::optional<std::int64_t> originWallMs = std::nullopt);
    std::int64_t monotonicMs() const override;
    std::int64_t wallMs() const override;
    double rate() const override { return m_scale; }

    double scale() const { return m_scale; }
    std::int64_t originWallMs() const { return m_originWallMs; }

    // InvalidArgument, naming the allowed range, unless 1 <= scale <= kMaxScale.
    static Status validateScale(double scale);

private:
    std::int64_t scaledSinceOriginMs() const;

    double m_scale;
    std::int64_t m_originWallMs;
    std::int64_t m_originMonotonicMs;                     // the system clock's monotonic reading at the origin
    std::chrono::steady_clock::time_point m_originSteady; // the real monotonic time of the origin
};

} // namespace foresight
