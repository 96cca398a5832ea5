#pragma once

#include <atomic>

#include <QString>

struct HeadlessOptions
{
    QString clusterFile;      // imported into the store first, when given
    QString storePath;        // the console store
    QString keyFile;          // the console's key pair (CURVE)
    QString controlUrl;       // the control API's endpoint (foresightctl cluster ...); empty: the default
    QString controlAllowFile; // tcp:// control endpoint: the operators' keys (allowlist, role admin)
    int durationSeconds = 0;
    int refreshMs = 500;
    bool ansi = true;
};

QString defaultStorePath();
QString defaultKeyPath();

// `foresight --headless`: the engine on a real cluster, with a terminal view of its snapshot
// and journal, until `stop` is set or the duration ends. Returns the process exit code.
int runHeadless(const HeadlessOptions &options, const std::atomic<bool> &stop);
