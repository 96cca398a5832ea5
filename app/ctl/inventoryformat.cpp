#include "inventoryformat.h"

#include <QJsonObject>
#include <QLocale>
#include <QStringList>

namespace {

QString bytes(qint64 count)
{
    return QLocale::c().formattedDataSize(count, 1, QLocale::DataSizeIecFormat);
}

QString inventoryLine(const QCborMap &inventory)
{
    const auto text = [&](const char *key) { return inventory.value(QLatin1String(key)).toString(); };
    const qint64 count = inventory.value(QStringLiteral("cpus")).toInteger();
    QString cpus = count == 1 ? QStringLiteral("1 CPU") : QStringLiteral("%1 CPUs").arg(count);
    if (!text("cpu-model").isEmpty())
        cpus += QStringLiteral(" (%1)").arg(text("cpu-model"));
    QStringList parts{cpus,
                      QStringLiteral("%1 memory")
                          .arg(bytes(inventory.value(QStringLiteral("mem-total-bytes")).toInteger()))};
    if (const qint64 swap = inventory.value(QStringLiteral("swap-total-bytes")).toInteger(); swap > 0)
        parts << QStringLiteral("%1 swap").arg(bytes(swap));
    QStringList interfaces;
    for (const QCborValue &name : inventory.value(QStringLiteral("interfaces")).toArray())
        interfaces << name.toString();
    QStringList disks;
    for (const QCborValue &item : inventory.value(QStringLiteral("disks")).toArray()) {
        const QCborMap disk = item.toMap();
        const qint64 size = disk.value(QStringLiteral("size-bytes")).toInteger();
        const QString name = disk.value(QStringLiteral("name")).toString();
        disks << (size > 0 ? QStringLiteral("%1 %2").arg(name, bytes(size)) : name);
    }
    QString line = QStringLiteral("%1; interfaces %2; disks %3")
                       .arg(parts.join(QStringLiteral(", ")),
                            interfaces.isEmpty() ? QStringLiteral("none") : interfaces.join(QStringLiteral(", ")),
                            disks.isEmpty() ? QStringLiteral("none") : disks.join(QStringLiteral(", ")));
    if (!text("kernel").isEmpty())
        line += QStringLiteral("; kernel %1").arg(text("kernel"));
    if (!text("hostname").isEmpty())
        line += QStringLiteral("; hostname %1").arg(text("hostname"));
    return line;
}

} // namespace

QString formatInventories(const QCborArray &agents)
{
    QStringList lines;
    for (const QCborValue &item : agents) {
        const QCborMap agent = item.toMap();
        const QString name = agent.value(QStringLiteral("name")).toString();
        const QString host = agent.value(QStringLiteral("host")).toString();
        const QCborMap mirror = agent.value(QStringLiteral("inventory-mirror")).toMap();
        const QString error = mirror.value(QStringLiteral("error")).toString();
        const QString heading = host.isEmpty() || host == name ? name : QStringLiteral("%1 (%2)").arg(name, host);
        if (!agent.value(QStringLiteral("inventory")).isMap()) {
            lines << QStringLiteral("%1: no inventory yet%2")
                         .arg(heading,
                              error.isEmpty() ? QStringLiteral(" (the agent announces none, or the first fetch is "
                                                               "under way)")
                                              : QStringLiteral(": %1").arg(error));
            continue;
        }
        const QCborMap inventory = agent.value(QStringLiteral("inventory")).toMap();
        lines << QStringLiteral("%1: %2").arg(heading, inventoryLine(inventory));
        QString state = mirror.value(QStringLiteral("current")).toBool()
                            ? QStringLiteral("current")
                            : QStringLiteral("OLDER than the version the agent announced (being fetched)");
        state = QStringLiteral("  copy %1; %2 fetch(es), %3 heartbeat(s) without one")
                    .arg(state)
                    .arg(mirror.value(QStringLiteral("fetches")).toInteger())
                    .arg(mirror.value(QStringLiteral("polls-saved")).toInteger());
        if (!error.isEmpty())
            state += QStringLiteral("; last fetch failed: %1").arg(error);
        lines << state;
        for (const QCborValue &warning : inventory.value(QStringLiteral("warnings")).toArray())
            lines << QStringLiteral("  the agent could not read: %1").arg(warning.toString());
    }
    return lines.join(QLatin1Char('\n'));
}

QJsonArray inventoriesJson(const QCborArray &agents)
{
    QJsonArray out;
    for (const QCborValue &item : agents) {
        const QCborMap agent = item.toMap();
        QCborMap entry{{QStringLiteral("agent"), agent.value(QStringLiteral("name"))},
                       {QStringLiteral("host"), agent.value(QStringLiteral("host"))},
                       {QStringLiteral("inventory-mirror"), agent.value(QStringLiteral("inventory-mirror"))}};
        if (agent.value(QStringLiteral("inventory")).isMap())
            entry.insert(QStringLiteral("inventory"), agent.value(QStringLiteral("inventory")));
        out.append(entry.toJsonObject());
    }
    return out;
}
