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
)";

} // namespace

QString hostCommandsHelp()
{
    return QString::fromUtf8(kHelp);
}

int runHostCommand(const QCommandLineParser &parser, const QStringList &args)
{
    const QString sub = args.value(0);
    if (sub.isEmpty())
        return usage(QStringLiteral("host needs a command: risk"));
    if (sub != QLatin1String("risk"))
        return usage(QStringLiteral("unknown command 'host %1'").arg(sub));
    for (const char *other :
         {"at", "app", "after-id", "limit", "store", "for", "format", "out", "force", "dry-run", "process"}) {
        if (parser.isSet(QLatin1String(other)))
            return usage(QStringLiteral("--%1 does not go with host risk").arg(QLatin1String(other)));
    }
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
