#pragma once

// Private: the console store's SQLite schema, by version, and the steps that upgrade an older file.

#include <QStringList>

namespace foresight::storage {

// Version 1: config, journal, incidents. Version 2: host_samples (metrics history) and the
// journal indexed by time (incident reports read a time window). Version 3: incidents record
// their speculative overlay's predictions and how many were right. Version 4: shadow_samples
// (shadows' discrepancy history). Version 5: shadow_samples record the keys and bytes that differ.
// Bump when the schema changes, add its step to upgradeFrom(); opening a store runs
// statementsFrom() for the steps an older file lacks.
constexpr int kSchemaVersion = 5;

// The statements of version 1's schema (config, journal, incidents).
QStringList schemaVersion1();
// The statements that take a store from `version` to version + 1; empty past the newest.
QStringList upgradeFrom(int version);
// The statements that take a store from `version` (0: a new file) to kSchemaVersion.
QStringList statementsFrom(int version);

} // namespace foresight::storage
