#pragma once

// Private: the cluster file's shadow settings (the top-level `shadows` object and each app's
// `criticality` and `shadow`), read and written apart from the rest of the file so that the
// parser of the whole stays one screen per section.

#include <QJsonObject>
#include <QJsonValue>

#include "foresight/config/clusterconfig.h"

namespace foresight::config {

Result<ShadowSettings> parseShadowSettings(const QJsonObject &json, const QString &path);
QJsonObject shadowSettingsJson(const ShadowSettings &settings);

// apps[i].criticality and apps[i].shadow into app; absent keys keep the defaults.
Status parseAppShadowFields(const QJsonObject &appJson, const QString &appPath, ClusterApp *app);
// The same two keys, for ClusterConfig::toJson().
void insertAppShadowFields(const ClusterApp &app, QJsonObject *appJson);

} // namespace foresight::config
