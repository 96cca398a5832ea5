#pragma once

// Private: pages through the console store's journal for console-journal requests (docs/protocol.md
// 15.11): the entries after a given id, or the newest ones, optionally of one application only.
// Reads only, on the caller's thread, with the caller's store connection; a page says how far the
// scan got, so a client resumes where it stopped.

#include <QList>
#include <QString>

#include "foresight/core/result.h"
#include "foresight/storage/consolestore.h"

namespace foresight::control {

struct JournalPage
{
    QList<storage::JournalEntry> entries; // oldest first
    qint64 nextAfterId = 0;               // every entry up to this id was looked at
};

class JournalPager final
{
public:
    // The store must outlive the pager.
    explicit JournalPager(const storage::ConsoleStore &store)
        : m_store(store)
    {}

    // Entries after afterId, oldest first, at most limit; an app filter scans at most 200,000
    // entries for matches.
    Result<JournalPage> after(qint64 afterId, const QString &app, int limit) const;
    // The newest limit entries, oldest first. knownHead: the newest id the caller knows of (the
    // engine's snapshot); entries past it in the store are found as well.
    Result<JournalPage> newest(qint64 knownHead, const QString &app, int limit) const;

private:
    const storage::ConsoleStore &m_store;
};

} // namespace foresight::control
