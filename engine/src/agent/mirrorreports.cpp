#include "agent/mirrorreports.h"

#include <algorithm>

namespace foresight::agent {

namespace {

Status wrongField(const QString &field, const QString &what)
{
    return std::unexpected(
        Error{ErrorCode::InvalidArgument, QStringLiteral("mirror-report: metrics field '%1' %2").arg(field, what)});
}

} // namespace

Status MirrorReports::validate(const QCborMap &metrics)
{
    if (metrics.size() > kMaxFields)
        return std::unexpected(Error{ErrorCode::InvalidArgument,
                                     QStringLiteral("mirror-report: metrics has %1 fields, at most %2")
                                         .arg(metrics.size())
                                         .arg(kMaxFields)});
    for (auto it = metrics.cbegin(); it != metrics.cend(); ++it) {
        const QString field = it.key().toString();
        if (!it.key().isString())
            return wrongField(field, QStringLiteral("is not named by text"));
        const QCborValue value = it.value();
        if (value.isInteger() || value.isDouble() || value.isBool())
            continue;
        if (!value.isMap())
            return wrongField(field, QStringLiteral("is not a number, a boolean or a map of numbers"));
        const QCborMap inner = value.toMap();
        if (inner.size() > kMaxFields)
            return wrongField(field, QStringLiteral("has more than %1 entries").arg(kMaxFields));
        for (auto in = inner.cbegin(); in != inner.cend(); ++in) {
            if (!in.key().isString() || !(in.value().isInteger() || in.value().isDouble()))
                return wrongField(field, QStringLiteral("holds something other than numbers named by text"));
        }
    }
    return {};
}

void MirrorReports::record(
    const QString &app, const QString &client, std::uint64_t connection, const QCborMap &metrics, std::int64_t nowMs)
{
    QHash<QString, Report> &reports = m_apps[app];
    reports.removeIf([nowMs](const auto &entry) { return nowMs - entry.value().receivedMs > kForgetAfterMs; });
    const QString key = client + QLatin1Char('@') + QString::number(connection);
    if (!reports.contains(key) && reports.size() >= kMaxClientsPerApp) {
        // Full: the client heard from longest ago makes room.
        auto oldest = std::min_element(reports.begin(), reports.end(), [](const Report &a, const Report &b) {
            return a.receivedMs < b.receivedMs;
        });
        reports.erase(oldest);
    }
    reports.insert(key, Report{client, metrics, nowMs});
}

QCborArray MirrorReports::clients(const QString &app, std::int64_t nowMs) const
{
    QCborArray out;
    for (const Report &report : m_apps.value(app)) {
        if (nowMs - report.receivedMs > kForgetAfterMs)
            continue;
        out.append(QCborMap{{QStringLiteral("client"), report.client},
                            {QStringLiteral("reported-ms-ago"), qint64(nowMs - report.receivedMs)},
                            {QStringLiteral("metrics"), report.metrics}});
    }
    return out;
}

} // namespace foresight::agent
