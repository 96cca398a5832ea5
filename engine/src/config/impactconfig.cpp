#include "config/impactconfig.h"

#include <QJsonArray>

#include "config/configfields.h"

using namespace Qt::StringLiterals;

namespace foresight::config {

namespace {

// "keys": one pattern, or an array of them (any matches).
Result<QStringList> parseKeys(const QJsonObject &ruleJson, const QString &path)
{
    const QJsonValue value = ruleJson.value("keys"_L1);
    if (value.isString())
        return QStringList{value.toString()};
    if (!value.isArray()) {
        return invalid(path, QStringLiteral("must be a key pattern or an array of them, not %1").arg(describe(value)));
    }
    QStringList keys;
    const QJsonArray array = value.toArray();
    for (qsizetype i = 0; i < array.size(); ++i) {
        if (!array.at(i).isString())
            return invalid(itemPath(path, i),
                           QStringLiteral("must be a key pattern (a string), not %1").arg(describe(array.at(i))));
        keys.append(array.at(i).toString());
    }
    return keys;
}

Result<ImpactRule> parseRule(const QJsonObject &json, const QString &path)
{
    const Fields fields(json, path);
    QString className;
    const Status status = all({
        fields.onlyKnown({"keys"_L1, "class"_L1, "tolerated-staleness-ms"_L1}),
        fields.require({"keys"_L1, "class"_L1}),
        fields.read("class"_L1, &className),
    });
    if (!status)
        return std::unexpected(status.error());
    ImpactRule rule;
    const auto impactClass = impactClassFromName(className);
    if (!impactClass) {
        return invalid(fields.path("class"_L1),
                       QStringLiteral("'%1' is not critical, high, medium or low").arg(className));
    }
    rule.impactClass = *impactClass;
    rule.toleratedStalenessMs = defaultToleratedStalenessMs(rule.impactClass);
    if (auto read = fields.read("tolerated-staleness-ms"_L1,
                                &rule.toleratedStalenessMs,
                                IntRange{kMinToleratedStalenessMs, kMaxToleratedStalenessMs});
        !read) {
        return std::unexpected(read.error());
    }
    auto keys = parseKeys(json, fields.path("keys"_L1));
    if (!keys)
        return std::unexpected(keys.error());
    rule.keys = *keys;
    return rule;
}

} // namespace

Status parseAppImpact(const QJsonObject &appJson, const QString &appPath, ClusterApp *app)
{
    const Fields fields(appJson, appPath);
    auto rules = fields.array("impact"_L1);
    if (!rules)
        return std::unexpected(rules.error());
    const QString path = fields.path("impact"_L1);
    for (qsizetype i = 0; i < rules->size(); ++i) {
        const QString rulePath = itemPath(path, i);
        auto item = objectItem(*rules, i, rulePath);
        if (!item)
            return std::unexpected(item.error());
        auto rule = parseRule(*item, rulePath);
        if (!rule)
            return std::unexpected(rule.error());
        app->impact.append(*rule);
    }
    return {};
}

void insertAppImpact(const ClusterApp &app, QJsonObject *appJson)
{
    QJsonArray rules;
    for (const ImpactRule &rule : app.impact) {
        const QJsonValue keys = rule.keys.size() == 1 ? QJsonValue(rule.keys.first())
                                                      : QJsonValue(QJsonArray::fromStringList(rule.keys));
        rules.append(QJsonObject{{QStringLiteral("keys"), keys},
                                 {QStringLiteral("class"), impactClassName(rule.impactClass)},
                                 {QStringLiteral("tolerated-staleness-ms"), rule.toleratedStalenessMs}});
    }
    appJson->insert(QStringLiteral("impact"), rules);
}

} // namespace foresight::config
