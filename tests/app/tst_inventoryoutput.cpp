// foresightctl host inventory's text and JSON (app/ctl/inventoryformat.cpp) from console-status
// agent maps (docs/protocol.md 15.4): the inventory in a line, how the console's copy stands, the
// agent's warnings, and an agent without an inventory yet.

#include <QCborArray>
#include <QJsonArray>
#include <QJsonObject>
#include <QTest>

#include "inventoryformat.h"

namespace {

QCborMap agentWithInventory(bool current)
{
    const QCborMap inventory{{QStringLiteral("hostname"), QStringLiteral("db-7")},
                             {QStringLiteral("kernel"), QStringLiteral("6.1.0-28-amd64")},
                             {QStringLiteral("cpus"), 8},
                             {QStringLiteral("cpu-model"), QStringLiteral("AMD EPYC 7B13")},
                             {QStringLiteral("mem-total-bytes"), qint64(32) << 30},
                             {QStringLiteral("swap-total-bytes"), 0},
                             {QStringLiteral("interfaces"), QCborArray{QStringLiteral("eth0"), QStringLiteral("eth1")}},
                             {QStringLiteral("disks"),
                              QCborArray{QCborMap{{QStringLiteral("name"), QStringLiteral("nvme0n1")},
                                                  {QStringLiteral("size-bytes"), qint64(512) << 30}}}},
                             {QStringLiteral("warnings"),
                              QCborArray{QStringLiteral("sys/kernel/osrelease: No such file or directory")}}};
    QCborMap mirror{{QStringLiteral("current"), current},
                    {QStringLiteral("fetches"), 2},
                    {QStringLiteral("polls-saved"), 481}};
    if (!current)
        mirror.insert(QStringLiteral("error"), QStringLiteral("no answer within 2000 ms"));
    return QCborMap{{QStringLiteral("name"), QStringLiteral("alpha")},
                    {QStringLiteral("host"), QStringLiteral("db-7")},
                    {QStringLiteral("inventory"), inventory},
                    {QStringLiteral("inventory-mirror"), mirror}};
}

QCborMap agentWithout()
{
    return QCborMap{{QStringLiteral("name"), QStringLiteral("bravo")},
                    {QStringLiteral("host"), QStringLiteral("bravo")},
                    {QStringLiteral("inventory-mirror"),
                     QCborMap{{QStringLiteral("current"), false},
                              {QStringLiteral("fetches"), 0},
                              {QStringLiteral("polls-saved"), 0}}}};
}

} // namespace

class TestInventoryOutput : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void eachAgentInAParagraph()
    {
        const QStringList lines = formatInventories(QCborArray{agentWithInventory(true), agentWithout()}).split(u'\n');
        QCOMPARE(lines.size(), 4);
        QCOMPARE(lines[0],
                 QStringLiteral("alpha (db-7): 8 CPUs (AMD EPYC 7B13), 32.0 GiB memory; interfaces eth0, eth1; disks "
                                "nvme0n1 512.0 GiB; kernel 6.1.0-28-amd64; hostname db-7"));
        QCOMPARE(lines[1], QStringLiteral("  copy current; 2 fetch(es), 481 heartbeat(s) without one"));
        QCOMPARE(lines[2],
                 QStringLiteral("  the agent could not read: sys/kernel/osrelease: No such file or directory"));
        QVERIFY2(lines[3].startsWith(QStringLiteral("bravo: no inventory yet")), qPrintable(lines[3]));
    }

    void aCopyBehindTheAgentSaysSo()
    {
        const QString text = formatInventories(QCborArray{agentWithInventory(false)});
        QVERIFY2(text.contains(QStringLiteral("copy OLDER than the version the agent announced")), qPrintable(text));
        QVERIFY2(text.contains(QStringLiteral("last fetch failed: no answer within 2000 ms")), qPrintable(text));
    }

    void jsonKeepsTheMapsAsReported()
    {
        const QJsonArray json = inventoriesJson(QCborArray{agentWithInventory(true), agentWithout()});
        QCOMPARE(json.size(), 2);
        const QJsonObject alpha = json[0].toObject();
        QCOMPARE(alpha.value(QStringLiteral("agent")).toString(), QStringLiteral("alpha"));
        QCOMPARE(alpha.value(QStringLiteral("inventory")).toObject().value(QStringLiteral("cpus")).toInt(), 8);
        QCOMPARE(alpha.value(QStringLiteral("inventory-mirror")).toObject().value(QStringLiteral("polls-saved")).toInt(),
                 481);
        QVERIFY(!json[1].toObject().contains(QStringLiteral("inventory")));
    }
};

QTEST_APPLESS_MAIN(TestInventoryOutput)
#include "tst_inventoryoutput.moc"
