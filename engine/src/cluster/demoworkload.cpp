#include "foresight/cluster/demoworkload.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <thread>

#include <QJsonDocument>
#include <QJsonObject>

#include "foresight/sdk/mirroredclient.h"

namespace foresight::cluster {

namespace {

// Paces a generator at a fixed rate: each wait() sleeps until the next slot, or, when behind,
// starts afresh from now instead of bursting to catch up. Pacing, not waiting for a condition.
class Pacer
{
public:
    explicit Pacer(int perSecond)
        : m_interval(1'000'000 / std::max(1, perSecond))
        , m_next(std::chrono::steady_clock::now())
    {}
    void wait()
    {
        m_next += m_interval;
        const auto now = std::chrono::steady_clock::now();
        if (m_next > now)
            std::this_thread::sleep_for(m_next - now);
        else
            m_next = now;
    }

private:
    std::chrono::microseconds m_interval;
    std::chrono::steady_clock::time_point m_next;
};

// The web shop of the first demo: 200 users' sessions, carts and browsing.
DemoWrite webShopWrite(QRandomGenerator &random, qint64 n)
{
    const quint32 user = random.bounded(200u);
    switch (random.bounded(4u)) {
    case 0: // a session token: critical, replicated to warm replicas too
        return {QStringLiteral("session/user-%1").arg(user), QByteArray::number(random.generate64(), 16)};
    case 1:
    case 2: // a cart: changes often
        return {QStringLiteral("cart/user-%1").arg(user),
                QByteArray::number(random.bounded(10u)) + " items, total " + QByteArray::number(random.bounded(50000u))};
    default: // history: appended, rarely read
        return {QStringLiteral("history/user-%1/%2").arg(user).arg(n),
                "viewed product " + QByteArray::number(random.bounded(10000u))};
    }
}

// Game state: 8 matches of 4 players; positions move a little each write, scores only grow, and
// every match counts its ticks. Numeric values throughout: what state prediction learns best.
DemoWrite gameStateWrite(QRandomGenerator &random, int writer, qint64 n)
{
    const quint32 match = (quint32(writer) * 3u + random.bounded(8u)) % 8u;
    const quint32 player = random.bounded(4u);
    switch (random.bounded(5u)) {
    case 0:
        return {QStringLiteral("match-%1/tick").arg(match), QByteArray::number(n)};
    case 1: // critical: a lost score is what players notice
        return {QStringLiteral("match-%1/score/p%2").arg(match).arg(player),
                QByteArray::number(n / 4 + random.bounded(3u))};
    default: {
        // A walk around the player's corner of a 1000 x 1000 arena.
        const double x = 250.0 * (player % 2 * 2 + 1) + 100.0 * std::sin(double(n) / 50.0 + player);
        const double y = 250.0 * (player / 2 * 2 + 1) + 100.0 * std::cos(double(n) / 50.0 + player);
        return {QStringLiteral("match-%1/pos/p%2").arg(match).arg(player),
                QByteArray::number(x, 'f', 1) + ',' + QByteArray::number(y, 'f', 1)};
    }
    }
}

// User settings: 500 users' documents (about 300 bytes), most writes a preference, some a
// security setting (critical: a replica must never serve an old password policy).
DemoWrite userSettingsWrite(QRandomGenerator &random)
{
    static const char *const kThemes[] = {"light", "dark", "high-contrast"};
    static const char *const kLanguages[] = {"en", "de", "fr", "ja", "pt"};
    const quint32 user = random.bounded(500u);
    if (random.bounded(5u) == 0) {
        const QJsonObject security{{QStringLiteral("mfa"), random.bounded(2u) == 1},
                                   {QStringLiteral("session-minutes"), int(15 * (1 + random.bounded(8u)))},
                                   {QStringLiteral("recovery-email-verified"), random.bounded(3u) > 0}};
        return {QStringLiteral("user-%1/security").arg(user), QJsonDocument(security).toJson(QJsonDocument::Compact)};
    }
    const QJsonObject preferences{{QStringLiteral("theme"), QLatin1String(kThemes[random.bounded(3u)])},
                                  {QStringLiteral("language"), QLatin1String(kLanguages[random.bounded(5u)])},
                                  {QStringLiteral("font-scale"), 0.8 + 0.1 * random.bounded(6u)},
                                  {QStringLiteral("notifications"),
                                   QJsonObject{{QStringLiteral("email"), random.bounded(2u) == 1},
                                               {QStringLiteral("push"), random.bounded(2u) == 1},
                                               {QStringLiteral("digest"), QStringLiteral("weekly")}}},
                                  {QStringLiteral("timezone"), QStringLiteral("Europe/Berlin")}};
    return {QStringLiteral("user-%1/preferences").arg(user), QJsonDocument(preferences).toJson(QJsonDocument::Compact)};
}

// An append-only event log per writer, in rounds of three writes: append an event, delete the
// event appended 600 writes before (once there is one), move the head (critical). The log thus
// keeps a bounded window of recent events.
DemoWrite historyWrite(QRandomGenerator &random, int writer, qint64 n)
{
    constexpr qint64 kRetainedWrites = 600; // a multiple of 3: the event appended that long ago
    const auto eventKey = [writer](qint64 id) {
        return QStringLiteral("log-%1/event-%2").arg(writer).arg(id, 9, 10, QLatin1Char('0'));
    };
    if (n % 3 == 0)
        return {QStringLiteral("log-%1/head").arg(writer), QByteArray::number(n)};
    if (n % 3 == 2 && n - 1 > kRetainedWrites)
        return {eventKey(n - 1 - kRetainedWrites), std::nullopt};
    static const char *const kKinds[] = {"login", "logout", "purchase", "refund", "password-change"};
    return {eventKey(n),
            QByteArray(kKinds[random.bounded(5u)]) + " by user-" + QByteArray::number(random.bounded(1000u))};
}

config::ImpactRule impactRule(const QStringList &keys, config::ImpactClass impactClass)
{
    return config::ImpactRule{keys, impactClass, config::defaultToleratedStalenessMs(impactClass)};
}

} // namespace

QString workloadShapeName(WorkloadShape shape)
{
    switch (shape) {
    case WorkloadShape::WebShop:
        return QStringLiteral("web shop");
    case WorkloadShape::GameState:
        return QStringLiteral("game state");
    case WorkloadShape::UserSettings:
        return QStringLiteral("user settings");
    case WorkloadShape::History:
        return QStringLiteral("history");
    }
    return {};
}

DemoWrite nextDemoWrite(WorkloadShape shape, QRandomGenerator &random, int writer, qint64 n)
{
    switch (shape) {
    case WorkloadShape::WebShop:
        return webShopWrite(random, n);
    case WorkloadShape::GameState:
        return gameStateWrite(random, writer, n);
    case WorkloadShape::UserSettings:
        return userSettingsWrite(random);
    case WorkloadShape::History:
        return historyWrite(random, writer, n);
    }
    return {};
}

QStringList criticalKeysOf(WorkloadShape shape)
{
    switch (shape) {
    case WorkloadShape::WebShop:
        return {QStringLiteral("session/*")};
    case WorkloadShape::GameState:
        return {QStringLiteral("match-*/score/*")};
    case WorkloadShape::UserSettings:
        return {QStringLiteral("user-*/security")};
    case WorkloadShape::History:
        return {QStringLiteral("log-*/head")};
    }
    return {};
}

QList<config::ImpactRule> impactRulesOf(WorkloadShape shape)
{
    using config::ImpactClass;
    switch (shape) {
    case WorkloadShape::WebShop:
        // A stale session token logs a user out (or in) on a promoted replica; a stale cart loses
        // what was just added, noticed within seconds; browsing history nobody waits for.
        return {impactRule({QStringLiteral("session/*")}, ImpactClass::Critical),
                impactRule({QStringLiteral("cart/*")}, ImpactClass::High),
                impactRule({QStringLiteral("history/*")}, ImpactClass::Low)};
    case WorkloadShape::GameState:
        // A lost score is what players notice; positions are overwritten many times a second, so
        // a stale one corrects itself; the tick only counts.
        return {impactRule({QStringLiteral("match-*/score/*")}, ImpactClass::Critical),
                impactRule({QStringLiteral("match-*/pos/*")}, ImpactClass::High),
                impactRule({QStringLiteral("match-*/tick")}, ImpactClass::Medium)};
    case WorkloadShape::UserSettings:
        // An old password policy must never be served; a theme a minute old does little harm.
        return {impactRule({QStringLiteral("user-*/security")}, ImpactClass::Critical),
                impactRule({QStringLiteral("user-*/*")}, ImpactClass::Medium)};
    case WorkloadShape::History:
        // The head says where the log ends: a stale one hides the newest events. The events
        // themselves are appended once and read rarely.
        return {impactRule({QStringLiteral("log-*/head")}, ImpactClass::Critical),
                impactRule({QStringLiteral("log-*/event-*")}, ImpactClass::Low)};
    }
    return {};
}

DemoWorkload::DemoWorkload(const sdk::ClientOptions &options,
                           int writers,
                           int writesPerSecondPerWriter,
                           WorkloadShape shape)
    : m_options(options)
    , m_writers(qMax(1, writers))
    , m_rate(qMax(1, writesPerSecondPerWriter))
    , m_shape(shape)
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
    if (m_shape == WorkloadShape::UserSettings)
        m_threads.emplace_back([this] { runMirroredReader(); });
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

void DemoWorkload::noteError(const QString &error)
{
    std::lock_guard lock(m_errorMutex);
    m_lastError = error;
}

void DemoWorkload::runWriter(int index)
{
    sdk::ClientOptions options = m_options;
    options.name = QStringLiteral("demo-writer-%1").arg(index);
    // Short timeouts: the demo should show a failover as a brief pause, not a long hang.
    options.failoverTimeoutMs = 1500;
    auto client = sdk::Client::connect(options);
    if (!client) {
        noteError(client.error().toString());
        return;
    }
    QRandomGenerator random(quint32(index) * 7919u + 17u);
    Pacer pacer(m_rate);
    qint64 counter = 0;
    while (!m_stop.load()) {
        const DemoWrite write = nextDemoWrite(m_shape, random, index, ++counter);
        const auto receipt = write.value ? (*client)->put(write.key, *write.value) : (*client)->remove(write.key);
        if (receipt) {
            m_acked.fetch_add(1);
        } else {
            m_failed.fetch_add(1);
            noteError(receipt.error().toString());
        }
        pacer.wait();
    }
}

void DemoWorkload::runMirroredReader()
{
    sdk::ClientOptions options = m_options;
    options.name = QStringLiteral("demo-settings-reader");
    options.failoverTimeoutMs = 1500;
    auto client = sdk::MirroredClient::connect(options);
    if (!client) {
        noteError(client.error().toString());
        return;
    }
    // Settings are read far more often than written, a few users more than the rest: most reads
    // are served by copies, which the writers' changes invalidate through change events.
    QRandomGenerator random(4242);
    Pacer pacer(kMirroredReadsPerSecond);
    while (!m_stop.load()) {
        const quint32 user = random.bounded(4u) == 0 ? random.bounded(500u) : random.bounded(50u);
        const QString key = random.bounded(5u) == 0 ? QStringLiteral("user-%1/security").arg(user)
                                                    : QStringLiteral("user-%1/preferences").arg(user);
        if (auto read = (*client)->get(key); read)
            m_reads.fetch_add(1);
        else
            noteError(read.error().toString());
        pacer.wait();
    }
}

} // namespace foresight::cluster
