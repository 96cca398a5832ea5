#pragma once

#include <optional>

#include <QList>
#include <QRegularExpression>
#include <QString>
#include <QStringList>

#include "foresight/core/result.h"

namespace foresight::config {

// How much it hurts when a replica's copy of some keys is stale (seed 9244993, "impact
// functions"): critical (a session token: synchronized at once), high (a game's current state:
// within a short delay), medium (preferences: a longer one), low (history: deferrable).
enum class ImpactClass { Low, Medium, High, Critical };
QString impactClassName(ImpactClass impactClass);
std::optional<ImpactClass> impactClassFromName(const QString &name);
// The staleness a class tolerates where a rule does not say: critical 1 s, high 5 s, medium
// 60 s, low 10 min.
int defaultToleratedStalenessMs(ImpactClass impactClass);

// A tolerance of 0 would be hot replication, which a hot replica gives; a week is far beyond
// what any replica lags without being rebuilt from a snapshot.
inline constexpr int kMinToleratedStalenessMs = 1;
inline constexpr int kMaxToleratedStalenessMs = 604'800'000;
// Every key is matched against the rules in order, on the primary's write path: a bound keeps
// that cheap, and a function of more rules than this is better written with broader patterns.
inline constexpr qsizetype kMaxImpactRules = 256;

// One rule of an application's impact function (docs/cluster-config.md, apps[i].impact): the
// keys matching any of `keys` have this class and tolerate this much staleness.
struct ImpactRule
{
    // Key patterns in the dialect of core/keyglob.h ('*' any run, '?' one character). Patterns
    // written for other glob dialects ("[0-9]", "{a,b}", "\*") are refused rather than taken
    // literally, which would silently match nothing.
    QStringList keys;
    ImpactClass impactClass = ImpactClass::Low;
    int toleratedStalenessMs = 600'000;

    bool operator==(const ImpactRule &other) const = default;
};

// What the impact function says about one key.
struct Impact
{
    ImpactClass impactClass = ImpactClass::Low;
    int toleratedStalenessMs = 600'000;
    qsizetype rule = -1; // the index of the rule that matched; -1: none did (the default)

    bool operator==(const Impact &other) const = default;
};

// An application's impact function, compiled: key -> impact class and tolerated staleness, by
// the first rule with a matching pattern; keys no rule matches are low with low's default
// tolerance (a last rule with the pattern "*" gives them another). Immutable once compiled and
// cheap to copy (the compiled patterns are implicitly shared); reentrant, as QRegularExpression
// is: a thread that classifies keys uses its own copy.
class ImpactFunction final
{
public:
    ImpactFunction() = default; // no rules: every key low

    // Checks and compiles rules. Errors are InvalidArgument and name the offending field below
    // `path` ("apps[0].impact[2].keys: ..."): no patterns, an empty pattern, one longer than any
    // key, syntax of another glob dialect, a pattern an earlier rule already lists, a rule after
    // a catch-all "*" (it could never apply), a tolerance outside kMin..kMaxToleratedStalenessMs,
    // more than kMaxImpactRules rules.
    static Result<ImpactFunction> compile(const QList<ImpactRule> &rules, const QString &path);

    Impact classify(const QString &key) const;
    const QList<ImpactRule> &rules() const { return m_rules; }

private:
    QList<ImpactRule> m_rules;
    QList<QRegularExpression> m_patterns; // every rule's patterns, in rule order
    QList<qsizetype> m_ruleOfPattern;     // m_patterns[i] belongs to m_rules[m_ruleOfPattern[i]]
};

// The impact of keys nobody declared.
Impact unmatchedImpact();

} // namespace foresight::config
