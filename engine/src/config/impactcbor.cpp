#include "foresight/config/impactcbor.h"

#include <QCborMap>

#include "config/configfields.h"

using namespace Qt::StringLiterals;

namespace foresight::config {

namespace {

const QString kKeys = u"keys"_s;
const QString kClass = u"class"_s;
const QString kTolerated = u"tolerated-staleness-ms"_s;

// What a wrong value was, for "must be ..., not <this>": the sender is a program, so the CBOR kind.
QString describeCbor(const QCborValue &value)
{
    if (value.isString())
        return u"'%1'"_s.arg(value.toString());
    if (value.isInteger())
        return QString::number(value.toInteger());
    if (value.isDouble())
        return formatNumber(value.toDouble());
    if (value.isBool())
        return value.toBool() ? u"true"_s : u"false"_s;
    if (value.isNull())
        return u"null"_s;
    if (value.isArray())
        return u"an array"_s;
    if (value.isMap())
        return u"a map"_s;
    if (value.isByteArray())
        return u"a byte string"_s;
    return u"a CBOR item of another kind"_s;
}

Result<QStringList> keysFromCbor(const QCborValue &value, const QString &path)
{
    if (value.isUndefined())
        return invalid(path, u"missing: the rule's key patterns are required"_s);
    if (!value.isArray())
        return invalid(path, u"must be an array of key patterns, not %1"_s.arg(describeCbor(value)));
    QStringList keys;
    const QCborArray array = value.toArray();
    for (qsizetype i = 0; i < array.size(); ++i) {
        if (!array.at(i).isString()) {
            return invalid(itemPath(path, i), u"must be a key pattern (text), not %1"_s.arg(describeCbor(array.at(i))));
        }
        keys.append(array.at(i).toString());
    }
    return keys;
}

Result<ImpactRule> ruleFromCbor(const QCborValue &value, const QString &path)
{
    if (!value.isMap()) {
        return invalid(path,
                       u"must be a rule (a map of keys, class and tolerated-staleness-ms), not %1"_s.arg(
                           describeCbor(value)));
    }
    const QCborMap map = value.toMap();
    // As in the cluster file: a key this build does not know would be silently ignored otherwise.
    for (auto it = map.begin(); it != map.end(); ++it) {
        const QString key = it.key().isString() ? it.key().toString() : describeCbor(it.key());
        if (key != kKeys && key != kClass && key != kTolerated)
            return invalid(childPath(path, key), u"unknown key; expected keys, class, tolerated-staleness-ms"_s);
    }
    ImpactRule rule;
    const QCborValue className = map.value(kClass);
    if (!className.isString()) {
        return invalid(childPath(path, kClass),
                       className.isUndefined()
                           ? u"missing: the rule's class is required"_s
                           : u"must be critical, high, medium or low, not %1"_s.arg(describeCbor(className)));
    }
    const auto impactClass = impactClassFromName(className.toString());
    if (!impactClass) {
        return invalid(childPath(path, kClass),
                       u"'%1' is not critical, high, medium or low"_s.arg(className.toString()));
    }
    rule.impactClass = *impactClass;
    rule.toleratedStalenessMs = defaultToleratedStalenessMs(rule.impactClass);
    if (const QCborValue tolerated = map.value(kTolerated); !tolerated.isUndefined()) {
        const QString toleratedPath = childPath(path, kTolerated);
        if (!tolerated.isInteger())
            return invalid(toleratedPath, u"must be a whole number, not %1"_s.arg(describeCbor(tolerated)));
        // Checked before it is narrowed to an int, which a 64-bit CBOR integer may not fit.
        if (auto ok = checkRange(toleratedPath,
                                 double(tolerated.toInteger()),
                                 IntRange{kMinToleratedStalenessMs, kMaxToleratedStalenessMs});
            !ok) {
            return std::unexpected(ok.error());
        }
        rule.toleratedStalenessMs = int(tolerated.toInteger());
    }
    auto keys = keysFromCbor(map.value(kKeys), childPath(path, kKeys));
    if (!keys)
        return std::unexpected(keys.error());
    rule.keys = *keys;
    return rule;
}

} // namespace

QCborArray impactRulesToCbor(const QList<ImpactRule> &rules)
{
    QCborArray array;
    for (const ImpactRule &rule : rules) {
        array.append(QCborMap{{kKeys, QCborArray::fromStringList(rule.keys)},
                              {kClass, impactClassName(rule.impactClass)},
                              {kTolerated, rule.toleratedStalenessMs}});
    }
    return array;
}

Result<QList<ImpactRule>> impactRulesFromCbor(const QCborValue &value, const QString &path)
{
    if (!value.isArray())
        return invalid(path, u"must be an array of rules, not %1"_s.arg(describeCbor(value)));
    const QCborArray array = value.toArray();
    // compile() says the same; refused here before decoding thousands of rules for nothing.
    if (array.size() > kMaxImpactRules)
        return invalid(path, u"%1 rules; at most %2"_s.arg(array.size()).arg(kMaxImpactRules));
    QList<ImpactRule> rules;
    rules.reserve(array.size());
    for (qsizetype i = 0; i < array.size(); ++i) {
        auto rule = ruleFromCbor(array.at(i), itemPath(path, i));
        if (!rule)
            return std::unexpected(rule.error());
        rules.append(*rule);
    }
    return rules;
}

Result<ImpactFunction> impactFunctionFromCbor(const QCborValue &value, const QString &path)
{
    auto rules = impactRulesFromCbor(value, path);
    if (!rules)
        return std::unexpected(rules.error());
    return ImpactFunction::compile(*rules, path);
}

} // namespace foresight::config
