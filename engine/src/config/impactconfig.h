#pragma once

// Private: each application's impact function in the cluster file (`apps[i].impact`), read and
// written apart from the rest of the file, as shadowconfig.h does for the shadow settings.

#include <QJsonObject>

#include "foresight/config/clusterconfig.h"

namespace foresight::config {

// apps[i].impact into app->impact: structure and types (an array of rule objects, known keys,
// class names); what the rules mean together is ImpactFunction::compile()'s, which
// ClusterConfig::validate() runs. Absent: no rules.
Status parseAppImpact(const QJsonObject &appJson, const QString &appPath, ClusterApp *app);
// The same key, for ClusterConfig::toJson(): one pattern as a string, several as an array.
void insertAppImpact(const ClusterApp &app, QJsonObject *appJson);

} // namespace foresight::config
