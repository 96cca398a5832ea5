#pragma once

#include <optional>

#include <QString>

namespace foresight {

// What an agent is for one application, and how close a replica is kept to its primary.
enum class Role { Primary, Replica };
enum class Tier { None, Hot, Warm, Cold };

QString roleName(Role role);
QString tierName(Tier tier);
std::optional<Role> roleFromName(const QString &name);
std::optional<Tier> tierFromName(const QString &name);

} // namespace foresight
