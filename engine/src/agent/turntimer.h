#pragma once

// Where one turn of the agent's loop spent its time, and a warning when a turn was long enough to
// matter: a turn over kSlowTurnMs delays every heartbeat, acknowledgement and write behind it,
// and the console suspects an agent silent for about 150 ms. What found scenario 05's false
// failover (docs/scenarios.md): a primary's turns of up to 1.57 s, all of it in one phase.
//
// Cheap enough for every turn (a steady-clock reading per phase); the warning is logged at most
// once per kWarnEveryMs, with the longest turn since the last one. Not thread-safe: the agent's
// thread.

#include <array>
#include <chrono>
#include <cstdint>
#include <optional>

#include <QString>

namespace foresight::agent {

class TurnTimer final
{
public:
    using Clock = std::chrono::steady_clock;
    static constexpr std::int64_t kSlowTurnMs = 100;
    static constexpr std::int64_t kWarnEveryMs = 5000;
    static constexpr std::size_t kMaxPhases = 12;

    // The turn's work starts (after the wait for something to do).
    void start(Clock::time_point now);
    // The phase named `name` (a string literal: kept as a pointer) ended at `now`.
    void phase(const char *name, Clock::time_point now);
    // The turn ended with its last phase: the warning to log now, if any ("agent loop turn of
    // 412 ms: api 398 ms, timers 12 ms"; phases under 1 ms left out).
    std::optional<QString> finish();

    // Turns over kSlowTurnMs since the agent started, and the longest turn (ms).
    std::int64_t slowTurns() const { return m_slowTurns; }
    std::int64_t longestTurnMs() const { return m_longestMs; }

private:
    struct Phase
    {
        const char *name = nullptr;
        std::int64_t us = 0;
    };
    Clock::time_point m_start;
    Clock::time_point m_last;
    std::array<Phase, kMaxPhases> m_phases{};
    std::size_t m_count = 0;
    // The worst slow turn not reported yet, and when the last warning went out.
    std::optional<QString> m_pending;
    std::int64_t m_pendingMs = 0;
    std::optional<Clock::time_point> m_lastWarning;
    std::int64_t m_slowTurns = 0;
    std::int64_t m_longestMs = 0;
};

} // namespace foresight::agent
