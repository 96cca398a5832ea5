#include "headlessrunner.h"

#include <chrono>
#include <cstdio>
#include <thread>

#include <QStandardPaths>

#include "foresight/failover/clusterengine.h"
#include "foresight/failover/consolecontrol.h"
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
    ConsoleControlOptions controlOptions;
    controlOptions.url = options.controlUrl.isEmpty() ? defaultConsoleControlUrl() : options.controlUrl;
    controlOptions.storePath = options.storePath;
    if (controlOptions.url.startsWith(QLatin1String("tcp://"))) {
        if (options.controlAllowFile.isEmpty())
            return failWith(
                QStringLiteral("a tcp:// control endpoint needs --control-allow FILE: the operators' public "
                               "keys with the role admin (format: docs/protocol.md 4.3)"));
        auto allowlist = Allowlist::load(options.controlAllowFile);
        if (!allowlist)
            return failWith(allowlist.error().message);
        auto keys = loadKeyPair(options.keyFile);
        if (!keys)
            return failWith(QStringLiteral("%1\na tcp:// control endpoint needs the console's key pair (--key)")
                                .arg(keys.error().message));
        controlOptions.allowlist = *allowlist;
        controlOptions.keys = *keys;
    } else if (!options.controlAllowFile.isEmpty()) {
        return failWith(QStringLiteral("--control-allow goes with a tcp:// control endpoint; an ipc:// one admits "
                                       "the console's own user only"));
    }

    auto engine = ClusterEngine::start(engineOptions);
    if (!engine)
        return failWith(engine.error().message);
    // Declared after the engine, so destroyed before it: the server calls into the engine.
    auto control = ConsoleControlServer::start(**engine, controlOptions);
    if (!control)
        return failWith(QStringLiteral("cannot start the control API: %1").arg(control.error().message));
    const QString controlLine
        = QStringLiteral("control API on %1 (%2)")
              .arg((*control)->endpoint(),
                   controlOptions.url.startsWith(QLatin1String("tcp://"))
                       ? QStringLiteral("CURVE; the keys of %1 with the role admin").arg(options.controlAllowFile)
                       : QStringLiteral("socket mode 0600: this user only"));
    std::fprintf(stderr, "foresight: %s\n", qPrintable(controlLine));
    std::fflush(stderr);

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
            if (options.ansi) // the redraw hides stderr: repeat where foresightctl finds the console
                std::printf("\x1b[H\x1b[2J%s\n\n%s\n", qPrintable(view), qPrintable(controlLine));
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
