#include "profilecost.h"

#include <QElapsedTimer>
#include <QStringList>

#include "foresight/core/clock.h"
#include "foresight/partitioning/usageprofile.h"

namespace foresight::bench {

namespace {

constexpr int kClients = 16;
constexpr int kKeysPerClient = 10'000;
constexpr double kTargetSharePercent = 5.0;

} // namespace

void runUsageProfileCost(const QString &bench, const BenchOptions &options, std::optional<double> writesPerSecond)
{
    using partitioning::UsageProfile;
    const QString label = QStringLiteral("usage profile record() per access vs the write path");
    // The agent's clock, as in production: record() reads it on every access.
    auto created = UsageProfile::create(partitioning::UsageProfileOptions{}, SystemClock::instance());
    if (!created) {
        printNote(bench, label, QStringLiteral("could not run: %1").arg(created.error().toString()));
        return;
    }
    UsageProfile &profile = *created;
    // The same keys as the load (w<writer>/k<n>), made beforehand so that formatting them is
    // not measured.
    QStringList keys;
    keys.reserve(kClients * kKeysPerClient);
    std::uint64_t clients[kClients];
    for (int c = 0; c < kClients; ++c) {
        clients[c] = UsageProfile::clientId(QByteArray::number(c));
        for (int k = 0; k < kKeysPerClient; ++k)
            keys.append(QStringLiteral("w%1/k%2").arg(c).arg(k));
    }
    // Writers take turns as on the agent's thread; each walks its own keys in order.
    qint64 done = 0;
    const auto run = [&](qint64 accesses) {
        for (qint64 i = 0; i < accesses; ++i, ++done) {
            const int client = int(done % kClients);
            const int key = int((done / kClients) % kKeysPerClient);
            profile.record(keys.at(client * kKeysPerClient + key), partitioning::AccessKind::Write, clients[client]);
        }
    };
    run(qint64(kClients) * kKeysPerClient); // warm-up: every key seen once, the table full
    const qint64 accesses = options.quick ? 200'000 : 2'000'000;
    QElapsedTimer timer;
    timer.start();
    run(accesses);
    const double nsPerAccess = double(timer.nsecsElapsed()) / double(accesses);

    Figure cost;
    cost.bench = bench;
    cost.caseName = label;
    cost.figure = QStringLiteral("record_ns_per_access");
    cost.unit = QStringLiteral("ns");
    cost.better = Better::Lower;
    cost.value = nsPerAccess;
    printFigure(cost);
    if (!writesPerSecond || *writesPerSecond <= 0) {
        printNote(bench, label, QStringLiteral("no write-path figure from this run to compare with"));
        return;
    }
    Figure share = cost;
    share.figure = QStringLiteral("record_share_of_write_pct");
    share.unit = QStringLiteral("%");
    share.decimals = 2;
    share.value = 100.0 * nsPerAccess / (1e9 / *writesPerSecond);
    share.target = kTargetSharePercent;
    printFigure(share);
    if (profile.bytesUsed() > profile.options().memoryBudgetBytes)
        printNote(bench, label, QStringLiteral("the profile exceeded its memory budget"));
}

} // namespace foresight::bench
