#include "ctlcommandline.h"

#include <cstring>

#include "clustercommands.h"
#include "hostcommands.h"
#include "mirrorscommands.h"
#include "partitionscommands.h"
#include "shadowcommands.h"

namespace {

const char *kCommandsHelp = R"(
Commands for one agent:
  status [APP]                      roles, tiers, epochs, sequence numbers, lag and digests; a
                                    primary's staleness partitions in one line
  assign APP --role primary|replica [--tier hot|warm|cold --primary-url URL --primary-key KEY]
         [--critical PATTERN,...] [--sync-replicas N] [--ack-timeout-ms N] [--snapshot-interval-ms N]
                                    give the agent a role for APP
  promote APP [--epoch N]           make the agent's replica of APP its primary, raising the epoch
  snapshot APP                      send a snapshot of APP to its cold replicas now (to the primary)
  keygen --out FILE                 write a CURVE key pair: FILE (secret, mode 0600) and FILE.pub

The agent is named by --agent (or FORESIGHT_AGENT), its public key by --agent-key (or
FORESIGHT_AGENT_KEY), this side's key pair by --key (or FORESIGHT_KEY).
)";

} // namespace

bool drawsReports(int argc, char *argv[])
{
    for (int i = 1; i < argc; ++i) {
        if (std::strcmp(argv[i], "report") == 0)
            return true;
    }
    return false;
}

void describeCtlCommandLine(QCommandLineParser &parser)
{
    parser.setApplicationDescription(QStringLiteral("Drive Foresight agents and a running console from a terminal.")
                                     + QString::fromUtf8(kCommandsHelp) + clusterCommandsHelp() + shadowCommandsHelp()
                                     + partitionsCommandHelp() + mirrorsCommandHelp() + hostCommandsHelp());
    parser.addHelpOption();
    parser.addVersionOption();
    parser.addPositionalArgument(
        QStringLiteral("command"),
        QStringLiteral(
            "status, assign, promote, snapshot, keygen, cluster, shadow, partitions, mirrors, host or report"));
    const QCommandLineOption agentOpt(QStringLiteral("agent"),
                                      QStringLiteral("The agent's endpoint, tcp://HOST:PORT."),
                                      QStringLiteral("url"));
    const QCommandLineOption agentKeyOpt(QStringLiteral("agent-key"),
                                         QStringLiteral("The agent's public key, or its .pub file."),
                                         QStringLiteral("key"));
    const QCommandLineOption
        keyOpt(QStringLiteral("key"),
               QStringLiteral("This side's key pair file (role admin in the agent's or console's allowlist)."),
               QStringLiteral("file"));
    const QCommandLineOption insecureOpt(QStringLiteral("insecure"),
                                         QStringLiteral("Talk to an agent started with --insecure."));
    const QCommandLineOption jsonOpt(QStringLiteral("json"),
                                     QStringLiteral("Print the agent's or console's reply as JSON, for scripts."));
    const QCommandLineOption
        timeoutOpt(QStringLiteral("timeout-ms"),
                   QStringLiteral(
                       "How long to wait for the agent or console (default 3000; a switchover waits at least 60000)."),
                   QStringLiteral("ms"),
                   QStringLiteral("3000"));
    const QCommandLineOption outOpt(QStringLiteral("out"),
                                    QStringLiteral("keygen: the secret key file to write; report export: the "
                                                   "report's file (- for stdout)."),
                                    QStringLiteral("file"));
    const QCommandLineOption roleOpt(QStringLiteral("role"),
                                     QStringLiteral("assign: primary or replica."),
                                     QStringLiteral("role"));
    const QCommandLineOption tierOpt(QStringLiteral("tier"),
                                     QStringLiteral("assign: hot, warm or cold."),
                                     QStringLiteral("tier"));
    const QCommandLineOption primaryUrlOpt(QStringLiteral("primary-url"),
                                           QStringLiteral("assign: the primary agent's endpoint."),
                                           QStringLiteral("url"));
    const QCommandLineOption primaryKeyOpt(QStringLiteral("primary-key"),
                                           QStringLiteral("assign: the primary agent's public key or .pub file."),
                                           QStringLiteral("key"));
    const QCommandLineOption criticalOpt(QStringLiteral("critical"),
                                         QStringLiteral("assign: comma-separated glob patterns of critical keys."),
                                         QStringLiteral("patterns"));
    const QCommandLineOption syncOpt(QStringLiteral("sync-replicas"),
                                     QStringLiteral("assign: hot acknowledgements a write needs."),
                                     QStringLiteral("n"));
    const QCommandLineOption ackTimeoutOpt(QStringLiteral("ack-timeout-ms"),
                                           QStringLiteral("assign: how long a write waits for them."),
                                           QStringLiteral("ms"));
    const QCommandLineOption intervalOpt(QStringLiteral("snapshot-interval-ms"),
                                         QStringLiteral("assign: cold snapshot interval."),
                                         QStringLiteral("ms"));
    const QCommandLineOption epochOpt(QStringLiteral("epoch"),
                                      QStringLiteral("promote: the least epoch to take."),
                                      QStringLiteral("n"));
    parser.addOptions({agentOpt,
                       agentKeyOpt,
                       keyOpt,
                       insecureOpt,
                       jsonOpt,
                       timeoutOpt,
                       outOpt,
                       roleOpt,
                       tierOpt,
                       primaryUrlOpt,
                       primaryKeyOpt,
                       criticalOpt,
                       syncOpt,
                       ackTimeoutOpt,
                       intervalOpt,
                       epochOpt});
    addClusterOptions(parser);
}
