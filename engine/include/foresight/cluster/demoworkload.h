#pragma once

#include <atomic>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include <QString>

#include "foresight/sdk/client.h"

namespace foresight {

// A steady demo workload through the SDK: writer threads that update session tokens (critical
// keys), carts and history, the way a small web shop would. Each thread owns its own client.
// start() and stop() belong to the owning thread; the counters may be read from any thread.
class DemoWorkload final
{
public:
    DemoWorkload(const sdk::ClientOptions &options, int writers, int writesPerSecondPerWriter);
    ~DemoWorkload();

    void start();
    void stop();

    qint64 acked() const { return m_acked.load(); }
    qint64 failed() const { return m_failed.load(); }
    QString lastError() const;

private:
    void runWriter(int index);

    sdk::ClientOptions m_options;
    int m_writers;
    int m_rate;
    std::atomic<bool> m_stop{false};
    std::atomic<qint64> m_acked{0};
    std::atomic<qint64> m_failed{0};
    mutable std::mutex m_errorMutex;
    QString m_lastError; // guarded by m_errorMutex
    std::vector<std::thread> m_threads;
};

} // namespace foresight
