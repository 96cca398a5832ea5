#pragma once

#include <array>

#include <QList>
#include <QRegularExpression>
#include <QString>
#include <QStringList>

#include "foresight/config/impactfunction.h"
#include "foresight/core/result.h"

namespace foresight::partitioning {

// The keys a warm replica receives at once, in order with every write: the application's
// critical patterns (AppConfig::critical) and the patterns of its impact function's critical
// rules, without repeats. A key is critical exactly when it matches one (KeyClassifier agrees),
// so the critical partitions are the ones a warm replica's ordered stream carries, and the others
// are what the scheduler sends it.
QStringList effectiveCriticalPatterns(const QStringList &critical, const config::ImpactFunction &function);

// What a key's staleness costs, as the partitions are ranked: the application's impact function
// (config/impactfunction.h), with every key matching effectiveCriticalPatterns() critical (with
// the strictest critical tolerance, when its first matching rule is another class's). A warm
// replica receives those keys at once, as part of what it holds; ranking them as anything less
// would contradict what the tiers already promise.
//
// Immutable and cheap to copy (the compiled patterns are implicitly shared). Reentrant, as
// QRegularExpression is: each thread that classifies keys uses its own copy.
class KeyClassifier final
{
public:
    KeyClassifier(); // no rules: every key low, with low's default tolerance

    // InvalidArgument for an empty critical pattern (keyglob.h).
    static Result<KeyClassifier> create(const config::ImpactFunction &function, const QStringList &criticalPatterns);

    config::Impact classify(const QString &key) const;
    // The smallest tolerated staleness any rule gives keys of this class (the critical patterns
    // count as a critical rule with critical's default), or the class's default without one: the
    // tolerance of a partition whose keys are not all known (the cold partitions).
    int strictestTolerance(config::ImpactClass impactClass) const;
    const config::ImpactFunction &function() const { return m_function; }

private:
    config::ImpactFunction m_function;
    QList<QRegularExpression> m_critical;
    std::array<int, 4> m_strictest{};
};

} // namespace foresight::partitioning
