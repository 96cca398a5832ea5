#pragma once

// Private: what a console control request means, as pure functions of its body (docs/protocol.md
// section 15). The checks a console-* command passes before it reaches the engine, the engine
// call it becomes, what the audit trail records of its outcome and the body of the reply. No
// socket, no store, no thread: the server (consolecontrol.cpp) receives, routes, answers and
// writes the audit entries these return. Tested in tests/engine/tst_controlrequests.cpp.

#include <optional>
#include <variant>

#include <QByteArray>
#include <QCborMap>
#include <QString>

#include "foresight/control/consolecontrol.h"
#include "foresight/core/result.h"
#include "foresight/failover/clusterengine.h"
#include "foresight/protocol/message.h"
#include "foresight/storage/consolestore.h"

namespace foresight::control {

inline constexpr int kMaxLimit = 1000; // the most entries one journal or incidents reply carries

// A name field the schema checked as text: a present one must not be empty, a required one must
// be present. InvalidArgument naming the field otherwise.
Result<QString> nameField(const QCborMap &body, const char *field, bool required);
// A `limit` between 1 and kMaxLimit, or defaultLimit when absent.
Result<int> limitField(const QCborMap &body, int defaultLimit);
// The id of a request that failed to decode, when its body still shows one (-1 otherwise), so
// even an error reply can be matched to its request.
qint64 readableId(const QByteArray &body);

struct MaintenanceRequest
{
    QString agent;
    bool on = false;
};

struct AcknowledgeRequest
{
    QString app;
};

// console-shadow (docs/protocol.md 15.18): what to do with an application's shadow.
enum class ShadowAction { Create, Swap, Promote, Retire, Update };
QString shadowActionName(ShadowAction action);
std::optional<ShadowAction> shadowActionFromName(const QString &name);

struct ShadowCommand
{
    ShadowAction action = ShadowAction::Create;
    failover::ShadowRequest request;
    QJsonObject process; // update: the keys of config.process that change
};

// One operator command, checked, with what the audit trail says about it.
struct Command
{
    std::variant<failover::PromoteRequest,
                 failover::SwitchoverRequest,
                 MaintenanceRequest,
                 AcknowledgeRequest,
                 FaultRequest,
                 ShadowCommand>
        request;
    QString what; // "promote shop to bravo (forced)": how refusals are audited
    QString app;  // journal fields
    QString agent;
    QString actor;
    bool dryRun = false;
    // The journal kind under which a success is audited by the server; empty when the engine
    // journals the command itself.
    QString journalKind = {};
};

// Whether `type` is one of the commands parseCommand() reads (promote, switchover, maintenance,
// acknowledge, fault, shadow); the other requests only read.
bool isCommand(protocol::MessageType type);

// The command a request asks for. InvalidArgument naming the field when the body makes no sense;
// a switchover scheduled more than a minute before nowWallMs is refused as a mistake; a shadow
// command's action must be one of create, swap, promote, retire, and only promote takes force.
Result<Command> parseCommand(protocol::MessageType type, const QCborMap &body, const QString &actor, qint64 nowWallMs);

// What the server audits once the engine has answered: refusals always (the engine journals what
// it does, not what it refuses), dry runs, and successes the engine does not journal itself
// (journalKind). Nothing otherwise.
std::optional<storage::JournalEntry> auditEntry(const Command &command,
                                                const Result<failover::OperatorOutcome> &outcome);

// The body (without its id) of the `ok` reply to a command the engine carried out.
QCborMap outcomeReply(const failover::OperatorOutcome &outcome, const QString &actor);

} // namespace foresight::control
