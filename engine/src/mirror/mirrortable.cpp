#include "foresight/mirror/mirrortable.h"

#include <algorithm>
#include <bit>
#include <cmath>

namespace foresight::mirror {

MirrorTable::MirrorTable(const MirrorPolicy &policy)
    : m_policy(policy.validate() ? policy : MirrorPolicy{})
{}

MirrorTable::Lookup MirrorTable::lookup(const QString &key, std::int64_t nowMs)
{
    ++m_metrics.reads;
    if (!m_policy.mirrors(key)) {
        ++m_metrics.sourceReads;
        return {Answer::Source};
    }
    const auto it = m_entries.find(key);
    if (it == m_entries.end())
        return {Answer::Refresh, RefreshCause::First};
    Entry &entry = *it;
    if (entry.bypassUntilMs > nowMs) {
        ++m_metrics.sourceReads;
        ++m_metrics.outOfSyncReads;
        return {Answer::Source};
    }
    if (entry.invalidated)
        return {Answer::Refresh, entry.announced ? RefreshCause::Invalidated : RefreshCause::Resync};
    if (entry.windowEndMs > entry.windowStartMs && nowMs >= entry.windowStartMs) {
        if (nowMs > entry.windowEndMs) {
            // The forecast change did not come: the copy is as good as its age says.
            ++m_metrics.forecastsMissed;
            entry.windowStartMs = entry.windowEndMs = 0;
        } else if (nowMs >= entry.nextProbeMs) {
            return {Answer::Refresh, RefreshCause::Forecast};
        }
    }
    if (nowMs - entry.copy.readAtMs >= maxAge())
        return {Answer::Refresh, RefreshCause::Expired};
    ++m_metrics.hits;
    m_metrics.hitAgeSumMs += nowMs - entry.copy.readAtMs;
    return {Answer::Hit, RefreshCause::First, &entry.copy};
}

void MirrorTable::store(
    const QString &key, RefreshCause cause, const SourceRead &read, std::int64_t nowMs, std::int64_t latencyUs)
{
    ++m_metrics.refreshes[std::size_t(cause)];
    m_metrics.refreshLatency.add(latencyUs);
    auto it = m_entries.find(key);
    const bool existed = it != m_entries.end();
    if (!existed)
        it = m_entries.insert(key, Entry{});
    Entry &entry = *it;
    const bool changed = existed && entry.copy.value != read.value;
    if (existed && cause == RefreshCause::Forecast && changed)
        ++m_metrics.forecastsRight;
    entry.copy = MirrorCopy{read.value, read.epoch, read.seq, nowMs};
    entry.invalidated = false;
    entry.announced = false;
    if (read.forecast)
        openWindow(entry, *read.forecast, nowMs, changed);
    else
        entry.windowStartMs = entry.windowEndMs = 0;
    if (existed && cause == RefreshCause::Expired)
        noteUnannouncedChange(entry, changed, nowMs);
}

void MirrorTable::openWindow(Entry &entry, const ChangeForecast &forecast, std::int64_t nowMs, bool changed)
{
    const bool hadWindow = entry.windowEndMs > entry.windowStartMs;
    if (forecast.confidence < m_policy.minConfidence || forecast.nextChangeInMs > m_policy.horizonMs) {
        entry.windowStartMs = entry.windowEndMs = 0;
        return;
    }
    const auto window = std::max(m_policy.minWindowMs,
                                 std::int64_t(std::llround(m_policy.windowShare * std::max(0.0, forecast.intervalMs))));
    const std::int64_t changeMs = nowMs + forecast.nextChangeInMs;
    const std::int64_t probeEveryMs = std::max<std::int64_t>(1, 2 * window / m_policy.windowProbes);
    // The same forecast as the open window's (read again; the relative time moves by the read's
    // own latency): the source's model has not learnt from a change since.
    const bool sameForecast = hadWindow && std::llabs(changeMs - entry.forecastChangeMs) <= window / 2;
    if (sameForecast) {
        if (changed) {
            // The change this window waited for was found; the forecast of the next one comes
            // once the source's model has learnt from it. Until then, the copy's age rules.
            entry.windowStartMs = entry.windowEndMs = 0;
        } else {
            entry.nextProbeMs = nowMs + probeEveryMs;
        }
        return;
    }
    if (changeMs + window < nowMs) {
        // Overdue beyond its window: the forecast says nothing about when.
        entry.windowStartMs = entry.windowEndMs = 0;
        return;
    }
    if (hadWindow && !changed)
        ++m_metrics.forecastsMissed; // replaced before its change came
    entry.windowStartMs = changeMs - window;
    entry.windowEndMs = changeMs + window;
    entry.forecastChangeMs = changeMs;
    entry.nextProbeMs = std::max(entry.windowStartMs, nowMs + probeEveryMs);
    ++m_metrics.forecastWindows;
}

void MirrorTable::noteUnannouncedChange(Entry &entry, bool changed, std::int64_t nowMs)
{
    if (changed)
        ++m_metrics.unannouncedChanges;
    entry.changedHistory = (entry.changedHistory << 1) | (changed ? 1u : 0u);
    entry.historyLength = std::min(entry.historyLength + 1, m_policy.volatileWindow);
    if (entry.historyLength < m_policy.volatileWindow)
        return;
    const std::uint32_t mask = m_policy.volatileWindow >= 32 ? ~0u : (1u << m_policy.volatileWindow) - 1;
    if (std::popcount(entry.changedHistory & mask) < m_policy.volatileChanged)
        return;
    // It changes between most reads without anyone saying so: a copy of it mostly misleads.
    entry.bypassUntilMs = nowMs + m_policy.bypassMs;
    entry.invalidated = true;
    entry.announced = false;
    entry.changedHistory = 0;
    entry.historyLength = 0;
}

void MirrorTable::recordWrite(const QString &key,
                              const std::optional<QByteArray> &value,
                              std::uint64_t epoch,
                              std::uint64_t seq,
                              std::int64_t nowMs)
{
    if (!m_policy.mirrors(key))
        return;
    auto it = m_entries.find(key);
    if (it == m_entries.end())
        it = m_entries.insert(key, Entry{});
    else if (it->copy.seq > seq)
        return; // the copy is newer than this write already
    Entry &entry = *it;
    ++m_metrics.writesThrough;
    entry.copy = MirrorCopy{value, epoch, seq, nowMs};
    entry.invalidated = false;
    entry.announced = false;
    entry.windowStartMs = entry.windowEndMs = 0;
}

MirrorTable::EventOutcome MirrorTable::applyEvent(const ChangeEvent &event, std::int64_t nowMs)
{
    if (event.eventSeq <= m_lastEventSeq)
        return EventOutcome::Old;
    ++m_metrics.events;
    const std::uint64_t skipped = event.eventSeq - m_lastEventSeq - 1;
    m_lastEventSeq = event.eventSeq;
    if (skipped > 0 || event.overflow) {
        m_metrics.missedEvents += std::int64_t(skipped) + (event.overflow ? 1 : 0);
        invalidateAll();
        return EventOutcome::Gap;
    }
    for (const QString &key : event.keys) {
        const auto it = m_entries.find(key);
        if (it == m_entries.end() || it->invalidated || it->copy.seq >= event.seq)
            continue;
        Entry &entry = *it;
        entry.invalidated = true;
        entry.announced = true;
        ++m_metrics.eventInvalidations;
        if (entry.windowEndMs > entry.windowStartMs) {
            // Judged here: the refresh that follows is for the event, not the forecast.
            if (nowMs >= entry.windowStartMs && nowMs <= entry.windowEndMs)
                ++m_metrics.forecastsRight;
            else
                ++m_metrics.forecastsMissed;
            entry.windowStartMs = entry.windowEndMs = 0;
        }
    }
    return EventOutcome::Applied;
}

void MirrorTable::setEventsLive(bool live)
{
    if (live && !m_eventsLive) {
        m_lastEventSeq = 0;
        // Changes between a copy's read and the subscription were announced to nobody.
        if (!m_entries.isEmpty())
            invalidateAll();
    }
    m_eventsLive = live;
}

void MirrorTable::invalidateAll()
{
    ++m_metrics.resyncs;
    for (Entry &entry : m_entries) {
        entry.invalidated = true;
        entry.announced = false;
    }
}

void MirrorTable::clear()
{
    m_entries.clear();
}

} // namespace foresight::mirror
