#include "foresight/cluster/demoworkload.h"

#include <chrono>

#include <QRandomGenerator>

namespace foresight {

DemoWorkload::DemoWorkload(const sdk::ClientOptions &options, int writers, int writesPerSecondPerWriter)
    : m_options(options)
    , m_writers(qMax(1, writers))
    , m_rate(qMax(1, writesPerSecondPerWriter))
{}

DemoWorkload::~DemoWorkload()
{
    stop();
}

void DemoWorkload::start()
{
    if (!m_threads.empty())
        return;
    m_stop.store(false);
    for (int i = 0; i < m_writers; ++i)
        m_threads.emplace_back([this, i] { runWriter(i); });
}

void DemoWorkload::stop()
{
    m_stop.store(true);
    for (std::thread &thread : m_threads)
        thread.join();
    m_threads.clear();
}

QString DemoWorkload::lastError() const
{
    std::lock_guard lock(m_errorMutex);
    return m_lastError;
}

void DemoWorkload::runWriter(int index)
{
    sdk::ClientOptions options = m_options;
    options.name = QStringLiteral("demo-writer-%1").arg(index);
    // Short timeouts: the demo should show a failover as a brief pause, not a long hang.
    options.failoverTimeoutMs = 1500;
    auto client = sdk::Client::connect(options);
    if (!client) {
        std::lock_guard lock(m_errorMutex);
        m_lastError = client.error().toString();
        return;
    }
    QRandomGenerator random(quint32(index) * 7919u + 17u);
    const auto interval = std::chrono::microseconds(1'000'000 / m_rate);
    auto next = std::chrono::steady_clock::now();
    qint64 counter = 0;
    while (!m_stop.load()) {
        ++counter;
        const quint32 user = random.bounded(200u);
        QString key;
        QByteArray value;
        switch (random.bounded(4u)) {
        case 0: // a session token: critical, replicated to warm replicas too
            key = QStringLiteral("session/user-%1").arg(user);
            value = QByteArray::number(random.generate64(), 16);
            break;
        case 1:
        case 2: // a cart: changes often
            key = QStringLiteral("cart/user-%1").arg(user);
            value = QByteArray::number(random.bounded(10u)) + " items, total "
                    + QByteArray::number(random.bounded(50000u));
            break;
        default: // history: appended, rarely read
            key = QStringLiteral("history/user-%1/%2").arg(user).arg(counter);
            value = "viewed product " + QByteArray::number(random.bounded(10000u));
        }
        auto receipt = (*client)->put(key, value);
        if (receipt) {
            m_acked.fetch_add(1);
        } else {
            m_failed.fetch_add(1);
            std::lock_guard lock(m_errorMutex);
            m_lastError = receipt.error().toString();
        }
        next += interval;
        const auto now = std::chrono::steady_clock::now();
        if (next > now)
            std::this_thread::sleep_for(next - now); // pacing a generator, not waiting for a condition
        else
            next = now;
    }
}

} // namespace foresight
