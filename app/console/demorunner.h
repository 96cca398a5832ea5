#pragma once

#include <atomic>

#include <QString>

struct DemoOptions
{
    int durationSeconds = 0; // 0: until stopped
    bool curve = true;
    int writers = 3;
    int writesPerSecond = 50; // per writer
    int refreshMs = 500;
    bool ansi = true; // redraw in place (a terminal) or print blocks (a log)
    QString workDir;  // empty: a temporary directory, removed afterwards
};

// Runs the README's demo: a local cluster of real foresight-agent processes on loopback (one
// application with a primary, a hot, a warm and a cold replica) under a demo workload, with a
// live terminal view, until `stop` is set or the duration ends. Returns the process exit code.
int runHeadlessDemo(const DemoOptions &options, const std::atomic<bool> &stop);
