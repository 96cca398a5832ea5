#include "headlessrunner.h"

#include <chrono>
#include <cstdio>
#include <thread>

#include <QDir>
#include <QFileInfo>
#include <QStandardPaths>

#include "foresight/failover/clusterengine.h"
#include "foresight/storage/consolestore.h"
#include "snapshotview.h"

using namespace foresight;

QString defaultStorePath()
{
    return QStandardPaths::writableLocation(QStandardPaths::AppDataLocation) + QStringLiteral("/console.db");
}

QString defaultKeyPath()
{
    return QStandardPaths::writableLocation(QStandardPaths::AppConfigLocation) + QStringLiteral("/console.key");
}

namespace {

int failWith(const QString &message)
{
    std::fprintf(stderr, "foresight: %s\n", qPrintable(message));
    return 1;
}

} // namespace

int runHeadless(const HeadlessOptions &options, const std::atomic<bool> &stop)
{
    if (!QDir().mkpath(QFileInfo(options.storePath).absolutePath()))
        return failWith(QStringLiteral("cannot create the directory of the console store %1").arg(options.storePath));
    auto store = ConsoleStore::open(options.storePath);
    if (!store)
        return failWith(store.error().message);

    if (!options.clusterFile.isEmpty()) {
        auto config = ClusterConfig::fromFile(options.clusterFile);
        if (!config)
            return failWith(config.error().message);
        if (auto ok = (*store)->saveConfig(*config); !ok)
            return failWith(ok.error().message);
        std::fprintf(stderr,
                     "foresight: imported %s into %s\n",
                     qPrintable(options.clusterFile),
                     qPrintable(options.storePath));
    }
    auto config = (*store)->loadConfig();
    if (!config) {
        if (config.error().code == ErrorCode::NotFound)
            return failWith(QStringLiteral("%1 holds no cluster configuration: import one with --cluster FILE "
                                           "(format: docs/cluster-config.md)")
                                .arg(options.storePath));
        return failWith(config.error().message);
    }

    ClusterEngineOptions engineOptions;
    engineOptions.config = *config;
    engineOptions.storePath = options.storePath;
    if (!config->insecure) {
        auto keys = loadKeyPair(options.keyFile);
        if (!keys)
            return failWith(
                QStringLiteral("%1\nthe console needs a key pair: `foresightctl keygen %2`, then add %2.pub "
                               "to every agent's allowlist with the role admin")
                    .arg(keys.error().message, options.keyFile));
        engineOptions.keys = *keys;
    } else {
        std::fprintf(stderr,
                     "foresight: WARNING: the cluster is insecure: plain TCP to the agents, no authentication\n");
    }
    auto engine = ClusterEngine::start(engineOptions);
    if (!engine)
        return failWith(engine.error().message);

    const auto startedAt = std::chrono::steady_clock::now();
    qint64 journalAfter = 0;
    QList<JournalEntry> recent;
    while (!stop.load()) {
        if (auto entries = (*store)->journal(journalAfter, 200); entries) {
            for (const JournalEntry &entry : *entries) {
                recent.append(entry);
                journalAfter = entry.id;
                if (!options.ansi) // a log: every entry once, as it comes
                    std::printf("journal: %s %s %s\n",
                                qPrintable(entry.kind),
                                qPrintable(entry.app),
                                qPrintable(entry.message));
            }
            while (recent.size() > 10)
                recent.removeFirst();
        }
        if (auto snapshot = (*engine)->snapshot()) {
            const QString view = renderSnapshot(*snapshot, options.ansi ? recent : QList<JournalEntry>());
            if (options.ansi)
                std::printf("\x1b[H\x1b[2J%s\n", qPrintable(view));
            else
                std::printf("%s\n\n", qPrintable(view));
            std::fflush(stdout);
        }
        const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - startedAt).count();
        if (options.durationSeconds > 0 && elapsed >= options.durationSeconds)
            break;
        for (int waited = 0; waited < options.refreshMs && !stop.load(); waited += 50)
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return 0;
}
