#include "hostcommands.h"

#include <cmath>
#include <cstdio>
#include <optional>

#include <QJsonDocument>

#include "clustercommands.h"
#include "clusterformat.h"
#include "ctlerrors.h"
#include "exitcodes.h"
#include "foresight/control/consoleclient.h"
#include "inventoryformat.h"

using namespace foresight;

namespace {

const char *kHelp = R"(
Hosts, on a running console, with the same --console, --console-key and --key as the cluster
commands:
  host risk AGENT VALUE|clear       an external failure risk for AGENT's host (a disk's SMART
                                    warning, a vendor's maintenance notice), VALUE from 0 to 1: the
                                    console takes the host's failure risk to be at least VALUE (for
                                    shadows, the failover score and candidate ranking) until it is
                                    cleared or the console restarts; journaled with the operator;
                                    cluster status shows it beside the model's risk ("ext 0.80").
                                    clear removes it. Exit codes as above: 2 for a VALUE that is not
                                    a number from 0 to 1, 1 for an agent the console does not know.
  host inventory [AGENT] [--json]   what each agent's host has (CPUs, memory, swap, interfaces,
                                    disks, kernel), as the console mirrors it: fetched from the
                                    agent only when its heartbeats announce a new version
                                    (docs/mirrors.md), with how the copy stands (current or being
                                    fetched, fetches, heartbeats that needed none). AGENT: that
                                    agent only; exit code 1 when the console does not know it.
)";

} // namespace

QString hostCommandsHelp()
{
    return QString::fromUtf8(kHelp);
}

namespace {

int runHostInventory(const QCommandLineParser &parser, const QStringList &args)
{
    if (args.size() > 2)
        return usage(QStringLiteral("host inventory takes at most one agent: host inventory [AGENT]"));
    int exitCode = ExitOk;
    auto client = connectToConsole(parser, &exitCode);
    if (!client)
        return exitCode;
    auto status = (*client)->status();
    if (!status)
        return reportError(status.error(), InvalidArgumentIs::Refusal);
    QCborArray agents = status->value(QStringLiteral("agents")).toArray();
    if (args.size() == 2) {
        QCborArray only;
        for (const QCborValue &agent : std::as_const(agents)) {
            if (agent.toMap().value(QStringLiteral("name")).toString() == args[1])
                only.append(agent);
        }
        if (only.isEmpty()) {
            std::fprintf(stderr, "foresightctl: the console knows no agent named '%s'\n", qPrintable(args[1]));
            return ExitRefused;
        }
        agents = only;
    }
    if (parser.isSet(QStringLiteral("json")))
        std::printf("%s", QJsonDocument(inventoriesJson(agents)).toJson(QJsonDocument::Indented).constData());
    else
        std::printf("%s\n", qPrintable(formatInventories(agents)));
    return ExitOk;
}

} // namespace

int runHostCommand(const QCommandLineParser &parser, const QStringList &args)
{
    const QString sub = args.value(0);
    if (sub.isEmpty())
        return usage(QStringLiteral("host needs a command: risk, inventory"));
    if (sub != QLatin1String("risk") && sub != QLatin1String("inventory"))
        return usage(QStringLiteral("unknown command 'host %1'").arg(sub));
    for (const char *other :
         {"at", "app", "after-id", "limit", "store", "for", "format", "out", "force", "dry-run", "process"}) {
        if (parser.isSet(QLatin1String(other)))
            return usage(QStringLiteral("--%1 does not go with host %2").arg(QLatin1String(other), sub));
    }
    if (sub == QLatin1String("inventory"))
        return runHostInventory(parser, args);
    if (args.size() != 3)
        return usage(QStringLiteral("host risk takes an agent and a risk from 0 to 1, or clear: host risk AGENT "
                                    "VALUE|clear"));
    const QString agent = args[1];
    const QString value = args[2];
    std::optional<double> risk;
    if (value != QLatin1String("clear")) {
        bool ok = false;
        const double number = value.toDouble(&ok);
        if (!ok || std::isnan(number)) // toDouble() takes "nan" for a number
            return usage(
                QStringLiteral("host risk: '%1' is not a number; give a risk from 0 to 1, or clear").arg(value));
        if (!(number >= 0 && number <= 1))
            return usage(QStringLiteral("host risk: %1 is out of range; give a risk from 0 to 1, or clear").arg(value));
        risk = number;
    }

    int exitCode = ExitOk;
    auto client = connectToConsole(parser, &exitCode);
    if (!client)
        return exitCode;
    auto reply = (*client)->hostRisk(agent, risk);
    if (!reply)
        return reportError(reply.error(), InvalidArgumentIs::Refusal);
    if (parser.isSet(QStringLiteral("json")))
        std::printf("%s", QJsonDocument(reply->toJsonObject()).toJson(QJsonDocument::Indented).constData());
    else
        std::printf("%s\n", qPrintable(formatOutcome(*reply)));
    return ExitOk;
}
