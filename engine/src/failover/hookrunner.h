#pragma once

// Private: runs an operator's failover hook (a program, for DNS or load-balancer updates) off
// the engine thread, so a slow hook never delays detection or lease renewal of other apps.

#include <future>

#include <QProcessEnvironment>
#include <QString>

namespace foresight::failover {

struct HookResult
{
    bool ran = false; // false: could not start (output says why)
    bool timedOut = false;
    int exitCode = -1;
    QString output; // stdout and stderr, trimmed to the last 4 KiB
    bool succeeded() const { return ran && !timedOut && exitCode == 0; }
};

// The program is run directly (no shell), with the application, the old and the new primary in
// its environment: FORESIGHT_HOOK (pre-failover or post-failover), FORESIGHT_APP,
// FORESIGHT_OLD_PRIMARY, FORESIGHT_NEW_PRIMARY, FORESIGHT_EPOCH.
std::future<HookResult> runHook(const QString &program, const QProcessEnvironment &environment, int timeoutMs);

} // namespace foresight::failover
