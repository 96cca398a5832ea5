#pragma once

#include <QRegularExpression>
#include <QString>

namespace foresight {

// The key patterns applications write in their configuration (`config.critical`, `impact`), in
// one dialect so that a pattern means the same wherever it appears: '*' matches any run of
// characters ('/' and newlines included), '?' exactly one, every other character itself.
// Returns an anchored expression to match whole keys; it is invalid (isValid() false) for an
// empty pattern, which would match nothing but looks like it matches everything.
QRegularExpression keyGlobRegex(const QString &glob);

} // namespace foresight
