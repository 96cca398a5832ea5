#pragma once

#include <cstdint>
#include <memory>
#include <optional>

#include <QList>
#include <QString>
#include <QStringList>

#include "foresight/core/result.h"
#include "foresight/state/snapshot.h"
#include "foresight/state/statedigest.h"

namespace foresight::storage {

// What list() reports about one stored snapshot, without reading or checking its entries.
struct SnapshotInfo
{
    QString app;
    std::uint64_t epoch = 0;
    std::uint64_t seq = 0;
    state::StateDigest digest; // as stored; all zero if the stored text is unreadable
    std::int64_t takenAtMs = 0;
    qint64 entryCount = 0; // as stored
};

// The cold tier's durable store of application snapshots: one SQLite file on the replica's host
// (WAL journal, synchronous=FULL, so a snapshot whose save() returned success survives a crash or
// power loss of the host). Each save() is one transaction; a failed or interrupted save leaves
// the store exactly as it was.
//
// Order: a snapshot is newer than another when its epoch is higher, or the epochs are equal and
// its seq is higher. A higher epoch wins over a higher seq because after a promotion the new
// primary's history supersedes the deposed one's.
//
// Threading: a store and everything it returns belong to the thread that called open(); it is
// not thread-safe and must not be moved to or used from another thread (QtSql connections are
// per-thread). Several stores, in one process or several, may open the same file.
//
// Errors: IoError when the file or its directory cannot be created, opened or written, or was
// written by a newer schema version; Corruption when the file is not a SQLite database, SQLite
// reports it damaged, or no stored snapshot of an application is intact; InvalidArgument for a
// snapshot that cannot be stored as given.
class SnapshotStore final
{
public:
    static constexpr int kDefaultRetention = 3;

    // Opens (creating if needed, along with its parent directory) the store at path.
    static Result<std::unique_ptr<SnapshotStore>> open(const QString &path);

    ~SnapshotStore();
    SnapshotStore(const SnapshotStore &) = delete;
    SnapshotStore &operator=(const SnapshotStore &) = delete;

    // Stores snapshot durably, replacing a stored one of the same app, epoch and seq, then
    // deletes the app's snapshots beyond the newest retention(). (A snapshot older than all the
    // retained ones is therefore stored and pruned at once.) Refuses, storing nothing, a snapshot
    // whose entries do not match its digest, with an empty app name or duplicate keys, or whose
    // epoch or seq exceeds 2^63 - 1.
    Status save(const state::Snapshot &snapshot);

    // The newest intact snapshot of app, its digest recomputed from the stored entries. A newer
    // snapshot that fails the check is skipped with a warning on foresight.storage. nullopt if
    // the store holds no snapshot of app; Corruption if it holds some and none is intact.
    Result<std::optional<state::Snapshot>> latest(const QString &app);

    // The stored snapshots of app, newest first; contents are not checked.
    Result<QList<SnapshotInfo>> list(const QString &app);
    // Applications with at least one stored snapshot, sorted; empty (with a warning) on error.
    QStringList apps();

    // How many snapshots per app save() keeps; values below 1 are taken as 1. Takes effect at
    // the next save() of each app.
    void setRetention(int count);
    int retention() const { return m_retention; }

    QString path() const { return m_path; }

private:
    SnapshotStore(QString path, QString connectionName);

    Status initialize();

    QString m_path;
    QString m_connectionName; // this store's own QSqlDatabase connection
    int m_retention = kDefaultRetention;
};

} // namespace foresight::storage
