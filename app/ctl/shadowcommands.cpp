#include "shadowcommands.h"

#include <cstdio>

#include <QCborArray>
#include <QJsonDocument>

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
  shadow update APP                 not built yet: validated updates do not exist; says so, exits 1
  --dry-run asks the console what would happen and why, and changes nothing. Exit codes as above
  (shadow update: 1). The HTTP API (docs/api.md) offers the same commands.
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
    if (parser.isSet(QStringLiteral("dry-run")) && (sub == QLatin1String("status") || sub == QLatin1String("update")))
        return usage(QStringLiteral("--dry-run goes with shadow create, swap, promote or retire"));
    return ExitOk;
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
    } else if (sub == QLatin1String("retire") || sub == QLatin1String("update")) {
        if (args.size() != 2)
            return usage(QStringLiteral("shadow %1 takes one application name").arg(sub));
    } else if (args.size() < 2 || args.size() > 3) {
        return usage(QStringLiteral("shadow %1 takes an application name and optionally an agent").arg(sub));
    }
    if (sub == QLatin1String("update")) {
        // Nothing to send: the console has no validated updates to run (issue 19, section 4).
        std::fprintf(stderr,
                     "foresightctl: shadow update: validated updates (a new version applied to the shadow first, "
                     "checked by the application's validation command, then swapped in) are not built yet; "
                     "nothing was sent to the console and nothing changed\n");
        return ExitRefused;
    }

    int exitCode = ExitOk;
    auto client = connectToConsole(parser, &exitCode);
    if (!client)
        return exitCode;
    const bool json = parser.isSet(QStringLiteral("json"));
    Result<QCborMap> reply = sub == QLatin1String("status")
                                 ? (*client)->status(args.value(1))
                                 : (*client)->shadow(sub,
                                                     args[1],
                                                     args.value(2),
                                                     parser.isSet(QStringLiteral("force")),
                                                     parser.isSet(QStringLiteral("dry-run")));
    if (!reply)
        return reportError(reply.error(), InvalidArgumentIs::Refusal);
    if (json)
        std::printf("%s", QJsonDocument(reply->toJsonObject()).toJson(QJsonDocument::Indented).constData());
    else
        std::printf("%s\n",
                    qPrintable(sub == QLatin1String("status") ? formatShadowStatus(*reply) : formatOutcome(*reply)));
    return ExitOk;
}
