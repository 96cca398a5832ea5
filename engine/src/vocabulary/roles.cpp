#include "foresight/vocabulary/roles.h"

namespace foresight {

QString roleName(Role role)
{
    return role == Role::Primary ? QStringLiteral("primary") : QStringLiteral("replica");
}

QString tierName(Tier tier)
{
    switch (tier) {
    case Tier::None:
        return QStringLiteral("none");
    case Tier::Hot:
        return QStringLiteral("hot");
    case Tier::Warm:
        return QStringLiteral("warm");
    case Tier::Cold:
        return QStringLiteral("cold");
    }
    return QStringLiteral("none");
}

std::optional<Role> roleFromName(const QString &name)
{
    if (name == QLatin1String("primary"))
        return Role::Primary;
    if (name == QLatin1String("replica"))
        return Role::Replica;
    return std::nullopt;
}

std::optional<Tier> tierFromName(const QString &name)
{
    for (Tier tier : {Tier::None, Tier::Hot, Tier::Warm, Tier::Cold}) {
        if (name == tierName(tier))
            return tier;
    }
    return std::nullopt;
}

} // namespace foresight
