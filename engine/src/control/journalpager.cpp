// Paging through the console journal (see journalpager.h).

#include "control/journalpager.h"

namespace foresight::control {

namespace {

constexpr int kBatch = 1000; // entries read from the store at a time
// A request scans at most this many entries for matches of its `app` filter; the reply's
// next-after-id says where the scan stopped.
constexpr int kMaxJournalScan = 200'000;

bool matches(const storage::JournalEntry &entry, const QString &app)
{
    return app.isEmpty() || entry.app == app;
}

} // namespace

Result<JournalPage> JournalPager::after(qint64 afterId, const QString &app, int limit) const
{
    JournalPage page;
    page.nextAfterId = afterId;
    for (int scanned = 0; scanned < kMaxJournalScan && page.entries.size() < limit;) {
        auto batch = m_store.journal(page.nextAfterId, kBatch);
        if (!batch)
            return std::unexpected(batch.error());
        if (batch->isEmpty())
            break;
        for (const storage::JournalEntry &entry : *batch) {
            page.nextAfterId = entry.id;
            ++scanned;
            if (matches(entry, app) && page.entries.size() < limit)
                page.entries.append(entry);
            if (page.entries.size() == limit)
                break;
        }
    }
    return page;
}

Result<JournalPage> JournalPager::newest(qint64 knownHead, const QString &app, int limit) const
{
    qint64 head = knownHead;
    while (true) { // the caller's head may be behind the store
        auto newer = m_store.journal(head, kBatch);
        if (!newer)
            return std::unexpected(newer.error());
        if (newer->isEmpty())
            break;
        head = newer->last().id;
    }
    // A window back from the head, widened until it holds enough matches (ids are increasing and
    // almost dense).
    JournalPage page;
    page.nextAfterId = head;
    for (qint64 window = app.isEmpty() ? limit : 4 * qint64(limit);; window *= 4) {
        const qint64 from = qMax<qint64>(0, head - window);
        QList<storage::JournalEntry> found;
        for (qint64 after = from; after < head;) {
            auto batch = m_store.journal(after, kBatch);
            if (!batch)
                return std::unexpected(batch.error());
            if (batch->isEmpty())
                break;
            for (const storage::JournalEntry &entry : *batch) {
                if (entry.id > head)
                    break;
                if (matches(entry, app))
                    found.append(entry);
            }
            after = batch->last().id;
        }
        if (found.size() >= limit || from == 0 || window >= kMaxJournalScan) {
            page.entries = found.mid(qMax<qsizetype>(0, found.size() - limit));
            return page;
        }
    }
}

} // namespace foresight::control
