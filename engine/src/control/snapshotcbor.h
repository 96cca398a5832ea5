#pragma once

// Private: the console control API's CBOR encodings of what the engine knows (docs/protocol.md
// section 15): the snapshot for console-status-reply, journal entries and incidents.

#include <QCborMap>
#include <QJsonObject>
#include <QString>

#include "foresight/failover/clustersnapshot.h"
#include "foresight/storage/consolestore.h"

namespace foresight::control {

// The body of a console-status-reply without its id: the whole snapshot, or with onlyApp the
// agents and that application only (the caller checks that it exists).
QCborMap snapshotToCbor(const failover::ClusterSnapshot &snapshot, const QString &onlyApp = {});
QCborMap agentToCbor(const failover::AgentView &agent);
QCborMap appToCbor(const failover::AppView &app);
QCborMap shadowToCbor(const failover::ShadowView &shadow); // an application's `shadow` (15.4)
QCborMap candidateToCbor(const failover::RankedCandidate &candidate);
QCborMap predictionToCbor(const failover::PredictionView &prediction);
QCborMap journalEntryToCbor(const storage::JournalEntry &entry);
QCborMap incidentToCbor(const storage::Incident &incident);
// Integral JSON numbers become CBOR integers, the rest as QCborValue::fromJsonValue does.
QCborMap jsonToCbor(const QJsonObject &object);

} // namespace foresight::control
