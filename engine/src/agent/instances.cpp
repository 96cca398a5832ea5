// Managed applications (docs/managed-apps.md): the agent runs an application's process when its
// configuration has one, active where the agent is primary, passive where it holds the
// application's shadow, none elsewhere. A role change restarts the process with the new role:
// that is how the process learns of it. The supervisors live on the agent's thread and are
// ticked from its loop.

#include "agent/agentimpl.h"
#include "foresight/core/logging.h"

namespace foresight::agent {

namespace {

std::optional<instance::InstanceRole> wantedRole(const AppInstance &app)
{
    if (!app.config.process.isSet())
        return std::nullopt;
    if (app.role == Role::Primary) {
        // A fenced primary refuses writes because a newer one exists: an active instance here
        // would be a second one, split brain at the application's level.
        if (app.fenced)
            return std::nullopt;
        return instance::InstanceRole::Active;
    }
    if (app.shadow && app.tier == Tier::Hot)
        return instance::InstanceRole::Passive;
    return std::nullopt; // other replicas hold state only
}

} // namespace

void Agent::Impl::superviseInstance(const AppInstance &app)
{
    const auto role = wantedRole(app);
    auto it = m_instances.find(app.name);
    if (!role) {
        if (it != m_instances.end())
            it->second->stop();
        return;
    }
    if (it == m_instances.end()) {
        it = m_instances
                 .emplace(app.name, std::make_unique<instance::Supervisor>(m_options.name + u'/' + app.name, m_clock))
                 .first;
    }
    it->second->run(app.config.process, *role, instanceEnvironment(app, *role));
}

instance::Supervisor::Environment Agent::Impl::instanceEnvironment(const AppInstance &app,
                                                                   instance::InstanceRole role) const
{
    instance::Supervisor::Environment environment{
        {QStringLiteral("FORESIGHT_APP"), app.name},
        {QStringLiteral("FORESIGHT_ROLE"), instance::instanceRoleName(role)},
        {QStringLiteral("FORESIGHT_AGENT"), m_options.name},
        {QStringLiteral("FORESIGHT_SDK_URL"), m_sdkEndpoint},
    };
    if (transport::isTcp(m_sdkEndpoint) && !m_options.insecure)
        environment.append({QStringLiteral("FORESIGHT_SDK_PUBLIC_KEY"), QString::fromLatin1(m_options.keys.publicKey)});
    return environment;
}

void Agent::Impl::stopInstance(const QString &app)
{
    if (const auto it = m_instances.find(app); it != m_instances.end())
        it->second->stop();
}

void Agent::Impl::tickInstances()
{
    for (auto it = m_instances.begin(); it != m_instances.end();) {
        it->second->tick();
        // A stopped instance of an application this agent no longer holds is forgotten.
        if (it->second->idle() && !m_apps.contains(it->first))
            it = m_instances.erase(it);
        else
            ++it;
    }
}

void Agent::Impl::stopAllInstances()
{
    // SIGTERM to all at once, then wait for each: together they take the longest stop timeout,
    // not the sum of them.
    for (auto &[name, supervisor] : m_instances)
        supervisor->stop();
    for (auto &[name, supervisor] : m_instances)
        supervisor->stopAndWait();
    m_instances.clear();
}

void Agent::Impl::addInstanceStatus(const AppInstance &app, QCborMap &status) const
{
    if (app.shadow)
        status.insert(QStringLiteral("shadow"), true);
    const auto it = m_instances.find(app.name);
    if (it == m_instances.end())
        return;
    status.insert(QStringLiteral("instance"), it->second->status().toCbor());
}

} // namespace foresight::agent
