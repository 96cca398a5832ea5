#pragma once

#include <atomic>

#include <QString>

#include "consolesession.h"

struct HeadlessOptions
{
    SessionOptions session;
    int durationSeconds = 0;
    int refreshMs = 500;
    bool ansi = true;
};

// `foresight --headless`: the engine on a real cluster, with a terminal view of its snapshot
// and journal, until `stop` is set or the duration ends. Returns the process exit code.
int runHeadless(const HeadlessOptions &options, const std::atomic<bool> &stop);
