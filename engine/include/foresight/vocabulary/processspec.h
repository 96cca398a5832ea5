#pragma once

#include <QJsonObject>
#include <QJsonValue>
#include <QList>
#include <QPair>
#include <QString>
#include <QStringList>

#include "foresight/core/result.h"

namespace foresight {

// The process an agent runs for an application (a "managed application", docs/managed-apps.md):
// the agent on the primary's host runs the active instance, an agent holding a shadow a passive
// one. Part of AppConfig (its optional `process`), so it reaches agents in `assign`'s config.
// A value type; an empty command means the application has no process (state only).
struct ProcessSpec
{
    QString command;                            // the program: an absolute path, or a name looked up in PATH
    QStringList arguments;                      // passed as they are (no shell)
    QList<QPair<QString, QString>> environment; // added to the agent's environment, in order
    QString workingDirectory;                   // empty: the agent's own
    QStringList healthCommand;                  // program and arguments; exit 0 = healthy. Empty: none
    int healthIntervalMs = 5000;                // how often the health check runs
    int healthTimeoutMs = 2000;                 // a check still running then is killed and fails
    QStringList validateCommand;                // program and arguments, run to validate an update
    int validateTimeoutMs = 60'000;             // a validation still running then is killed and fails
    int stopTimeoutMs = 5000;                   // SIGTERM, then SIGKILL after this
    int restartDelayMs = 200;                   // the first restart after a crash waits this long,
    int restartDelayMaxMs = 30'000;             // doubling per crash in the window, up to this
    int crashLoopRestarts = 5;                  // more crashes than this within the window: a crash
    int crashLoopWindowMs = 60'000;             // loop, reported, and no more restarts

    bool isSet() const { return !command.isEmpty(); }
    // The command and its arguments as one line for people ("/usr/bin/shop --port 8080"); an
    // argument with spaces or quotes is single-quoted. Not for a shell to run.
    QString commandLine() const;
    bool operator==(const ProcessSpec &) const = default;

    QJsonObject toJson() const;
    // The spec a JSON object describes; every key is checked, and an error names the field by
    // its path (`where` is the path of the object itself, e.g. "cluster.json: apps[0].config.process").
    static Result<ProcessSpec> fromJson(const QJsonValue &json, const QString &where);
};

} // namespace foresight
