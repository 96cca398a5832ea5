#pragma once

#include <QJsonObject>
#include <QString>

#include "foresight/core/result.h"

namespace foresight {

// Readers for one optional field of a JSON configuration object. An absent field keeps
// `current`; a present one of the wrong kind or out of range gives InvalidArgument naming
// `where` and the field.
Result<int> intField(const QJsonObject &json, const char *name, int current, int min, int max, const QString &where);
Result<QString> stringField(const QJsonObject &json, const char *name, const QString &current, const QString &where);

} // namespace foresight
