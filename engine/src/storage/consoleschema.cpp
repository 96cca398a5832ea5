#include "storage/consoleschema.h"

namespace foresight::storage {

// The schema as version 1 created it; later versions add to it through upgradeFrom().
QStringList schemaVersion1()
{
    return {
        QStringLiteral("CREATE TABLE config ("
                       " id INTEGER PRIMARY KEY CHECK (id = 1),"
                       " json TEXT NOT NULL,"
                       " saved_ms INTEGER NOT NULL)"),
        // AUTOINCREMENT: ids are never reused, so a reader paging with "id > last seen" never
        // skips an entry.
        QStringLiteral("CREATE TABLE journal ("
                       " id INTEGER PRIMARY KEY AUTOINCREMENT,"
                       " wall_ms INTEGER NOT NULL,"
                       " kind TEXT NOT NULL,"
                       " app TEXT NOT NULL,"
                       " agent TEXT NOT NULL,"
                       " actor TEXT NOT NULL,"
                       " message TEXT NOT NULL,"
                       " details TEXT NOT NULL)"),
        QStringLiteral("CREATE TABLE incidents ("
                       " id INTEGER PRIMARY KEY AUTOINCREMENT,"
                       " app TEXT NOT NULL,"
                       " old_primary TEXT NOT NULL,"
                       " new_primary TEXT NOT NULL,"
                       " former_tier TEXT NOT NULL,"
                       " epoch INTEGER NOT NULL,"
                       " detected_ms INTEGER NOT NULL,"
                       " decided_ms INTEGER NOT NULL,"
                       " promoted_ms INTEGER NOT NULL,"
                       " first_ack_ms INTEGER NOT NULL,"
                       " acked_writes_lost INTEGER NOT NULL,"
                       " seq_gap INTEGER NOT NULL,"
                       " summary TEXT NOT NULL,"
                       " acknowledged INTEGER NOT NULL)"),
        QStringLiteral("CREATE INDEX incidents_by_app ON incidents (app, id)"),
    };
}

// The statements that take a store from `version` to version + 1.
QStringList upgradeFrom(int version)
{
    switch (version) {
    case 1:
        return {
            // One row per agent and second; WITHOUT ROWID keeps an agent's samples together in
            // time order, which is how reports read them.
            QStringLiteral("CREATE TABLE host_samples ("
                           " agent TEXT NOT NULL,"
                           " wall_ms INTEGER NOT NULL,"
                           " cpu_busy REAL NOT NULL,"
                           " mem_used REAL NOT NULL,"
                           " disk_busy REAL NOT NULL,"
                           " load1 REAL NOT NULL,"
                           " net_errors REAL NOT NULL,"
                           " net_drops REAL NOT NULL,"
                           " failure_risk REAL NOT NULL,"
                           " anomaly REAL NOT NULL,"
                           " PRIMARY KEY (agent, wall_ms)) WITHOUT ROWID"),
            // Pruning deletes by time across agents.
            QStringLiteral("CREATE INDEX host_samples_by_time ON host_samples (wall_ms)"),
            QStringLiteral("CREATE INDEX journal_by_time ON journal (wall_ms)"),
        };
    case 2:
        // How the speculative overlay of a promotion with a gap turned out (issue 4 part 3).
        return {
            QStringLiteral("ALTER TABLE incidents ADD COLUMN predicted INTEGER NOT NULL DEFAULT 0"),
            QStringLiteral("ALTER TABLE incidents ADD COLUMN predictions_right INTEGER NOT NULL DEFAULT 0"),
            QStringLiteral("ALTER TABLE incidents ADD COLUMN predictions_wrong INTEGER NOT NULL DEFAULT 0"),
        };
    case 3:
        // Shadows' discrepancy from their primaries (issue 19), one row per application and second.
        return {
            QStringLiteral("CREATE TABLE shadow_samples ("
                           " app TEXT NOT NULL,"
                           " wall_ms INTEGER NOT NULL,"
                           " agent TEXT NOT NULL,"
                           " seq_gap INTEGER NOT NULL,"
                           " lag_ms INTEGER NOT NULL,"
                           " digest_agrees INTEGER NOT NULL,"
                           " divergence REAL NOT NULL,"
                           " PRIMARY KEY (app, wall_ms)) WITHOUT ROWID"),
            QStringLiteral("CREATE INDEX shadow_samples_by_time ON shadow_samples (wall_ms)"),
        };
    case 4:
        // The keys and bytes a shadow's unacknowledged writes touch (issue 19 section 3); rows
        // from before are unknown (-1), as they are from agents that do not report them.
        return {
            QStringLiteral("ALTER TABLE shadow_samples ADD COLUMN keys_differing INTEGER NOT NULL DEFAULT -1"),
            QStringLiteral("ALTER TABLE shadow_samples ADD COLUMN bytes_differing INTEGER NOT NULL DEFAULT -1"),
            QStringLiteral("ALTER TABLE shadow_samples ADD COLUMN differing_partial INTEGER NOT NULL DEFAULT 0"),
        };
    default:
        return {};
    }
}

QStringList statementsFrom(int version)
{
    // A new file gets version 1's schema and then every step, so that new and upgraded stores
    // are created by the same statements.
    QStringList statements = version == 0 ? schemaVersion1() : QStringList();
    for (int from = qMax(version, 1); from < kSchemaVersion; ++from)
        statements += upgradeFrom(from);
    return statements;
}

} // namespace foresight::storage
