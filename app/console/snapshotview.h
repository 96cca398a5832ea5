#pragma once

#include <QList>
#include <QString>

#include "foresight/failover/clustersnapshot.h"
#include "foresight/storage/consolestore.h"

// Renders the engine's snapshot for a terminal: agents (heard, phi, state), applications (primary,
// epoch, phase and why, replicas with lag and integrity, the ranked failover candidates) and
// the newest journal entries.
QString renderSnapshot(const foresight::failover::ClusterSnapshot &snapshot,
                       const QList<foresight::storage::JournalEntry> &journal);
