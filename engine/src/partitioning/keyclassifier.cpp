#include "foresight/partitioning/keyclassifier.h"

#include <algorithm>

#include "foresight/core/keyglob.h"

namespace foresight::partitioning {

using config::ImpactClass;

QStringList effectiveCriticalPatterns(const QStringList &critical, const config::ImpactFunction &function)
{
    QStringList patterns = critical;
    for (const config::ImpactRule &rule : function.rules()) {
        if (rule.impactClass != ImpactClass::Critical)
            continue;
        for (const QString &pattern : rule.keys) {
            if (!patterns.contains(pattern))
                patterns.append(pattern);
        }
    }
    return patterns;
}

KeyClassifier::KeyClassifier()
{
    for (ImpactClass impactClass : {ImpactClass::Low, ImpactClass::Medium, ImpactClass::High, ImpactClass::Critical})
        m_strictest[std::size_t(impactClass)] = config::defaultToleratedStalenessMs(impactClass);
}

Result<KeyClassifier> KeyClassifier::create(const config::ImpactFunction &function, const QStringList &criticalPatterns)
{
    KeyClassifier classifier;
    classifier.m_function = function;
    // Every pattern that makes a key critical, the critical rules' too: a key an earlier,
    // laxer rule also matches is still one a warm replica receives in order (the state's
    // critical patterns are these, effectiveCriticalPatterns()), so it must rank as critical.
    for (const QString &pattern : effectiveCriticalPatterns(criticalPatterns, function)) {
        QRegularExpression regex = keyGlobRegex(pattern);
        if (!regex.isValid())
            return fail(ErrorCode::InvalidArgument, QStringLiteral("critical pattern '%1' is not valid").arg(pattern));
        classifier.m_critical.append(std::move(regex));
    }
    // A class's default stands only where no rule of the class says otherwise; rules may be
    // laxer than the default, so the rules replace it rather than being compared with it.
    std::array<bool, 4> ruled{};
    for (const config::ImpactRule &rule : function.rules()) {
        const auto index = std::size_t(rule.impactClass);
        int &strictest = classifier.m_strictest[index];
        strictest = ruled[index] ? std::min(strictest, rule.toleratedStalenessMs) : rule.toleratedStalenessMs;
        ruled[index] = true;
    }
    // Keys no rule matches are low with low's default (unless a catch-all rule took them), so
    // the default stays among the low keys' tolerances.
    const auto low = std::size_t(ImpactClass::Low);
    classifier.m_strictest[low] = std::min(classifier.m_strictest[low],
                                           config::defaultToleratedStalenessMs(ImpactClass::Low));
    if (!criticalPatterns.isEmpty()) {
        const auto critical = std::size_t(ImpactClass::Critical);
        const int patternTolerance = config::defaultToleratedStalenessMs(ImpactClass::Critical);
        classifier.m_strictest[critical] = ruled[critical]
                                               ? std::min(classifier.m_strictest[critical], patternTolerance)
                                               : patternTolerance;
    }
    return classifier;
}

config::Impact KeyClassifier::classify(const QString &key) const
{
    config::Impact impact = m_function.classify(key);
    if (impact.impactClass == ImpactClass::Critical)
        return impact;
    for (const QRegularExpression &regex : m_critical) {
        if (regex.match(key).hasMatch())
            return {ImpactClass::Critical, m_strictest[std::size_t(ImpactClass::Critical)], impact.rule};
    }
    return impact;
}

int KeyClassifier::strictestTolerance(ImpactClass impactClass) const
{
    return m_strictest[std::size_t(impactClass)];
}

} // namespace foresight::partitioning
