#include "shadowcommands.h"

#include <cstdio>

#include <QCborArray>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QJsonParseError>

#include "clustercommands.h"
#include "clusterformat.h"
#include "ctlerrors.h"
#include "exitcodes.h"
#include "foresight/control/consoleclient.h"

using namespace foresight;

namespace {

const char *kHelp = R"(
Shadows (a caught-up copy of an application on another host, ready to take over), on a running
console, with the same --console, --console-key and --key as the cluster commands:
  shadow status [APP]               each application's criticality and shadow: its agent and host,
                                    state (catching-up, ready, swapping, retiring), how far it is
                                    from the primary (writes behind, digest), why it was deployed
  shadow create APP [AGENT] [--dry-run]
                                    deploy a shadow of APP on AGENT (default: the console's choice)
  shadow swap APP [AGENT] [--dry-run]
                                    swap APP's primary onto its shadow: writes pause, the rest
                                    ships, roles swap; answered when it is over (waits at least
                                    60 s, or --timeout-ms); AGENT, if given, must be the shadow's
  shadow promote APP [AGENT] [--force] [--dry-run]
                                    promote APP's shadow (after its primary is gone); refused while
                                    the shadow lags, unless --force (writes it lacks are lost)
  shadow retire APP [--dry-run]     retire APP's shadow: its agent goes back to its former role
  shadow update APP [AGENT] --process JSON|@FILE [--dry-run]
                                    try a new version of APP's process on its shadow: JSON holds
                                    the keys of config.process that change (docs/cluster-config.md),
                                    e.g. '{"arguments": ["--release", "2"]}'. The shadow restarts as
                                    that version, APP's validateCommand runs against it, and only if
                                    it exits 0 is the shadow swapped in; the former primary keeps
                                    the old version as the new shadow (shadow swap rolls back).
                                    Answered when it is over (waits at least 180 s, or
                                    --timeout-ms); a failed validation exits 1 with its output
  --dry-run asks the console what would happen and why, and changes nothing. Exit codes as above.
  The HTTP API (docs/api.md) offers the same commands.
)";

const QStringList kSubcommands{QStringLiteral("status"),
                               QStringLiteral("create"),
                               QStringLiteral("swap"),
                               QStringLiteral("promote"),
                               QStringLiteral("retire"),
                               QStringLiteral("update")};

QString text(const QCborMap &map, const char *key)
{
    return map.value(QLatin1String(key)).toString();
}

// Options of other commands given to a shadow command: an error, never silently ignored.
int checkOptions(const QCommandLineParser &parser, const QString &sub)
{
    for (const char *other : {"at", "app", "after-id", "limit", "store", "for", "format", "out"}) {
        if (parser.isSet(QLatin1String(other)))
            return usage(QStringLiteral("--%1 does not go with shadow %2").arg(QLatin1String(other), sub));
    }
    if (parser.isSet(QStringLiteral("force")) && sub != QLatin1String("promote"))
        return usage(QStringLiteral("--force goes with shadow promote"));
    if (parser.isSet(QStringLiteral("dry-run")) && sub == QLatin1String("status"))
        return usage(QStringLiteral("--dry-run goes with shadow create, swap, promote, retire or update"));
    if (parser.isSet(QStringLiteral("process")) != (sub == QLatin1String("update")))
        return usage(sub == QLatin1String("update")
                         ? QStringLiteral("shadow update needs --process: the keys of config.process that change, "
                                          "as JSON or @FILE")
                         : QStringLiteral("--process goes with shadow update"));
    return ExitOk;
}

// --process: a JSON object, given inline or as @FILE.
Result<QJsonObject> processChanges(const QString &given)
{
    QByteArray json = given.toUtf8();
    QString where = QStringLiteral("--process");
    if (given.startsWith(QLatin1Char('@'))) {
        QFile file(given.mid(1));
        if (!file.open(QIODevice::ReadOnly))
            return fail(ErrorCode::InvalidArgument,
                        QStringLiteral("--process: cannot read %1: %2").arg(file.fileName(), file.errorString()));
        json = file.readAll();
        where = file.fileName();
    }
    QJsonParseError error;
    const QJsonDocument document = QJsonDocument::fromJson(json, &error);
    if (error.error != QJsonParseError::NoError)
        return fail(ErrorCode::InvalidArgument,
                    QStringLiteral("%1: not JSON: %2 at byte %3").arg(where, error.errorString()).arg(error.offset));
    if (!document.isObject() || document.object().isEmpty())
        return fail(ErrorCode::InvalidArgument,
                    QStringLiteral("%1: must be a non-empty JSON object of config.process keys, such as "
                                   "{\"arguments\": [\"--release\", \"2\"]}")
                        .arg(where));
    return document.object();
}

QString describeShadow(const QCborMap &shadow)
{
    const QCborMap discrepancy = shadow.value(QStringLiteral("discrepancy")).toMap();
    QString line = QStringLiteral("shadow %1 on %2: %3, %4")
                       .arg(text(shadow, "agent"), text(shadow, "host"), text(shadow, "state"))
                       .arg(text(shadow, "discrepancy-text"));
    line += shadow.value(QStringLiteral("swappable")).toBool()
                ? QStringLiteral(" (swappable: at most %1 writes behind)")
                      .arg(shadow.value(QStringLiteral("swap-max-lag")).toInteger())
                : QStringLiteral(" (not swappable yet: swappable at most %1 writes behind)")
                      .arg(shadow.value(QStringLiteral("swap-max-lag")).toInteger());
    QStringList lines{line};
    lines << QStringLiteral("    %1: %2").arg(text(shadow, "origin"), text(shadow, "reason"));
    if (!text(shadow, "last-swap").isEmpty())
        lines << QStringLiteral("    last swap: %1").arg(text(shadow, "last-swap"));
    if (!text(shadow, "version").isEmpty())
        lines << QStringLiteral("    runs another version: %1").arg(text(shadow, "version"));
    const QCborMap update = shadow.value(QStringLiteral("update")).toMap();
    if (!update.isEmpty()) {
        lines << QStringLiteral("    update to %1 (by %2): %3%4")
                     .arg(text(update, "command"), text(update, "actor"), text(update, "state"))
                     .arg(text(update, "result").isEmpty()
                              ? QString()
                              : QStringLiteral(", validation %1").arg(text(update, "result")));
        if (!text(update, "note").isEmpty())
            lines << QStringLiteral("      %1").arg(text(update, "note"));
    }
    return lines.join(QLatin1Char('\n'));
}

} // namespace

QString shadowCommandsHelp()
{
    return QString::fromUtf8(kHelp);
}

QString formatShadowStatus(const QCborMap &status)
{
    QStringList lines;
    for (const QCborValue &value : status.value(QStringLiteral("apps")).toArray()) {
        const QCborMap app = value.toMap();
        const QString primary = text(app, "primary").isEmpty() ? QStringLiteral("(none)") : text(app, "primary");
        QString line = QStringLiteral("%1 (criticality %2): primary %3, %4")
                           .arg(text(app, "name"), text(app, "criticality"), primary, text(app, "phase"));
        const QCborMap shadow = app.value(QStringLiteral("shadow")).toMap();
        if (shadow.isEmpty())
            line += QStringLiteral("; no shadow");
        else
            line += QStringLiteral("\n  ") + describeShadow(shadow);
        lines << line;
    }
    if (lines.isEmpty())
        return QStringLiteral("no applications");
    return lines.join(QLatin1Char('\n'));
}

int runShadowCommand(const QCommandLineParser &parser, const QStringList &args)
{
    const QString sub = args.value(0);
    if (sub.isEmpty())
        return usage(QStringLiteral("shadow needs a command: %1").arg(kSubcommands.join(QStringLiteral(", "))));
    if (!kSubcommands.contains(sub))
        return usage(QStringLiteral("unknown command 'shadow %1'").arg(sub));
    if (const int bad = checkOptions(parser, sub); bad != ExitOk)
        return bad;
    if (sub == QLatin1String("status")) {
        if (args.size() > 2)
            return usage(QStringLiteral("shadow status takes at most one application name"));
    } else if (sub == QLatin1String("retire")) {
        if (args.size() != 2)
            return usage(QStringLiteral("shadow %1 takes one application name").arg(sub));
    } else if (args.size() < 2 || args.size() > 3) {
        return usage(QStringLiteral("shadow %1 takes an application name and optionally an agent").arg(sub));
    }
    QJsonObject process;
    if (sub == QLatin1String("update")) {
        auto changes = processChanges(parser.value(QStringLiteral("process")));
        if (!changes)
            return usage(changes.error().message);
        process = *changes;
    }

    int exitCode = ExitOk;
    auto client = connectToConsole(parser, &exitCode);
    if (!client)
        return exitCode;
    const bool json = parser.isSet(QStringLiteral("json"));
    Result<QCborMap> reply = sub == QLatin1String("status") ? (*client)->status(args.value(1))
                                                            : (*client)->shadow(sub,
                                                                                args[1],
                                                                                args.value(2),
                                                                                parser.isSet(QStringLiteral("force")),
                                                                                parser.isSet(QStringLiteral("dry-run")),
                                                                                process);
    if (!reply)
        return reportError(reply.error(), InvalidArgumentIs::Refusal);
    if (json)
        std::printf("%s", QJsonDocument(reply->toJsonObject()).toJson(QJsonDocument::Indented).constData());
    else
        std::printf("%s\n",
                    qPrintable(sub == QLatin1String("status") ? formatShadowStatus(*reply) : formatOutcome(*reply)));
    return ExitOk;
}
