#pragma once

// Helpers the integration tests share for reading a LocalCluster's state and writing to it.
// Every integration test deploys one application, kTestApp.

#include <QCborArray>
#include <QCborMap>
#include <QList>
#include <QString>

#include "foresight/cluster/localcluster.h"

namespace foresight::testing {

inline const QString kTestApp = QStringLiteral("shop");

// The application's status on one agent; empty when the agent does not answer.
inline QCborMap statusOf(const cluster::LocalCluster &cluster, int agent)
{
    auto status = cluster.appStatus(agent, kTestApp);
    return status ? *status : QCborMap();
}

inline qint64 seqOf(const cluster::LocalCluster &cluster, int agent)
{
    return statusOf(cluster, agent).value(QStringLiteral("seq")).toInteger(-1);
}

inline QString textOf(const cluster::LocalCluster &cluster, int agent, const QString &field)
{
    return statusOf(cluster, agent).value(field).toString();
}

// The primary's view of one replica link; empty when there is none.
inline QCborMap linkOf(const cluster::LocalCluster &cluster, int primary, const QString &replica)
{
    const QCborArray links = statusOf(cluster, primary).value(QStringLiteral("replicas")).toArray();
    for (const QCborValue &link : links) {
        if (link.toMap().value(QStringLiteral("agent")).toString() == replica)
            return link.toMap();
    }
    return {};
}

inline qsizetype linkCount(const cluster::LocalCluster &cluster, int primary)
{
    return statusOf(cluster, primary).value(QStringLiteral("replicas")).toArray().size();
}

inline qint64 counterOf(const QCborMap &status, const QString &name)
{
    return status.value(QStringLiteral("counters")).toMap().value(name).toInteger(-1);
}

// Writes count keys "<prefix><i>"; every third one is critical ("session/..."). Returns an empty
// string, or what went wrong.
inline QString writeMany(sdk::Client &client, const QString &prefix, int count, sdk::Ack ack = sdk::Ack::Replicated)
{
    for (int i = 0; i < count; ++i) {
        const QString key = (i % 3 == 0 ? QStringLiteral("session/") : QStringLiteral("cart/")) + prefix
                            + QString::number(i);
        auto receipt = client.put(key, prefix.toUtf8() + QByteArray::number(i), ack);
        if (!receipt)
            return key + QStringLiteral(": ") + receipt.error().toString();
    }
    return {};
}

// An SDK client that knows only the listed agents, in that order.
inline Result<std::unique_ptr<sdk::Client>> clientOf(const cluster::LocalCluster &cluster,
                                                     const QList<int> &agents,
                                                     int requestTimeoutMs,
                                                     int failoverTimeoutMs)
{
    sdk::ClientOptions options = cluster.clientOptions(kTestApp);
    const QList<sdk::AgentEndpoint> all = options.agents;
    options.agents.clear();
    for (int agent : agents)
        options.agents.append(all.at(agent));
    options.requestTimeoutMs = requestTimeoutMs;
    options.failoverTimeoutMs = failoverTimeoutMs;
    return sdk::Client::connect(options);
}

} // namespace foresight::testing
