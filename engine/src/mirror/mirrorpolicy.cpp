#include "foresight/mirror/mirrorpolicy.h"

namespace foresight::mirror {

namespace {

Status outOfRange(const char *field, const QString &what)
{
    return std::unexpected(
        Error{ErrorCode::InvalidArgument, QStringLiteral("mirror policy: %1 %2").arg(QLatin1String(field), what)});
}

} // namespace

Status MirrorPolicy::validate() const
{
    if (maxAgeMs < 0)
        return outOfRange("maxAgeMs", QStringLiteral("is %1; it must be at least 0").arg(maxAgeMs));
    if (maxAgeWithEventsMs < maxAgeMs)
        return outOfRange("maxAgeWithEventsMs",
                          QStringLiteral("is %1; it must be at least maxAgeMs (%2)")
                              .arg(maxAgeWithEventsMs)
                              .arg(maxAgeMs));
    if (eventIntervalMs < 50 || eventIntervalMs > 60'000)
        return outOfRange("eventIntervalMs", QStringLiteral("is %1; it must be from 50 to 60000").arg(eventIntervalMs));
    if (reportIntervalMs != 0 && (reportIntervalMs < 1000 || reportIntervalMs > 3'600'000))
        return outOfRange("reportIntervalMs",
                          QStringLiteral("is %1; it must be 0 (never) or from 1000 to 3600000").arg(reportIntervalMs));
    if (horizonMs < 0)
        return outOfRange("horizonMs", QStringLiteral("is %1; it must be at least 0").arg(horizonMs));
    if (!(windowShare >= 0 && windowShare <= 4))
        return outOfRange("windowShare", QStringLiteral("is %1; it must be from 0 to 4").arg(windowShare));
    if (minWindowMs < 1)
        return outOfRange("minWindowMs", QStringLiteral("is %1; it must be at least 1").arg(minWindowMs));
    if (windowProbes < 1 || windowProbes > 1000)
        return outOfRange("windowProbes", QStringLiteral("is %1; it must be from 1 to 1000").arg(windowProbes));
    if (!(minConfidence >= 0 && minConfidence <= 1))
        return outOfRange("minConfidence", QStringLiteral("is %1; it must be from 0 to 1").arg(minConfidence));
    if (volatileWindow < 1 || volatileWindow > 32)
        return outOfRange("volatileWindow", QStringLiteral("is %1; it must be from 1 to 32").arg(volatileWindow));
    if (volatileChanged < 1 || volatileChanged > volatileWindow)
        return outOfRange("volatileChanged",
                          QStringLiteral("is %1; it must be from 1 to volatileWindow (%2)")
                              .arg(volatileChanged)
                              .arg(volatileWindow));
    if (bypassMs < 0)
        return outOfRange("bypassMs", QStringLiteral("is %1; it must be at least 0").arg(bypassMs));
    for (const QString &prefix : excludedPrefixes) {
        if (prefix.isEmpty())
            return outOfRange("excludedPrefixes",
                              QStringLiteral("holds an empty prefix, which would exclude every key; set enabled = "
                                             "false to turn mirrors off"));
    }
    return {};
}

bool MirrorPolicy::mirrors(const QString &key) const
{
    if (!enabled)
        return false;
    for (const QString &prefix : excludedPrefixes) {
        if (key.startsWith(prefix))
            return false;
    }
    return true;
}

} // namespace foresight::mirror
