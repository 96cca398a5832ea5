#pragma once

#include <cstdint>

#include <QList>
#include <QPair>
#include <QString>
#include <QStringList>

#include "foresight/core/result.h"

namespace foresight::instance {

struct SpawnRequest
{
    QString program;                          // an absolute or relative path, or a name looked up in PATH
    QStringList arguments;                    // argv[1..]
    QString workingDirectory;                 // empty: the caller's
    QList<QPair<QString, QString>> variables; // set on top of the caller's environment, later ones win
    bool quietStdout = false;                 // stdout to /dev/null (health checks)
    int outputFd = -1;                        // >= 0: stdout and stderr both go there (a validation's pipe)
};

// fork + exec in a process group of its own (pgid = pid), with stdin from /dev/null, the
// caller's other descriptors closed, default signal dispositions and an empty signal mask, and
// PR_SET_PDEATHSIG so that it dies with the calling thread. Returns the pid, or InvalidArgument
// (not found, not executable, bad working directory) or IoError (fork failed), with a message a
// person can act on. Everything the child needs is prepared before fork(): after it, the child
// calls async-signal-safe functions only.
Result<std::int64_t> spawnProcess(const SpawnRequest &request);

// Sends sig to the process group of pid (falls back to the process alone).
void signalGroup(std::int64_t pid, int sig);

} // namespace foresight::instance
