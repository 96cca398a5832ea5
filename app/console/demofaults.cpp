#include "demofaults.h"

#include <memory>

#include <QJsonObject>

#include "foresight/core/clock.h"

using namespace foresight;

namespace {

// What a timed fault lasts when the request names no --for: the Demo menu's durations.
constexpr qint64 kFreezeMs = 10'000;
constexpr qint64 kDegradeRampMs = 60'000;
constexpr qint64 kPartitionMs = 30'000;

Result<sim::Degradation> degradationNamed(const QString &how)
{
    for (const sim::Degradation degradation : {sim::Degradation::MemoryLeak,
                                               sim::Degradation::DiskErrors,
                                               sim::Degradation::LatencyCreep,
                                               sim::Degradation::CpuSaturation}) {
        if (sim::degradationName(degradation) == how)
            return degradation;
    }
    return fail(ErrorCode::InvalidArgument,
                QStringLiteral("unknown degradation '%1': memory-leak, disk-errors, latency-creep or cpu-saturation")
                    .arg(how));
}

failover::OperatorOutcome outcome(const QString &summary, const control::FaultRequest &request, const QString &agent)
{
    QJsonObject details{{QStringLiteral("fault"), request.fault}, {QStringLiteral("agent"), agent}};
    if (!request.peer.isEmpty())
        details.insert(QStringLiteral("peer"), request.peer);
    if (!request.how.isEmpty())
        details.insert(QStringLiteral("how"), request.how);
    if (request.forMs > 0)
        details.insert(QStringLiteral("for-ms"), request.forMs);
    return failover::OperatorOutcome{summary, details};
}

QString seconds(qint64 ms)
{
    return ms % 1000 == 0 ? QStringLiteral("%1 s").arg(ms / 1000) : QStringLiteral("%1 ms").arg(ms);
}

// Restart and repair name an agent (or a role, resolved now); the other kinds go through the
// scenario's fault types.
Result<failover::OperatorOutcome> restartOrRepair(const control::FaultRequest &request, const DemoFaultTarget &target)
{
    const QString agent = target.faults->resolve(request.target);
    const int index = agent.isEmpty() ? -1 : target.cluster->indexOf(agent);
    if (index < 0)
        return fail(ErrorCode::NotFound,
                    agent.isEmpty()
                        ? QStringLiteral("%1 skipped: nobody is %2 now").arg(request.fault, request.target)
                        : QStringLiteral("%1 skipped: no agent '%2' in this cluster").arg(request.fault, agent));
    if (request.fault == QLatin1String("repair")) {
        if (const Status repaired = target.faults->repair(agent); !repaired)
            return std::unexpected(repaired.error());
        return outcome(QStringLiteral("repaired %1's host: its degradations end").arg(agent), request, agent);
    }
    cluster::AgentProcess &process = target.cluster->agent(index);
    if (process.isRunning())
        return fail(ErrorCode::InvalidArgument, QStringLiteral("restart skipped: %1 is running").arg(agent));
    if (const Status started = process.restart(); !started)
        return fail(started.error().code, QStringLiteral("cannot restart %1: %2").arg(agent, started.error().message));
    return outcome(QStringLiteral("restarted %1").arg(agent), request, agent);
}

} // namespace

Result<failover::OperatorOutcome> applyDemoFault(const control::FaultRequest &request, const DemoFaultTarget &target)
{
    if (request.fault == QLatin1String("heal")) {
        if (const Status healed = target.faults->heal(request.target, request.peer); !healed)
            return std::unexpected(healed.error());
        const QString which = request.target.isEmpty() ? QStringLiteral("every partition")
                              : request.peer.isEmpty()
                                  ? QStringLiteral("every partition of %1").arg(request.target)
                                  : QStringLiteral("the partition between %1 and %2").arg(request.target, request.peer);
        return outcome(QStringLiteral("healed %1").arg(which), request, request.target);
    }
    if (request.target.isEmpty())
        return fail(ErrorCode::InvalidArgument,
                    QStringLiteral("%1 needs a target: an agent or a role").arg(request.fault));
    if (request.fault == QLatin1String("restart") || request.fault == QLatin1String("repair"))
        return restartOrRepair(request, target);

    sim::ScenarioFault fault;
    fault.target = request.target;
    if (request.fault == QLatin1String("crash")) {
        fault.kind = sim::FaultKind::Crash;
    } else if (request.fault == QLatin1String("freeze")) {
        fault.kind = sim::FaultKind::Freeze;
        fault.durationMs = request.forMs > 0 ? request.forMs : kFreezeMs;
    } else if (request.fault == QLatin1String("degrade")) {
        auto how = degradationNamed(request.how);
        if (!how)
            return std::unexpected(how.error());
        fault.kind = sim::FaultKind::Degrade;
        fault.degradation = *how;
        fault.durationMs = request.forMs > 0 ? request.forMs : kDegradeRampMs;
    } else if (request.fault == QLatin1String("partition")) {
        fault.kind = sim::FaultKind::Partition;
        fault.peer = request.peer;
        fault.durationMs = request.forMs > 0 ? request.forMs : kPartitionMs;
    } else if (request.fault == QLatin1String("corrupt")) {
        fault.kind = sim::FaultKind::Corrupt;
    } else {
        return fail(ErrorCode::InvalidArgument,
                    QStringLiteral("unknown fault '%1': crash, restart, freeze, degrade, repair, partition, heal or "
                                   "corrupt")
                        .arg(request.fault));
    }
    auto applied = target.apply(fault);
    if (!applied)
        return std::unexpected(applied.error());
    QString summary;
    switch (fault.kind) {
    case sim::FaultKind::Crash:
        summary = QStringLiteral("killed %1 (kill -9)").arg(applied->agent);
        break;
    case sim::FaultKind::Freeze:
        summary = QStringLiteral("froze %1 for %2").arg(applied->agent, seconds(fault.durationMs));
        break;
    case sim::FaultKind::Degrade:
        summary = QStringLiteral("%1 on %2's host, worsening over %3")
                      .arg(request.how, applied->agent, seconds(fault.durationMs));
        break;
    case sim::FaultKind::Partition:
        summary
            = QStringLiteral("cut %1 off from %2 for %3").arg(applied->agent, applied->peer, seconds(fault.durationMs));
        break;
    case sim::FaultKind::Corrupt:
        summary
            = QStringLiteral("corrupted %1's copy of the application behind the protocol's back").arg(applied->agent);
        break;
    case sim::FaultKind::Slow: // scenarios only so far: console-fault has no bandwidth to carry
        summary = QStringLiteral("slowed the link between %1 and %2").arg(applied->agent, applied->peer);
        break;
    }
    return outcome(summary, request, applied->agent);
}

control::FaultHandler demoFaultHandler(QObject *owner, DemoFaultTarget target)
{
    return [owner, target](const control::FaultRequest &request) {
        auto promise = std::make_shared<std::promise<Result<failover::OperatorOutcome>>>();
        auto future = promise->get_future();
        // Queued: the cluster's thread applies it between its own steps. If that thread never
        // runs the call, the promise dies unset and the control API answers "stopped".
        QMetaObject::invokeMethod(
            owner,
            [promise, request, target] { promise->set_value(applyDemoFault(request, target)); },
            Qt::QueuedConnection);
        return future;
    };
}
