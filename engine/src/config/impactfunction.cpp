#include "foresight/config/impactfunction.h"

#include <QHash>

#include "config/configfields.h"
#include "foresight/core/keyglob.h"

namespace foresight::config {

namespace {

// docs/protocol.md: a key is 1 to 1024 bytes of UTF-8, so a pattern that needs more never matches.
constexpr qsizetype kMaxKeyBytes = 1024;

struct NamedClass
{
    const char *name;
    ImpactClass impactClass;
    int toleratedStalenessMs;
};
constexpr NamedClass kClasses[] = {{"low", ImpactClass::Low, 600'000},
                                   {"medium", ImpactClass::Medium, 60'000},
                                   {"high", ImpactClass::High, 5000},
                                   {"critical", ImpactClass::Critical, 1000}};

const NamedClass &named(ImpactClass impactClass)
{
    for (const NamedClass &entry : kClasses) {
        if (entry.impactClass == impactClass)
            return entry;
    }
    return kClasses[0];
}

// The fewest UTF-8 bytes a key matching the pattern has: its literal characters, and one at
// least for each '?'.
qsizetype minimumKeyBytes(const QString &pattern)
{
    QString literal = pattern;
    literal.remove(u'*');
    return literal.toUtf8().size();
}

// Syntax that other glob dialects give a meaning to and this one takes literally: an author who
// wrote it meant something else, and the pattern would silently match nothing they expected.
QString foreignSyntax(const QString &pattern)
{
    const qsizetype open = pattern.indexOf(u'[');
    if (open >= 0 && pattern.indexOf(u']', open + 1) > open) {
        return QStringLiteral("'[...]' is a character class in other globs but literal here; write '?' for any one "
                              "character");
    }
    const qsizetype brace = pattern.indexOf(u'{');
    if (brace >= 0 && pattern.indexOf(u',', brace + 1) > brace && pattern.indexOf(u'}', brace + 1) > brace)
        return QStringLiteral("'{a,b}' alternatives are literal here; list each alternative as a pattern of its own");
    for (qsizetype i = 0; i + 1 < pattern.size(); ++i) {
        if (pattern[i] == u'\\' && QStringView(u"*?[{\\").contains(pattern[i + 1])) {
            return QStringLiteral("'\\' escapes nothing here: '*' and '?' are always wildcards and everything else "
                                  "is literal");
        }
    }
    return {};
}

bool matchesEverything(const QString &pattern)
{
    return !pattern.isEmpty() && pattern.count(u'*') == pattern.size();
}

QString patternPath(const QString &rulePath, const ImpactRule &rule, qsizetype index)
{
    const QString keys = childPath(rulePath, QStringLiteral("keys"));
    return rule.keys.size() == 1 ? keys : itemPath(keys, index);
}

Status checkPattern(const QString &path, const QString &pattern)
{
    static const QString dialect = QStringLiteral("key patterns know only '*' (any run of characters, '/' included) "
                                                  "and '?' (one character)");
    if (pattern.isEmpty())
        return invalid(path, QStringLiteral("an empty pattern matches no key"));
    if (minimumKeyBytes(pattern) > kMaxKeyBytes) {
        return invalid(path,
                       QStringLiteral("the pattern needs keys longer than %1 bytes, which no key is").arg(kMaxKeyBytes));
    }
    if (const QString problem = foreignSyntax(pattern); !problem.isEmpty())
        return invalid(path, QStringLiteral("'%1': %2; %3").arg(pattern, problem, dialect));
    if (!keyGlobRegex(pattern).isValid())
        return invalid(path, QStringLiteral("'%1' is not a valid key pattern; %2").arg(pattern, dialect));
    return {};
}

} // namespace

QString impactClassName(ImpactClass impactClass)
{
    return QLatin1String(named(impactClass).name);
}

std::optional<ImpactClass> impactClassFromName(const QString &name)
{
    for (const NamedClass &entry : kClasses) {
        if (name == QLatin1String(entry.name))
            return entry.impactClass;
    }
    return std::nullopt;
}

int defaultToleratedStalenessMs(ImpactClass impactClass)
{
    return named(impactClass).toleratedStalenessMs;
}

Impact unmatchedImpact()
{
    return Impact{ImpactClass::Low, defaultToleratedStalenessMs(ImpactClass::Low), -1};
}

Result<ImpactFunction> ImpactFunction::compile(const QList<ImpactRule> &rules, const QString &path)
{
    if (rules.size() > kMaxImpactRules) {
        return invalid(path,
                       QStringLiteral("%1 rules; at most %2 (every key is matched against them in order)")
                           .arg(rules.size())
                           .arg(kMaxImpactRules));
    }
    ImpactFunction function;
    QHash<QString, QString> seen; // pattern -> the path that listed it first
    for (qsizetype i = 0; i < rules.size(); ++i) {
        const ImpactRule &rule = rules.at(i);
        const QString rulePath = itemPath(path, i);
        if (rule.keys.isEmpty())
            return invalid(childPath(rulePath, QStringLiteral("keys")), QStringLiteral("names no key pattern"));
        if (i > 0) {
            // First match wins: after a pattern that matches every key, no rule is ever reached.
            for (qsizetype j = 0; j < rules.at(i - 1).keys.size(); ++j) {
                if (matchesEverything(rules.at(i - 1).keys.at(j))) {
                    return invalid(rulePath,
                                   QStringLiteral("never applies: %1 is '%2', which matches every key first; a "
                                                  "catch-all rule goes last")
                                       .arg(patternPath(itemPath(path, i - 1), rules.at(i - 1), j),
                                            rules.at(i - 1).keys.at(j)));
                }
            }
        }
        for (qsizetype j = 0; j < rule.keys.size(); ++j) {
            const QString &pattern = rule.keys.at(j);
            const QString where = patternPath(rulePath, rule, j);
            if (auto status = checkPattern(where, pattern); !status)
                return std::unexpected(status.error());
            if (const auto it = seen.constFind(pattern); it != seen.cend()) {
                return invalid(where,
                               QStringLiteral("'%1' is already %2; the first match wins, so it would never apply here")
                                   .arg(pattern, *it));
            }
            seen.insert(pattern, where);
            function.m_patterns.append(keyGlobRegex(pattern));
            function.m_ruleOfPattern.append(i);
        }
        if (auto status = checkRange(childPath(rulePath, QStringLiteral("tolerated-staleness-ms")),
                                     rule.toleratedStalenessMs,
                                     IntRange{kMinToleratedStalenessMs, kMaxToleratedStalenessMs});
            !status) {
            return std::unexpected(status.error());
        }
    }
    function.m_rules = rules;
    return function;
}

Impact ImpactFunction::classify(const QString &key) const
{
    for (qsizetype i = 0; i < m_patterns.size(); ++i) {
        if (m_patterns.at(i).match(key).hasMatch()) {
            const ImpactRule &rule = m_rules.at(m_ruleOfPattern.at(i));
            return Impact{rule.impactClass, rule.toleratedStalenessMs, m_ruleOfPattern.at(i)};
        }
    }
    return unmatchedImpact();
}

} // namespace foresight::config
