#pragma once

#include <atomic>
#include <cstdint>

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

} // namespace foresight
