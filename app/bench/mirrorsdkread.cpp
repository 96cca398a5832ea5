#include "mirrorsdkread.h"

#include <chrono>

#include <QTemporaryDir>

#include "foresight/cluster/localcluster.h"
#include "foresight/sdk/mirroredclient.h"

namespace foresight::bench {

Result<SdkMirrorReads> measureSdkMirrorReads(int keys, int mirrorReads, int sourceReads)
{
    using Clock = std::chrono::steady_clock;
    QTemporaryDir dir;
    if (!dir.isValid())
        return fail(ErrorCode::IoError, QStringLiteral("cannot create a temporary directory"));
    cluster::LocalCluster::Options options;
    options.workDir = dir.path();
    options.agentNames = {QStringLiteral("primary")};
    auto cluster = cluster::LocalCluster::start(options);
    if (!cluster)
        return std::unexpected(cluster.error());
    const QString app = QStringLiteral("bench");
    if (auto ok = (*cluster)->deploy(app, 0, {}); !ok)
        return std::unexpected(ok.error());
    sdk::ClientOptions clientOptions = (*cluster)->clientOptions(app);
    clientOptions.failoverTimeoutMs = 5000;
    // Copies live as long as the run: what is timed is a valid copy's read, not refreshes.
    mirror::MirrorPolicy policy;
    policy.maxAgeWithEventsMs = 3'600'000;
    auto client = sdk::MirroredClient::connect(clientOptions, policy);
    if (!client)
        return std::unexpected(client.error());
    QStringList names;
    for (int i = 0; i < keys; ++i) {
        names << QStringLiteral("item/%1").arg(i);
        if (auto put = (*client)->put(names.last(), QByteArray(64, 'v'), sdk::Ack::Primary); !put)
            return std::unexpected(put.error());
    }
    // The first reads subscribe and (after the subscription invalidated them) refresh every copy.
    for (int round = 0; round < 2; ++round) {
        for (const QString &key : std::as_const(names)) {
            if (auto read = (*client)->get(key); !read)
                return std::unexpected(read.error());
        }
    }

    SdkMirrorReads result;
    result.mirrorNs.reserve(std::size_t(mirrorReads));
    for (int i = 0; i < mirrorReads; ++i) {
        const QString &key = names[i % keys];
        const Clock::time_point start = Clock::now();
        auto read = (*client)->get(key);
        const auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now() - start).count();
        if (!read)
            return std::unexpected(read.error());
        if (read->fromMirror)
            result.mirrorNs.push_back(ns);
        else
            ++result.notFromMirror;
    }
    result.sourceNs.reserve(std::size_t(sourceReads));
    for (int i = 0; i < sourceReads; ++i) {
        const Clock::time_point start = Clock::now();
        auto read = (*client)->get(names[i % keys], sdk::Freshness::Source);
        const auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now() - start).count();
        if (!read)
            return std::unexpected(read.error());
        result.sourceNs.push_back(ns);
    }
    result.eventsLive = (*client)->eventsLive();
    result.eventsError = (*client)->eventsError();
    return result;
}

} // namespace foresight::bench
