#include "foresightload.h"

#include <QCborArray>
#include <QElapsedTimer>
#include <QTemporaryDir>
#include <QThread>

#include "foresight/cluster/localcluster.h"

namespace foresight::bench {

Result<LoadResult> runForesightLoad(const LoadSpec &spec)
{
    QTemporaryDir dir;
    if (!dir.isValid())
        return fail(ErrorCode::IoError, QStringLiteral("cannot create a temporary directory"));
    cluster::LocalCluster::Options options;
    options.workDir = dir.path();
    options.agentNames = {QStringLiteral("primary"), QStringLiteral("hot")};
    // The replication link between the agents is TCP, with or without CURVE; applications reach
    // their local agent over ipc://, as in a real deployment.
    options.curve = spec.curve;
    if (spec.predictionRate >= 0)
        options.extraAgentArgs << QStringLiteral("--prediction-rate") << QString::number(spec.predictionRate);
    if (!spec.usageProfile)
        options.extraAgentArgs << QStringLiteral("--no-usage-profile");
    auto cluster = cluster::LocalCluster::start(options);
    if (!cluster)
        return std::unexpected(cluster.error());

    const QString app = QStringLiteral("bench");
    AppConfig config;
    config.syncReplicas = 1;
    config.snapshotIntervalMs = 3'600'000;
    if (auto ok = (*cluster)->deploy(app, 0, {{1, Tier::Hot}}, config); !ok)
        return std::unexpected(ok.error());
    QElapsedTimer joined;
    joined.start();
    while (true) {
        auto status = (*cluster)->appStatus(0, app);
        if (status && status->value(QStringLiteral("replicas")).toArray().size() == 1)
            break;
        if (joined.elapsed() > 10'000)
            return fail(ErrorCode::Timeout, QStringLiteral("the hot replica did not join within 10 s"));
        QThread::msleep(20);
    }

    const sdk::ClientOptions clientOptions = (*cluster)->clientOptions(app);
    const QByteArray value(spec.valueBytes, 'v');
    return runWriters(spec, [&](int writer) -> Result<WriteOnce> {
        sdk::ClientOptions mine = clientOptions;
        mine.agents = {clientOptions.agents.first()}; // the primary only: no failover here
        mine.failoverTimeoutMs = 5000;
        auto client = sdk::Client::connect(mine);
        if (!client)
            return std::unexpected(client.error());
        std::shared_ptr<sdk::Client> shared(std::move(*client));
        auto counter = std::make_shared<qint64>(0);
        return WriteOnce([shared, counter, writer, value]() -> Result<bool> {
            const QString key = QStringLiteral("w%1/k%2").arg(writer).arg((*counter)++ % 10'000);
            auto receipt = shared->put(key, value);
            if (receipt)
                return true;
            if (receipt.error().code == ErrorCode::NotEnoughReplicas)
                return false;
            return std::unexpected(receipt.error());
        });
    });
}

} // namespace foresight::bench
