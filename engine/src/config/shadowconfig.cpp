#include "config/shadowconfig.h"

#include <cmath>

#include "config/configfields.h"

using namespace Qt::StringLiterals;

namespace foresight::config {

namespace {
constexpr IntRange kRetireIdleRange{0, 604'800'000};
constexpr IntRange kShadowsPerAgentRange{1, 10'000};
constexpr qint64 kMaxSwapLag = 1'000'000'000;

struct NamedCriticality
{
    const char *name;
    Criticality criticality;
    double weight;
    qint64 swapMaxLag;
};
// The swap lag allowed is what may still ship while writes pause: the more an application
// matters, the shorter the pause its operators will accept.
constexpr NamedCriticality kCriticalities[] = {{"low", Criticality::Low, 0.25, 100'000},
                                               {"medium", Criticality::Medium, 0.5, 10'000},
                                               {"high", Criticality::High, 0.75, 1'000},
                                               {"critical", Criticality::Critical, 1.0, 100}};

const NamedCriticality &named(Criticality criticality)
{
    for (const NamedCriticality &entry : kCriticalities) {
        if (entry.criticality == criticality)
            return entry;
    }
    return kCriticalities[1];
}

Status checkRisk(const QString &path, double value)
{
    if (!std::isfinite(value) || value <= 0 || value > 1)
        return invalid(path, QStringLiteral("%1 must be above 0 and at most 1").arg(formatNumber(value)));
    return {};
}
} // namespace

QString criticalityName(Criticality criticality)
{
    return QLatin1String(named(criticality).name);
}

std::optional<Criticality> criticalityFromName(const QString &name)
{
    for (const NamedCriticality &entry : kCriticalities) {
        if (name == QLatin1String(entry.name))
            return entry.criticality;
    }
    return std::nullopt;
}

double criticalityWeight(Criticality criticality)
{
    return named(criticality).weight;
}

qint64 ClusterApp::swapMaxLag() const
{
    return shadow.maxSwapLag >= 0 ? shadow.maxSwapLag : named(criticality).swapMaxLag;
}

Status ShadowSettings::validate() const
{
    if (auto status = checkRisk(QStringLiteral("shadows.deploy-risk"), deployRisk); !status)
        return status;
    if (auto status = checkRisk(QStringLiteral("shadows.imminent-risk"), imminentRisk); !status)
        return status;
    if (imminentRisk < deployRisk) {
        return invalid(QStringLiteral("shadows.imminent-risk"),
                       QStringLiteral("%1 is below deploy-risk (%2): a failure cannot be imminent before a shadow "
                                      "is warranted")
                           .arg(formatNumber(imminentRisk), formatNumber(deployRisk)));
    }
    if (auto status = checkRange(QStringLiteral("shadows.retire-idle-ms"), retireIdleMs, kRetireIdleRange); !status)
        return status;
    return checkRange(QStringLiteral("shadows.max-shadows-per-agent"), maxShadowsPerAgent, kShadowsPerAgentRange);
}

Result<ShadowSettings> parseShadowSettings(const QJsonObject &json, const QString &path)
{
    const Fields fields(json, path);
    ShadowSettings settings;
    const Status status = all({
        fields.onlyKnown(
            {"enabled"_L1, "deploy-risk"_L1, "imminent-risk"_L1, "retire-idle-ms"_L1, "max-shadows-per-agent"_L1}),
        fields.read("enabled"_L1, &settings.enabled),
        fields.read("deploy-risk"_L1, &settings.deployRisk),
        fields.read("imminent-risk"_L1, &settings.imminentRisk),
        fields.read("retire-idle-ms"_L1, &settings.retireIdleMs, kRetireIdleRange),
        fields.read("max-shadows-per-agent"_L1, &settings.maxShadowsPerAgent, kShadowsPerAgentRange),
    });
    if (!status)
        return std::unexpected(status.error());
    return settings;
}

QJsonObject shadowSettingsJson(const ShadowSettings &settings)
{
    return QJsonObject{{QStringLiteral("enabled"), settings.enabled},
                       {QStringLiteral("deploy-risk"), settings.deployRisk},
                       {QStringLiteral("imminent-risk"), settings.imminentRisk},
                       {QStringLiteral("retire-idle-ms"), settings.retireIdleMs},
                       {QStringLiteral("max-shadows-per-agent"), settings.maxShadowsPerAgent}};
}

Status parseAppShadowFields(const QJsonObject &appJson, const QString &appPath, ClusterApp *app)
{
    const Fields fields(appJson, appPath);
    QString criticality = criticalityName(app->criticality);
    if (auto status = fields.read("criticality"_L1, &criticality); !status)
        return status;
    const auto parsed = criticalityFromName(criticality);
    if (!parsed)
        return invalid(fields.path("criticality"_L1),
                       QStringLiteral("'%1' is not low, medium, high or critical").arg(criticality));
    app->criticality = *parsed;

    auto shadow = fields.object("shadow"_L1);
    if (!shadow)
        return std::unexpected(shadow.error());
    const Fields shadowFields(*shadow, fields.path("shadow"_L1));
    double maxSwapLag = double(app->shadow.maxSwapLag);
    const Status status = all({
        shadowFields.onlyKnown({"enabled"_L1, "auto-swap"_L1, "max-swap-lag"_L1}),
        shadowFields.read("enabled"_L1, &app->shadow.enabled),
        shadowFields.read("auto-swap"_L1, &app->shadow.autoSwap),
        shadowFields.read("max-swap-lag"_L1, &maxSwapLag),
    });
    if (!status)
        return status;
    if (std::trunc(maxSwapLag) != maxSwapLag || maxSwapLag < -1 || maxSwapLag > double(kMaxSwapLag))
        return invalid(shadowFields.path("max-swap-lag"_L1),
                       QStringLiteral("%1 must be a whole number from -1 (by criticality) to %2")
                           .arg(formatNumber(maxSwapLag))
                           .arg(kMaxSwapLag));
    app->shadow.maxSwapLag = qint64(maxSwapLag);
    return {};
}

void insertAppShadowFields(const ClusterApp &app, QJsonObject *appJson)
{
    appJson->insert(QStringLiteral("criticality"), criticalityName(app.criticality));
    appJson->insert(QStringLiteral("shadow"),
                    QJsonObject{{QStringLiteral("enabled"), app.shadow.enabled},
                                {QStringLiteral("auto-swap"), app.shadow.autoSwap},
                                {QStringLiteral("max-swap-lag"), app.shadow.maxSwapLag}});
}

} // namespace foresight::config
