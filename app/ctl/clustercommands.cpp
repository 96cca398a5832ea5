#include "clustercommands.h"

#include <cstdio>
#include <unistd.h>

#include <QDateTime>
#include <QFileInfo>
#include <QJsonDocument>
#include <QRegularExpression>
#include <QSaveFile>

#include "clusterformat.h"
#include "ctlerrors.h"
#include "exitcodes.h"
#include "foresight/config/clusterconfig.h"
#include "foresight/control/consoleclient.h"
#include "foresight/control/consolecontrol.h"
#include "foresight/report/incidentreport.h"
#include "foresight/report/reportpdf.h"
#include "foresight/storage/consolestore.h"

using namespace foresight;

namespace {

const char *kHelp = R"(
Commands for a running console (foresight --headless, or any foresight --demo):
  cluster status [APP]              agents; per application its phase and why, its staleness
                                    partitions in one line, replicas, and every failover candidate
                                    with its ranking terms, term by term
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
  cluster fault KIND [TARGET [OTHER]] [--for DURATION]
                                    demo only (foresight --demo): inject a fault into its simulated
                                    cluster. KIND: crash TARGET (kill -9), restart AGENT, freeze
                                    TARGET, degrade TARGET HOW (memory-leak, disk-errors,
                                    latency-creep, cpu-saturation), repair TARGET, partition TARGET
                                    [OTHER] (no OTHER: from every host), heal [TARGET [OTHER]] (no
                                    target: every partition),
                                    corrupt TARGET. TARGET: an agent or a role (primary, hot-replica,
                                    warm-replica, cold-replica). --for: 500ms, 10s, 2m (freeze,
                                    degrade, partition; default 10 s, 60 s, 30 s)
  report export INCIDENT [--format pdf|html|json] [--out FILE]
                                    the incident's report (summary, timeline, operator actions, data
                                    loss, host metrics and failure risk around it); the format from
                                    --format, else FILE's extension, else pdf; FILE defaults to
                                    incident-INCIDENT.FORMAT, - is stdout (html, json)
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
        {"for", {QStringLiteral("fault")}},
    };
    if (context.parser.isSet(QStringLiteral("process")))
        return usage(QStringLiteral("--process goes with shadow update"));
    for (const auto &owner : owners) {
        if (context.parser.isSet(QLatin1String(owner.option)) && !owner.subcommands.contains(sub))
            return usage(QStringLiteral("--%1 goes with cluster %2")
                             .arg(QLatin1String(owner.option), owner.subcommands.join(QStringLiteral(" or cluster "))));
    }
    return ExitOk;
}

// --for: a whole number with ms, s or m, as in scenario files.
Result<qint64> parseDuration(const QString &text)
{
    static const QRegularExpression pattern(QStringLiteral("^(\\d{1,7})(ms|s|m)$"));
    const auto match = pattern.match(text);
    const qint64 value = match.captured(1).toLongLong();
    if (!match.hasMatch() || value == 0)
        return fail(ErrorCode::InvalidArgument,
                    QStringLiteral("--for %1: give a duration such as 500ms, 10s or 2m").arg(text));
    const QString unit = match.captured(2);
    return unit == QLatin1String("ms") ? value : unit == QLatin1String("s") ? value * 1000 : value * 60'000;
}

// cluster fault KIND [TARGET [OTHER]]: how many arguments each kind takes, and what OTHER is.
Result<control::FaultRequest> faultRequest(const QStringList &args)
{
    static const QStringList kTargetOnly{QStringLiteral("crash"),
                                         QStringLiteral("restart"),
                                         QStringLiteral("freeze"),
                                         QStringLiteral("repair"),
                                         QStringLiteral("corrupt")};
    control::FaultRequest request;
    request.fault = args.value(1);
    request.target = args.value(2);
    const auto bad = [](const QString &text) { return fail(ErrorCode::InvalidArgument, text); };
    if (request.fault.isEmpty())
        return bad(QStringLiteral("cluster fault needs a kind: crash, restart, freeze, degrade, repair, partition, "
                                  "heal or corrupt"));
    if (kTargetOnly.contains(request.fault)) {
        if (args.size() != 3)
            return bad(QStringLiteral("cluster fault %1 takes one target (an agent or a role)").arg(request.fault));
    } else if (request.fault == QLatin1String("degrade")) {
        if (args.size() != 4)
            return bad(QStringLiteral("cluster fault degrade takes a target and how: memory-leak, disk-errors, "
                                      "latency-creep or cpu-saturation"));
        request.how = args[3];
    } else if (request.fault == QLatin1String("partition")) {
        if (args.size() != 3 && args.size() != 4)
            return bad(QStringLiteral("cluster fault partition takes a target and optionally the other side (without "
                                      "it the target is cut off from every host)"));
        request.peer = args.value(3);
    } else if (request.fault == QLatin1String("heal")) {
        if (args.size() > 4)
            return bad(QStringLiteral("cluster fault heal takes at most two targets"));
        request.peer = args.value(3);
    } else {
        return bad(QStringLiteral("unknown fault '%1': crash, restart, freeze, degrade, repair, partition, heal or "
                                  "corrupt")
                       .arg(request.fault));
    }
    return request;
}

int importConfig(const Context &context)
{
    if (context.args.size() != 2)
        return usage(QStringLiteral("cluster import takes one configuration file"));
    const QString storePath = option(context, "store");
    if (storePath.isEmpty())
        return usage(QStringLiteral("cluster import needs --store PATH (the console's store)"));
    auto config = config::ClusterConfig::fromFile(context.args[1]);
    if (!config)
        return inputError(config.error());
    auto store = storage::ConsoleStore::open(storePath);
    if (!store)
        return reportError(store.error(), InvalidArgumentIs::Refusal);
    if (auto ok = (*store)->saveConfig(*config); !ok)
        return reportError(ok.error(), InvalidArgumentIs::Refusal);
    const QString summary = QStringLiteral("imported %1 (%2 agents, %3 applications) into %4; a running console "
                                           "picks it up at its next start")
                                .arg(context.args[1])
                                .arg(config->agents.size())
                                .arg(config->apps.size())
                                .arg(storePath);
    storage::JournalEntry entry;
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
    auto store = storage::ConsoleStore::open(storePath);
    if (!store)
        return reportError(store.error(), InvalidArgumentIs::Refusal);
    auto config = (*store)->loadConfig();
    if (!config) {
        if (config.error().code == ErrorCode::NotFound)
            return reportError(Error{ErrorCode::NotFound,
                                     QStringLiteral(
                                         "%1 holds no cluster configuration (cluster import FILE --store %1)")
                                         .arg(storePath)},
                               InvalidArgumentIs::Refusal);
        return reportError(config.error(), InvalidArgumentIs::Refusal);
    }
    printJson(config->toJson());
    return ExitOk;
}

Result<std::unique_ptr<control::ConsoleClient>> connectConsole(const Context &context, int *exitCode)
{
    control::ConsoleClientOptions options;
    options.url = option(context, "console", "FORESIGHT_CONSOLE");
    if (options.url.isEmpty())
        options.url = control::defaultConsoleControlUrl();
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
        auto serverKey = transport::loadPublicKey(consoleKey);
        if (!serverKey) {
            *exitCode = inputError(serverKey.error());
            return std::unexpected(serverKey.error());
        }
        auto pair = transport::loadKeyPair(keyFile);
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
        *exitCode = reportError(client.error(), InvalidArgumentIs::Refusal);
    return client;
}

// What `report export` writes, and where.
struct ReportTarget
{
    QString format; // pdf, html, json
    QString path;   // "-": stdout
};

Result<ReportTarget> reportTarget(const QCommandLineParser &parser, qint64 incident)
{
    static const QStringList kFormats{QStringLiteral("pdf"), QStringLiteral("html"), QStringLiteral("json")};
    ReportTarget target;
    target.path = parser.value(QStringLiteral("out"));
    target.format = parser.value(QStringLiteral("format")).toLower();
    if (target.format.isEmpty()) {
        const QString suffix = QFileInfo(target.path).suffix().toLower();
        target.format = suffix == QLatin1String("htm") ? QStringLiteral("html")
                        : kFormats.contains(suffix)    ? suffix
                                                       : QStringLiteral("pdf");
    }
    if (!kFormats.contains(target.format))
        return fail(ErrorCode::InvalidArgument,
                    QStringLiteral("--format %1: give pdf, html or json").arg(parser.value(QStringLiteral("format"))));
    if (target.path.isEmpty())
        target.path = QStringLiteral("incident-%1.%2").arg(incident).arg(target.format);
    if (target.path == QLatin1String("-") && target.format == QLatin1String("pdf"))
        return fail(ErrorCode::InvalidArgument, QStringLiteral("a PDF goes to a file: give --out FILE.pdf"));
    return target;
}

// Writes bytes to the target: a file (replaced atomically) or stdout.
Status writeReport(const ReportTarget &target, const QByteArray &bytes)
{
    if (target.path == QLatin1String("-")) {
        if (std::fwrite(bytes.constData(), 1, std::size_t(bytes.size()), stdout) != std::size_t(bytes.size()))
            return fail(ErrorCode::IoError, QStringLiteral("cannot write the report to stdout"));
        return {};
    }
    QSaveFile file(target.path);
    if (!file.open(QIODevice::WriteOnly) || file.write(bytes) != bytes.size() || !file.commit())
        return fail(ErrorCode::IoError, QStringLiteral("cannot write %1: %2").arg(target.path, file.errorString()));
    return {};
}

} // namespace

int runReportCommand(const QCommandLineParser &parser, const QStringList &args)
{
    if (args.value(0) != QLatin1String("export"))
        return usage(QStringLiteral("report needs a command: report export INCIDENT"));
    bool isNumber = false;
    const qint64 incident = args.value(1).toLongLong(&isNumber);
    if (args.size() != 2 || !isNumber || incident <= 0)
        return usage(QStringLiteral("report export takes one incident id (foresightctl cluster incidents lists them)"));
    const Context context{parser, args, false};
    for (const char *clusterOnly :
         {"force", "dry-run", "at", "app", "after-id", "limit", "store", "for", "json", "process"}) {
        if (parser.isSet(QLatin1String(clusterOnly)))
            return usage(QStringLiteral("--%1 does not go with report export").arg(QLatin1String(clusterOnly)));
    }
    auto target = reportTarget(parser, incident);
    if (!target)
        return usage(target.error().message);

    int exitCode = ExitOk;
    auto client = connectConsole(context, &exitCode);
    if (!client)
        return exitCode;
    auto reply = (*client)->report(incident);
    if (!reply)
        return reportError(reply.error(), InvalidArgumentIs::Refusal);
    const QByteArray json
        = QJsonDocument(reply->value(QStringLiteral("report")).toMap().toJsonObject()).toJson(QJsonDocument::Indented);
    auto read = report::fromJson(json);
    if (!read)
        return reportError(read.error(), InvalidArgumentIs::Refusal);

    Status written;
    if (target->format == QLatin1String("pdf"))
        written = report::writePdf(*read, target->path);
    else
        written = writeReport(*target, target->format == QLatin1String("html") ? report::toHtml(*read) : json);
    if (!written) {
        std::fprintf(stderr, "foresightctl: %s\n", qPrintable(written.error().message));
        return ExitRefused;
    }
    if (target->path != QLatin1String("-"))
        std::printf("wrote %s (%s): %s\n",
                    qPrintable(target->path),
                    qPrintable(target->format.toUpper()),
                    qPrintable(read->title));
    return ExitOk;
}

Result<std::unique_ptr<control::ConsoleClient>> connectToConsole(const QCommandLineParser &parser, int *exitCode)
{
    return connectConsole(Context{parser, {}, false}, exitCode);
}

QString clusterCommandsHelp()
{
    return QString::fromUtf8(kHelp).arg(control::defaultConsoleControlUrl());
}

void addClusterOptions(QCommandLineParser &parser)
{
    parser.addOptions({
        {QStringLiteral("console"),
         QStringLiteral("cluster: the console's control endpoint (default %1).").arg(control::defaultConsoleControlUrl()),
         QStringLiteral("url")},
        {QStringLiteral("console-key"),
         QStringLiteral("cluster: the console's public key, or its .pub file (tcp:// only)."),
         QStringLiteral("key")},
        {QStringLiteral("force"),
         QStringLiteral("cluster promote, shadow promote: promote even a lagging candidate (writes are lost).")},
        {QStringLiteral("dry-run"),
         QStringLiteral("cluster promote/switchover, shadow create/swap/promote/retire/update: say what would "
                        "happen and why, change nothing.")},
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
        {QStringLiteral("format"),
         QStringLiteral("report export: pdf, html or json (default: from --out's extension, else pdf)."),
         QStringLiteral("format")},
        {QStringLiteral("for"),
         QStringLiteral("cluster fault: how long a freeze, degradation or partition lasts (500ms, 10s, 2m)."),
         QStringLiteral("duration")},
        {QStringLiteral("process"),
         QStringLiteral("shadow update: the keys of the application's config.process that change, as a JSON object "
                        "or @FILE holding one."),
         QStringLiteral("json")},
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
                                          QStringLiteral("fault"),
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
    control::FaultRequest faultToInject;
    if (sub == QLatin1String("fault")) {
        auto request = faultRequest(args);
        if (!request)
            return usage(request.error().message);
        faultToInject = *request;
        if (parser.isSet(QStringLiteral("for"))) {
            static const QStringList kTimed{QStringLiteral("freeze"),
                                            QStringLiteral("degrade"),
                                            QStringLiteral("partition")};
            if (!kTimed.contains(faultToInject.fault))
                return usage(QStringLiteral("--for goes with freeze, degrade and partition"));
            auto forMs = parseDuration(parser.value(QStringLiteral("for")));
            if (!forMs)
                return inputError(forMs.error());
            faultToInject.forMs = *forMs;
        }
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
    else if (sub == QLatin1String("fault"))
        reply = console.fault(faultToInject);
    if (!reply)
        return reportError(reply.error(), InvalidArgumentIs::Refusal);

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
