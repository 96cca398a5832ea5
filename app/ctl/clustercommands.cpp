#include "clustercommands.h"

#include <cstdio>
#include <unistd.h>

#include <QDateTime>
#include <QFileInfo>
#include <QJsonDocument>
#include <QRegularExpression>

#include "clusterformat.h"
#include "exitcodes.h"
#include "foresight/cluster/clusterconfig.h"
#include "foresight/control/consoleclient.h"
#include "foresight/failover/consolecontrol.h"
#include "foresight/storage/consolestore.h"

using namespace foresight;

namespace {

const char *kHelp = R"(
Commands for a running console (foresight --headless):
  cluster status [APP]              agents; per application its phase and why, replicas, and every
                                    failover candidate with its ranking terms, term by term
  cluster promote APP [AGENT] [--force] [--dry-run]
                                    promote AGENT (default: the console's best candidate); refused
                                    when it lags the newest copy, unless --force (writes are lost)
  cluster switchover APP [AGENT] [--dry-run] [--at HH:MM|ISO8601|+SECONDS]
                                    graceful role swap with a hot replica: writes pause, nothing
                                    acknowledged is lost; --at schedules it (local time)
  cluster maintenance AGENT on|off  keep AGENT's host out of promotions and new replica roles
  cluster ack APP                   acknowledge APP's last failover: automatic failover allowed again
  cluster journal [--app APP] [--limit N] [--after-id ID]
                                    the console's journal: decisions and operator actions, with actors
  cluster incidents [APP] [--limit N]
                                    failovers with their timeline and data loss, newest first
  cluster import FILE --store PATH  write a cluster configuration (JSON, docs/cluster-config.md) into
                                    a console store
  cluster export --store PATH       print a console store's cluster configuration as JSON
  import and export edit the store directly: a running console picks the change up at its next start.

The console is named by --console (or FORESIGHT_CONSOLE), by default
%1 (what foresight --headless binds unless told otherwise).
A tcp:// console needs its public key, --console-key (or FORESIGHT_CONSOLE_KEY), and this side's
key pair, --key (or FORESIGHT_KEY), listed with the role admin in the console's --control-allow
file. Commands are journaled with the operator: the allowlist entry's name over tcp://,
local:<uid> over ipc://. Human output of cluster status ranks candidates as the console does and
says why each ranks below the one above it; --json prints the console's reply as it is.

Exit codes: 0 success; 1 the agent or console refused (a lagging candidate without --force, ack
without a failover, an unknown application or agent) or the console store could not be used;
2 bad usage or input; 3 agent or console unreachable, or no answer in time; 4 not authorized.
)";

struct Context
{
    const QCommandLineParser &parser;
    QStringList args; // after "cluster"
    bool json = false;
};

int printError(const Error &error)
{
    std::fprintf(stderr, "foresightctl: %s\n", qPrintable(error.message));
    switch (error.code) {
    case ErrorCode::Timeout:
    case ErrorCode::Network:
        return ExitUnreachable;
    case ErrorCode::Unauthorized:
        return ExitUnauthorized;
    default:
        // invalid-argument from the console is a refusal (a lagging candidate, nothing to
        // acknowledge), not bad usage of foresightctl.
        return ExitRefused;
    }
}

int usage(const QString &message)
{
    std::fprintf(stderr, "foresightctl: %s (see foresightctl --help)\n", qPrintable(message));
    return ExitUsage;
}

int inputError(const Error &error)
{
    std::fprintf(stderr, "foresightctl: %s\n", qPrintable(error.message));
    return ExitUsage;
}

void printJson(const QJsonObject &object)
{
    std::printf("%s", QJsonDocument(object).toJson(QJsonDocument::Indented).constData());
}

QString option(const Context &context, const char *name, const char *env = nullptr)
{
    const QString key = QLatin1String(name);
    if (context.parser.isSet(key))
        return context.parser.value(key);
    return env ? qEnvironmentVariable(env) : QString();
}

// --at: HH:MM[:SS] (the next such local time), an ISO 8601 date and time (local unless it names
// an offset), or +SECONDS from now.
Result<qint64> parseAt(const QString &text, const QDateTime &now)
{
    static const QRegularExpression relative(QStringLiteral("^\\+(\\d{1,9})$"));
    static const QRegularExpression clock(QStringLiteral("^(\\d{1,2}):(\\d{2})(?::(\\d{2}))?$"));
    if (const auto match = relative.match(text); match.hasMatch())
        return now.toMSecsSinceEpoch() + match.captured(1).toLongLong() * 1000;
    if (const auto match = clock.match(text); match.hasMatch()) {
        const QTime time(match.captured(1).toInt(), match.captured(2).toInt(), match.captured(3).toInt());
        if (!time.isValid())
            return fail(ErrorCode::InvalidArgument, QStringLiteral("--at %1: not a time of day").arg(text));
        QDateTime at(now.date(), time);
        if (at <= now)
            at = at.addDays(1);
        return at.toMSecsSinceEpoch();
    }
    QDateTime at = QDateTime::fromString(text, Qt::ISODateWithMs);
    if (!at.isValid())
        return fail(ErrorCode::InvalidArgument,
                    QStringLiteral("--at %1: give HH:MM, an ISO 8601 date and time (2024-05-01T22:30) or +SECONDS")
                        .arg(text));
    if (at <= now)
        return fail(ErrorCode::InvalidArgument, QStringLiteral("--at %1 is in the past").arg(text));
    return at.toMSecsSinceEpoch();
}

Result<int> positiveOption(const Context &context, const char *name)
{
    if (!context.parser.isSet(QLatin1String(name)))
        return 0;
    bool ok = false;
    const int value = context.parser.value(QLatin1String(name)).toInt(&ok);
    if (!ok || value <= 0)
        return fail(ErrorCode::InvalidArgument,
                    QStringLiteral("--%1 takes a positive whole number").arg(QLatin1String(name)));
    return value;
}

// Options that belong to one subcommand must not be given to another: a --force that is
// silently ignored would be worse than an error.
int checkOptionsFit(const Context &context, const QString &sub)
{
    const struct
    {
        const char *option;
        QStringList subcommands;
    } owners[] = {
        {"force", {QStringLiteral("promote")}},
        {"dry-run", {QStringLiteral("promote"), QStringLiteral("switchover")}},
        {"at", {QStringLiteral("switchover")}},
        {"app", {QStringLiteral("journal")}},
        {"after-id", {QStringLiteral("journal")}},
        {"limit", {QStringLiteral("journal"), QStringLiteral("incidents")}},
        {"store", {QStringLiteral("import"), QStringLiteral("export")}},
    };
    for (const auto &owner : owners) {
        if (context.parser.isSet(QLatin1String(owner.option)) && !owner.subcommands.contains(sub))
            return usage(QStringLiteral("--%1 goes with cluster %2")
                             .arg(QLatin1String(owner.option), owner.subcommands.join(QStringLiteral(" or cluster "))));
    }
    return ExitOk;
}

int importConfig(const Context &context)
{
    if (context.args.size() != 2)
        return usage(QStringLiteral("cluster import takes one configuration file"));
    const QString storePath = option(context, "store");
    if (storePath.isEmpty())
        return usage(QStringLiteral("cluster import needs --store PATH (the console's store)"));
    auto config = ClusterConfig::fromFile(context.args[1]);
    if (!config)
        return inputError(config.error());
    auto store = ConsoleStore::open(storePath);
    if (!store)
        return printError(store.error());
    if (auto ok = (*store)->saveConfig(*config); !ok)
        return printError(ok.error());
    const QString summary = QStringLiteral("imported %1 (%2 agents, %3 applications) into %4; a running console "
                                           "picks it up at its next start")
                                .arg(context.args[1])
                                .arg(config->agents.size())
                                .arg(config->apps.size())
                                .arg(storePath);
    JournalEntry entry;
    entry.kind = QStringLiteral("operator");
    entry.actor = QStringLiteral("local:%1").arg(::getuid());
    entry.message = QStringLiteral("cluster configuration imported from %1 with foresightctl").arg(context.args[1]);
    if (auto logged = (*store)->appendJournal(entry); !logged)
        std::fprintf(stderr, "foresightctl: warning: %s\n", qPrintable(logged.error().message));
    if (context.json)
        printJson(QJsonObject{{QStringLiteral("summary"), summary},
                              {QStringLiteral("agents"), config->agents.size()},
                              {QStringLiteral("apps"), config->apps.size()}});
    else
        std::printf("%s\n", qPrintable(summary));
    return ExitOk;
}

int exportConfig(const Context &context)
{
    if (context.args.size() != 1)
        return usage(QStringLiteral("cluster export takes no arguments"));
    const QString storePath = option(context, "store");
    if (storePath.isEmpty())
        return usage(QStringLiteral("cluster export needs --store PATH (the console's store)"));
    // Opening creates a store: never for a path that names none.
    if (!QFileInfo::exists(storePath))
        return usage(QStringLiteral("there is no console store at %1").arg(storePath));
    auto store = ConsoleStore::open(storePath);
    if (!store)
        return printError(store.error());
    auto config = (*store)->loadConfig();
    if (!config) {
        if (config.error().code == ErrorCode::NotFound)
            return printError(Error{ErrorCode::NotFound,
                                    QStringLiteral("%1 holds no cluster configuration (cluster import FILE --store %1)")
                                        .arg(storePath)});
        return printError(config.error());
    }
    printJson(config->toJson());
    return ExitOk;
}

Result<std::unique_ptr<control::ConsoleClient>> connectConsole(const Context &context, int *exitCode)
{
    control::ConsoleClientOptions options;
    options.url = option(context, "console", "FORESIGHT_CONSOLE");
    if (options.url.isEmpty())
        options.url = defaultConsoleControlUrl();
    bool timeoutOk = false;
    options.timeoutMs = context.parser.value(QStringLiteral("timeout-ms")).toInt(&timeoutOk);
    if (!timeoutOk || options.timeoutMs <= 0) {
        *exitCode = usage(QStringLiteral("--timeout-ms must be a positive whole number"));
        return fail(ErrorCode::InvalidArgument, {});
    }
    if (options.url.startsWith(QLatin1String("tcp://"))) {
        const QString consoleKey = option(context, "console-key", "FORESIGHT_CONSOLE_KEY");
        const QString keyFile = option(context, "key", "FORESIGHT_KEY");
        if (consoleKey.isEmpty() || keyFile.isEmpty()) {
            *exitCode = usage(QStringLiteral("a tcp:// console needs --console-key (its public key) and --key (this "
                                             "side's key pair, role admin in its --control-allow file)"));
            return fail(ErrorCode::InvalidArgument, {});
        }
        auto serverKey = loadPublicKey(consoleKey);
        if (!serverKey) {
            *exitCode = inputError(serverKey.error());
            return std::unexpected(serverKey.error());
        }
        auto pair = loadKeyPair(keyFile);
        if (!pair) {
            *exitCode = inputError(pair.error());
            return std::unexpected(pair.error());
        }
        options.serverPublicKey = *serverKey;
        options.keys = *pair;
    } else if (!options.url.startsWith(QLatin1String("ipc://"))) {
        *exitCode = usage(QStringLiteral("--console takes ipc://PATH or tcp://HOST:PORT, not '%1'").arg(options.url));
        return fail(ErrorCode::InvalidArgument, {});
    }
    auto client = control::ConsoleClient::connect(options);
    if (!client)
        *exitCode = printError(client.error());
    return client;
}

} // namespace

QString clusterCommandsHelp()
{
    return QString::fromUtf8(kHelp).arg(defaultConsoleControlUrl());
}

void addClusterOptions(QCommandLineParser &parser)
{
    parser.addOptions({
        {QStringLiteral("console"),
         QStringLiteral("cluster: the console's control endpoint (default %1).").arg(defaultConsoleControlUrl()),
         QStringLiteral("url")},
        {QStringLiteral("console-key"),
         QStringLiteral("cluster: the console's public key, or its .pub file (tcp:// only)."),
         QStringLiteral("key")},
        {QStringLiteral("force"),
         QStringLiteral("cluster promote: promote even a lagging candidate (writes are lost).")},
        {QStringLiteral("dry-run"),
         QStringLiteral("cluster promote/switchover: say what would happen and why, change nothing.")},
        {QStringLiteral("at"),
         QStringLiteral("cluster switchover: when, as HH:MM, ISO 8601 or +SECONDS (local time)."),
         QStringLiteral("time")},
        {QStringLiteral("app"),
         QStringLiteral("cluster journal: entries about this application only."),
         QStringLiteral("app")},
        {QStringLiteral("limit"),
         QStringLiteral("cluster journal/incidents: at most this many (default 100 and 20, at most 1000)."),
         QStringLiteral("n")},
        {QStringLiteral("after-id"),
         QStringLiteral("cluster journal: entries after this id, oldest first (default: the newest)."),
         QStringLiteral("id")},
        {QStringLiteral("store"),
         QStringLiteral("cluster import/export: the console store (SQLite) to edit."),
         QStringLiteral("path")},
    });
}

int runClusterCommand(const QCommandLineParser &parser, const QStringList &args)
{
    static const QStringList kSubcommands{QStringLiteral("status"),
                                          QStringLiteral("promote"),
                                          QStringLiteral("switchover"),
                                          QStringLiteral("maintenance"),
                                          QStringLiteral("ack"),
                                          QStringLiteral("journal"),
                                          QStringLiteral("incidents"),
                                          QStringLiteral("import"),
                                          QStringLiteral("export")};
    const QString sub = args.value(0);
    if (sub.isEmpty())
        return usage(QStringLiteral("cluster needs a command: %1").arg(kSubcommands.join(QStringLiteral(", "))));
    if (!kSubcommands.contains(sub))
        return usage(QStringLiteral("unknown command 'cluster %1'").arg(sub));
    const Context context{parser, args, parser.isSet(QStringLiteral("json"))};
    if (const int bad = checkOptionsFit(context, sub); bad != ExitOk)
        return bad;
    if (sub == QLatin1String("import"))
        return importConfig(context);
    if (sub == QLatin1String("export"))
        return exportConfig(context);

    // Arguments first: bad usage must not wait for a connection.
    const auto argumentCount = [&](qsizetype least, qsizetype most) {
        return args.size() >= least && args.size() <= most;
    };
    qint64 atMs = 0;
    int limit = 0;
    qint64 afterId = -1;
    bool on = false;
    if (sub == QLatin1String("status") || sub == QLatin1String("incidents")) {
        if (!argumentCount(1, 2))
            return usage(QStringLiteral("cluster %1 takes at most one application name").arg(sub));
    } else if (sub == QLatin1String("promote") || sub == QLatin1String("switchover")) {
        if (!argumentCount(2, 3))
            return usage(QStringLiteral("cluster %1 takes an application name and optionally an agent").arg(sub));
    } else if (sub == QLatin1String("maintenance")) {
        if (!argumentCount(3, 3) || (args[2] != QLatin1String("on") && args[2] != QLatin1String("off")))
            return usage(QStringLiteral("cluster maintenance takes an agent and on or off"));
        on = args[2] == QLatin1String("on");
    } else if (sub == QLatin1String("ack")) {
        if (!argumentCount(2, 2))
            return usage(QStringLiteral("cluster ack takes one application name"));
    } else if (sub == QLatin1String("journal")) {
        if (!argumentCount(1, 1))
            return usage(QStringLiteral("cluster journal takes no arguments (--app APP names one application)"));
    }
    if (parser.isSet(QStringLiteral("at"))) {
        auto at = parseAt(parser.value(QStringLiteral("at")), QDateTime::currentDateTime());
        if (!at)
            return inputError(at.error());
        atMs = *at;
    }
    if (auto value = positiveOption(context, "limit"); value)
        limit = *value;
    else
        return inputError(value.error());
    if (parser.isSet(QStringLiteral("after-id"))) {
        bool ok = false;
        afterId = parser.value(QStringLiteral("after-id")).toLongLong(&ok);
        if (!ok || afterId < 0)
            return usage(QStringLiteral("--after-id takes a journal entry id (0 for the beginning)"));
    }

    int exitCode = ExitOk;
    auto client = connectConsole(context, &exitCode);
    if (!client)
        return exitCode;
    control::ConsoleClient &console = **client;
    const bool force = parser.isSet(QStringLiteral("force"));
    const bool dryRun = parser.isSet(QStringLiteral("dry-run"));

    Result<QCborMap> reply = fail(ErrorCode::Internal, QStringLiteral("no command ran"));
    if (sub == QLatin1String("status"))
        reply = console.status(args.value(1));
    else if (sub == QLatin1String("promote"))
        reply = console.promote(args[1], args.value(2), force, dryRun);
    else if (sub == QLatin1String("switchover"))
        reply = console.switchover(args[1], args.value(2), dryRun, atMs);
    else if (sub == QLatin1String("maintenance"))
        reply = console.maintenance(args[1], on);
    else if (sub == QLatin1String("ack"))
        reply = console.acknowledge(args[1]);
    else if (sub == QLatin1String("journal"))
        reply = console.journal(afterId, limit, option(context, "app"));
    else if (sub == QLatin1String("incidents"))
        reply = console.incidents(args.value(1), limit);
    if (!reply)
        return printError(reply.error());

    if (context.json) {
        printJson(reply->toJsonObject());
        return ExitOk;
    }
    QString text;
    if (sub == QLatin1String("status"))
        text = formatClusterStatus(*reply);
    else if (sub == QLatin1String("journal"))
        text = formatJournal(*reply);
    else if (sub == QLatin1String("incidents"))
        text = formatIncidents(*reply);
    else
        text = formatOutcome(*reply);
    std::printf("%s\n", qPrintable(text));
    return ExitOk;
}
