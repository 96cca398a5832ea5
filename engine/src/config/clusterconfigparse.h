#pragma once

#include <QJsonObject>

#include "foresight/config/clusterconfig.h"

namespace foresight::config {

// The cluster file's JSON read into a ClusterConfig: known keys only, each of its kind and in its
// range, errors naming the field's path. What the fields mean together is checked afterwards by
// ClusterConfig::validate().
Result<ClusterConfig> parseClusterConfig(const QJsonObject &json);

} // namespace foresight::config
