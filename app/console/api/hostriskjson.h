#pragma once

// POST /hosts/risk (docs/api.md) as pure functions: what a body means, what the audit trail
// records of a refusal and the JSON of the answer. shadowapi.cpp routes the path here, calls
// ClusterEngine::setHostRisk() and sends what these return. Tested in tests/app/tst_apijson.cpp.

#include <optional>

#include <QByteArray>
#include <QJsonObject>
#include <QString>

#include "apijson.h"
#include "foresight/core/result.h"
#include "foresight/failover/clusterengine.h"
#include "foresight/storage/consolestore.h"

namespace foresight::api {

inline const QString kHostRiskPath = QStringLiteral("/hosts/risk");

// An external failure risk for an agent's host (a SMART warning, a vendor notice): a floor under
// the engine's own risk until cleared.
struct HostRiskRequest
{
    QString agent;
    std::optional<double> risk; // 0..1; nullopt clears it
    QString actor;
};

// {"agent": NAME, "risk": 0..1 or null}: both fields required (null clears), nothing else. 413 for
// a body over kMaxBodyBytes, 400 malformed-json, missing-field, invalid-field or unknown-field
// naming the field otherwise.
ApiResult<HostRiskRequest> parseHostRiskBody(const QByteArray &body, const QString &actor);

// A refusal, for the journal ("host risk bravo 0.80 refused: ..."); nothing for a risk the engine
// set or cleared, which it journals itself with the actor.
std::optional<storage::JournalEntry> hostRiskAuditEntry(const HostRiskRequest &request,
                                                        const Result<failover::OperatorOutcome> &outcome);

// 200 body: agent, risk (null when cleared), summary, details, actor.
QJsonObject hostRiskOutcomeJson(const HostRiskRequest &request, const failover::OperatorOutcome &outcome);

} // namespace foresight::api
