#include "headlessrunner.h"

#include <chrono>
#include <cstdio>
#include <thread>

#include "consolesession.h"
#include "snapshotview.h"

using namespace foresight;

namespace {

int failWith(const QString &message)
{
    std::fprintf(stderr, "foresight: %s\n", qPrintable(message));
    return 1;
}

} // namespace

int runHeadless(const HeadlessOptions &options, const std::atomic<bool> &stop)
{
    auto session = ConsoleSession::open(options.session);
    if (!session)
        return failWith(session.error().message);
    for (const QString &note : (*session)->notes())
        std::fprintf(stderr, "foresight: %s\n", qPrintable(note));
    QString controlLine = (*session)->controlLine();
    if (!(*session)->apiLine().isEmpty())
        controlLine += QLatin1Char('\n') + (*session)->apiLine();
    std::fprintf(stderr, "foresight: %s\n", qPrintable(controlLine));
    std::fflush(stderr);
    storage::ConsoleStore &store = (*session)->store();
    failover::ClusterEngine &engine = (*session)->engine();

    const auto startedAt = std::chrono::steady_clock::now();
    qint64 journalAfter = 0;
    QList<storage::JournalEntry> recent;
    while (!stop.load()) {
        if (auto entries = store.journal(journalAfter, 200); entries) {
            for (const storage::JournalEntry &entry : *entries) {
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
        if (auto snapshot = engine.snapshot()) {
            const QString view = renderSnapshot(*snapshot, options.ansi ? recent : QList<storage::JournalEntry>());
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
