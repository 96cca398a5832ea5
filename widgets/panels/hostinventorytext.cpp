// The Host detail panel's inventory line: what the host has (docs/protocol.md 10.7), as the
// console mirrors it, and whether the copy is the version the agent last announced.

#include <QLocale>

#include "panels/hostdetailpanel.h"

namespace foresight::widgets {

QString HostDetailPanel::inventoryText(const failover::AgentView &agent)
{
    if (!agent.inventory) {
        return agent.inventoryError.isEmpty()
                   ? tr("Inventory: not received yet from %1.").arg(agent.name)
                   : tr("Inventory: not received from %1: %2").arg(agent.name, agent.inventoryError);
    }
    const metrics::HostInventory &inventory = *agent.inventory;
    const QLocale locale;
    const auto size = [&](std::int64_t bytes) { return locale.formattedDataSize(bytes, 1, QLocale::DataSizeIecFormat); };
    QStringList parts;
    // Singular and plural spelled out: the console ships no English translation to resolve %n.
    const QString cpus = inventory.cpus == 1 ? tr("1 CPU") : tr("%1 CPUs").arg(inventory.cpus);
    parts << (inventory.cpuModel.isEmpty() ? cpus : tr("%1 (%2)").arg(cpus, inventory.cpuModel));
    parts << tr("%1 memory").arg(size(inventory.memTotalBytes));
    if (inventory.swapTotalBytes > 0)
        parts << tr("%1 swap").arg(size(inventory.swapTotalBytes));
    QStringList disks;
    for (const metrics::HostInventory::Disk &disk : inventory.disks)
        disks << (disk.sizeBytes > 0 ? tr("%1 %2").arg(disk.name, size(disk.sizeBytes)) : disk.name);
    QString text = tr("Inventory: %1; interfaces %2; disks %3")
                       .arg(parts.join(tr(", ")),
                            inventory.interfaces.isEmpty() ? tr("none") : inventory.interfaces.join(tr(", ")),
                            disks.isEmpty() ? tr("none") : disks.join(tr(", ")));
    if (!inventory.kernel.isEmpty())
        text += tr("; kernel %1").arg(inventory.kernel);
    // The copy is older than what the agent announced while the new one is fetched.
    if (!agent.inventoryCurrent)
        text += agent.inventoryError.isEmpty()
                    ? tr(" (changed on the host: updating)")
                    : tr(" (changed on the host; fetching failed: %1)").arg(agent.inventoryError);
    return text;
}

} // namespace foresight::widgets
