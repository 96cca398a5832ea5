// Validated updates (docs/managed-apps.md, docs/protocol.md 9.13): the console applies an update
// to the application's shadow (an `assign` carrying the new process) and then sends `validate`.
// The agent waits until its instance runs as assigned, the new version and not the old one still
// stopping, and is healthy if it has a health check; then it runs the application's validation
// command against it and answers with the exit code and the end of the output. A validation that
// fails is an answer (`passed` false), not an error: the console decides what follows.

#include "agent/agentimpl.h"
#include "foresight/core/logging.h"

namespace foresight::agent {

using protocol::Message;

namespace {
constexpr std::int64_t kDefaultReadyTimeoutMs = 30'000;
constexpr std::int64_t kMaxReadyTimeoutMs = 600'000;
constexpr std::int64_t kMaxTimeoutMs = 3'600'000;
} // namespace

void Agent::Impl::handleValidate(const ReplyRoute &route, const Message &message)
{
    const QString name = message.body.value(QStringLiteral("app")).toString();
    const AppInstance *app = findApp(name);
    if (!app) {
        replyError(route, ErrorCode::NotFound, QStringLiteral("validate: no application '%1' here").arg(name));
        return;
    }
    const ProcessSpec &spec = app->config.process;
    if (!spec.isSet()) {
        replyError(route,
                   ErrorCode::InvalidArgument,
                   QStringLiteral("validate: '%1' runs no process (its config has no process)").arg(name));
        return;
    }
    if (spec.validateCommand.isEmpty()) {
        replyError(route,
                   ErrorCode::InvalidArgument,
                   QStringLiteral("validate: '%1' has no validation command (process.validateCommand)").arg(name));
        return;
    }
    const auto instance = m_instances.find(name);
    if (instance == m_instances.end() || !instance->second->wanted()) {
        replyError(route,
                   ErrorCode::InvalidArgument,
                   QStringLiteral("validate: no instance of '%1' runs here (one runs where the agent is primary "
                                  "or holds the shadow)")
                       .arg(name));
        return;
    }
    if (m_validations.contains(name)) {
        replyError(route,
                   ErrorCode::InvalidArgument,
                   QStringLiteral("validate: a validation of '%1' is already running here").arg(name));
        return;
    }
    const QCborValue ready = message.body.value(QStringLiteral("ready-timeout-ms"));
    const QCborValue timeout = message.body.value(QStringLiteral("timeout-ms"));
    const std::int64_t readyMs = ready.isInteger() ? ready.toInteger() : kDefaultReadyTimeoutMs;
    const std::int64_t timeoutMs = timeout.isInteger() ? timeout.toInteger() : spec.validateTimeoutMs;
    if (readyMs > kMaxReadyTimeoutMs || timeoutMs < 1 || timeoutMs > kMaxTimeoutMs) {
        replyError(route,
                   ErrorCode::InvalidArgument,
                   QStringLiteral("validate: ready-timeout-ms must be at most %1 and timeout-ms from 1 to %2")
                       .arg(kMaxReadyTimeoutMs)
                       .arg(kMaxTimeoutMs));
        return;
    }
    PendingValidation pending;
    pending.route = route;
    pending.app = name;
    pending.readyDeadlineMs = now() + readyMs;
    pending.timeoutMs = int(timeoutMs);
    pending.command = spec.validateCommand.join(u' ');
    m_validations.emplace(name, std::move(pending));
    qCInfo(lcAgent).noquote() << "validating" << name
                              << "once its instance is ready:" << spec.validateCommand.join(u' ');
}

void Agent::Impl::tickValidations()
{
    for (auto it = m_validations.begin(); it != m_validations.end();) {
        PendingValidation &pending = it->second;
        QCborMap answer;
        answer.insert(QStringLiteral("id"), pending.route.requestId);
        answer.insert(QStringLiteral("app"), pending.app);
        answer.insert(QStringLiteral("command"), pending.command);
        bool done = false;
        const AppInstance *app = findApp(pending.app);
        const auto instance = m_instances.find(pending.app);
        if (pending.run) {
            if (const auto result = pending.run->tick()) {
                answer.insert(QStringLiteral("passed"), result->passed);
                answer.insert(QStringLiteral("result"), result->describe());
                if (result->error.isEmpty() && result->signal == 0)
                    answer.insert(QStringLiteral("exit-code"), result->exitCode);
                if (result->signal > 0)
                    answer.insert(QStringLiteral("signal"), result->signal);
                answer.insert(QStringLiteral("timed-out"), result->timedOut);
                answer.insert(QStringLiteral("output"), QString::fromUtf8(result->output));
                answer.insert(QStringLiteral("truncated"), result->truncated);
                answer.insert(QStringLiteral("ran-ms"), qint64(result->ranMs));
                answer.insert(QStringLiteral("instance-pid"), qint64(pending.instancePid));
                done = true;
            }
        } else if (!app || instance == m_instances.end() || !instance->second->wanted()) {
            answer.insert(QStringLiteral("passed"), false);
            answer.insert(QStringLiteral("result"),
                          QStringLiteral("the instance of '%1' was stopped here before it could be validated")
                              .arg(pending.app));
            done = true;
        } else {
            const instance::InstanceStatus status = instance->second->status();
            const bool healthy = status.health == instance::Health::None || status.health == instance::Health::Healthy;
            if (instance->second->runsAsWanted() && healthy) {
                const ProcessSpec &spec = app->config.process;
                auto environment = instanceEnvironment(*app, status.role);
                environment.append({QStringLiteral("FORESIGHT_INSTANCE_PID"), QString::number(status.pid)});
                pending.instancePid = status.pid;
                pending.run = std::make_unique<instance::ValidationRun>(m_clock);
                pending.run->start(spec.validateCommand, spec.workingDirectory, environment, pending.timeoutMs);
                continue; // the same entry again: now its command is ticked
            }
            if (status.state == instance::InstanceState::CrashLoop || now() >= pending.readyDeadlineMs) {
                answer.insert(QStringLiteral("passed"), false);
                answer.insert(QStringLiteral("result"),
                              status.state == instance::InstanceState::CrashLoop
                                  ? QStringLiteral("the instance is in a crash loop: %1").arg(status.error)
                                  : QStringLiteral(
                                        "the instance was not running and healthy in time: %1, health %2%3%4")
                                        .arg(instance::instanceStateName(status.state),
                                             instance::healthName(status.health),
                                             status.healthNote.isEmpty()
                                                 ? QString()
                                                 : QStringLiteral(" (%1)").arg(status.healthNote),
                                             status.lastExit
                                                 ? QStringLiteral(", last exit: %1").arg(status.lastExit->describe())
                                                 : QString()));
                done = true;
            }
        }
        if (!done) {
            ++it;
            continue;
        }
        qCInfo(lcAgent).noquote() << "validation of" << pending.app
                                  << "ended:" << answer.value(QStringLiteral("result")).toString();
        reply(pending.route, Message{protocol::MessageType::Ok, answer});
        it = m_validations.erase(it);
    }
}

} // namespace foresight::agent
