#pragma once

#include <QCborArray>
#include <QCborValue>
#include <QList>
#include <QString>

#include "foresight/config/impactfunction.h"
#include "foresight/core/result.h"

// An application's impact rules on the wire: the `impact` field of `assign` (docs/protocol.md
// 9.3), which the console writes and every agent holding the application reads. One codec for
// both sides, so they cannot drift apart.
namespace foresight::config {

// An array of maps {"keys": [text...], "class": text, "tolerated-staleness-ms": uint}, one per
// rule, in order. Every field is written, the tolerance too, so an agent never applies its own
// build's defaults to a rule the console meant otherwise.
QCborArray impactRulesToCbor(const QList<ImpactRule> &rules);

// The rules of that form. Errors are InvalidArgument and name the field below `path`
// ("assign.impact[1].class: ..."): not an array, a rule that is not a map, an unknown key in a
// rule, a missing `keys` or `class`, a value of the wrong kind, an unknown class, a tolerance
// outside kMin..kMaxToleratedStalenessMs. A missing tolerance is the class's default. What the
// rules mean together (duplicate patterns, foreign glob syntax, rules after a catch-all) is
// ImpactFunction::compile()'s, which impactFunctionFromCbor() runs.
Result<QList<ImpactRule>> impactRulesFromCbor(const QCborValue &value, const QString &path);

// impactRulesFromCbor() and then ImpactFunction::compile(rules, path): what an agent keeps.
Result<ImpactFunction> impactFunctionFromCbor(const QCborValue &value, const QString &path);

} // namespace foresight::config
