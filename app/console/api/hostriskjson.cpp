// POST /hosts/risk's requests and answers (see hostriskjson.h; the contract is docs/api.md).

#include "hostriskjson.h"

#include <QJsonValue>

#include "jsonbody.h"

namespace foresight::api {

namespace {

const QString kAgent = QStringLiteral("agent");
const QString kRisk = QStringLiteral("risk");

QString riskText(const std::optional<double> &risk)
{
    return risk ? QString::number(*risk, 'f', 2) : QStringLiteral("clear");
}

} // namespace

ApiResult<HostRiskRequest> parseHostRiskBody(const QByteArray &body, const QString &actor)
{
    auto parsed = jsonObjectBody(body, QStringLiteral("{\"agent\": \"bravo\", \"risk\": 0.8}"));
    if (!parsed)
        return std::unexpected(parsed.error());
    const QJsonObject object = *parsed;
    for (auto it = object.begin(); it != object.end(); ++it) {
        if (it.key() != kAgent && it.key() != kRisk)
            return apiFail(400,
                           QStringLiteral("unknown-field"),
                           QStringLiteral("unknown field '%1': /hosts/risk takes agent and risk").arg(it.key()),
                           it.key());
    }
    HostRiskRequest request;
    request.actor = actor;
    if (!object.contains(kAgent))
        return apiFail(400,
                       QStringLiteral("missing-field"),
                       QStringLiteral("'agent' is required: the agent whose host the risk is about"),
                       kAgent);
    const QJsonValue agent = object.value(kAgent);
    if (!agent.isString())
        return apiFail(400,
                       QStringLiteral("invalid-field"),
                       QStringLiteral("'agent' must be a string, got %1").arg(jsonKindOf(agent)),
                       kAgent);
    request.agent = agent.toString();
    if (request.agent.isEmpty() || request.agent.size() > kMaxNameLength)
        return apiFail(400,
                       QStringLiteral("invalid-field"),
                       QStringLiteral("'agent' must be 1 to %1 characters").arg(kMaxNameLength),
                       kAgent);
    // Required even to clear, so that a body that forgot the risk does not clear one by accident.
    if (!object.contains(kRisk))
        return apiFail(400,
                       QStringLiteral("missing-field"),
                       QStringLiteral("'risk' is required: a number from 0 to 1, or null to clear the agent's "
                                      "external risk"),
                       kRisk);
    const QJsonValue risk = object.value(kRisk);
    if (risk.isNull())
        return request;
    if (!risk.isDouble())
        return apiFail(400,
                       QStringLiteral("invalid-field"),
                       QStringLiteral("'risk' must be a number from 0 to 1 or null, got %1").arg(jsonKindOf(risk)),
                       kRisk);
    const double value = risk.toDouble();
    if (!(value >= 0 && value <= 1))
        return apiFail(400,
                       QStringLiteral("invalid-field"),
                       QStringLiteral("'risk' must be from 0 to 1 (null clears it), got %1").arg(value),
                       kRisk);
    request.risk = value;
    return request;
}

std::optional<storage::JournalEntry> hostRiskAuditEntry(const HostRiskRequest &request,
                                                        const Result<failover::OperatorOutcome> &outcome)
{
    if (outcome)
        return std::nullopt;
    storage::JournalEntry entry;
    entry.kind = QStringLiteral("operator");
    entry.agent = request.agent;
    entry.actor = request.actor;
    entry.message = QStringLiteral("host risk %1 %2 refused: %3")
                        .arg(request.agent, riskText(request.risk), outcome.error().message);
    entry.details = QJsonObject{{QStringLiteral("error-code"), errorCodeName(outcome.error().code)},
                                {QStringLiteral("via"), QStringLiteral("http")}};
    return entry;
}

QJsonObject hostRiskOutcomeJson(const HostRiskRequest &request, const failover::OperatorOutcome &outcome)
{
    return QJsonObject{{kAgent, request.agent},
                       {kRisk, request.risk ? QJsonValue(*request.risk) : QJsonValue(QJsonValue::Null)},
                       {QStringLiteral("summary"), outcome.summary},
                       {QStringLiteral("details"), outcome.details},
                       {QStringLiteral("actor"), request.actor}};
}

} // namespace foresight::api
