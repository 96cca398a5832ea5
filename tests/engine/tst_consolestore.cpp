// Unit tests for ConsoleStore, the console's SQLite memory: the cluster configuration, the
// journal, the incidents and the hosts' metrics history; upgrading a version 1 store; reopening, sharing a file between two stores, and refusing files
// that are damaged, belong to something else or come from a newer build.

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QRandomGenerator>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

#include "foresight/config/clusterconfig.h"
#include "foresight/core/clock.h"
#include "foresight/core/result.h"
#include "foresight/storage/consolestore.h"
#include "resulttext.h"

using namespace Qt::StringLiterals;
using foresight::ErrorCode;
using foresight::config::ClusterConfig;
using foresight::storage::ConsoleStore;
using foresight::storage::Incident;
using foresight::storage::JournalEntry;
using foresight::testing::errorText;

namespace {

// Escaped, not a raw string: moc 6.4 does not understand raw string literals and loses the class.
constexpr char kConfig[] = "{\n"
                           "  \"name\": \"prod\",\n"
                           "  \"agents\": [\n"
                           "    {\"name\": \"alpha\", \"url\": \"tcp://10.0.0.5:7400\", \"public-key\": "
                           "\"Yne@$w-vo<fVvi]a<NY6T1ed:M$fCG*[IaLV{hID\"},\n"
                           "    {\"name\": \"bravo\", \"url\": \"ipc:///tmp/bravo.sock\"}\n"
                           "  ],\n"
                           "  \"apps\": [{\"name\": \"shop\", \"primary\": \"alpha\", \"replicas\": [{\"agent\": "
                           "\"bravo\", \"tier\": \"hot\"}],\n"
                           "            \"config\": {\"critical\": [\"session/*\"]},\n"
                           "            \"impact\": [{\"keys\": \"session/*\", \"class\": \"critical\"},\n"
                           "                       {\"keys\": [\"cart/*\", \"basket/*\"], \"class\": \"high\", "
                           "\"tolerated-staleness-ms\": 2000}]}],\n"
                           "  \"failover\": {\"lease-ms\": 800}\n"
                           "}";

ClusterConfig exampleConfig()
{
    auto config = ClusterConfig::fromJson(QByteArray(kConfig), u"example"_s);
    if (!config)
        qFatal("the example configuration is invalid: %s", qPrintable(config.error().toString()));
    return *config;
}

JournalEntry entry(const QString &kind, const QString &message)
{
    JournalEntry entry;
    entry.wallMs = 1'700'000'000'123;
    entry.kind = kind;
    entry.app = u"shop"_s;
    entry.agent = u"alpha"_s;
    entry.actor = u"engine"_s;
    entry.message = message;
    return entry;
}

foresight::storage::HostSample sampleOf(const QString &agent, qint64 wallMs, double cpu)
{
    foresight::storage::HostSample sample;
    sample.agent = agent;
    sample.wallMs = wallMs;
    sample.cpuBusy = cpu;
    sample.memUsedFraction = 0.5;
    sample.diskIoBusyFraction = 0.25;
    sample.load1 = 1.5;
    sample.netErrorsPerSec = 2;
    sample.netDropsPerSec = 3;
    return sample;
}

Incident incidentOf(const QString &app, std::uint64_t epoch)
{
    Incident incident;
    incident.app = app;
    incident.oldPrimary = u"alpha"_s;
    incident.newPrimary = u"bravo"_s;
    incident.formerTier = u"hot"_s;
    incident.epoch = epoch;
    incident.detectedMs = 1'700'000'000'000 + static_cast<qint64>(epoch);
    return incident;
}

// A raw connection to a store's file, doing what an operator with the sqlite3 shell might.
class RawDb
{
public:
    explicit RawDb(const QString &path)
        : m_name(u"tst.raw.%1"_s.arg(++s_count))
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(u"QSQLITE"_s, m_name);
        db.setDatabaseName(path);
        m_open = db.open();
    }
    ~RawDb()
    {
        QSqlDatabase::database(m_name, false).close();
        QSqlDatabase::removeDatabase(m_name);
    }
    RawDb(const RawDb &) = delete;
    RawDb &operator=(const RawDb &) = delete;

    bool isOpen() const { return m_open; }

    // Empty on success, else the error text.
    QString exec(const QString &sql)
    {
        QSqlQuery query(QSqlDatabase::database(m_name, false));
        if (!query.exec(sql))
            return sql + u": "_s + query.lastError().text();
        return {};
    }

    QVariant scalar(const QString &sql)
    {
        QSqlQuery query(QSqlDatabase::database(m_name, false));
        if (!query.exec(sql) || !query.next())
            return {};
        return query.value(0);
    }

private:
    static inline int s_count = 0;
    QString m_name;
    bool m_open = false;
};

int storeConnections()
{
    int count = 0;
    for (const QString &name : QSqlDatabase::connectionNames()) {
        if (name.startsWith(u"foresight.consolestore."_s))
            ++count;
    }
    return count;
}

} // namespace

class TestConsoleStore : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();

    void createsWalStore();
    void configSaveLoad();
    void invalidConfigRefused();
    void damagedConfigRow();
    void journalAppendAndPage();
    void journalRefusesEntryWithoutKind();
    void incidentsCreateUpdateList();
    void incidentErrors();
    void reopenPersists();
    void badFile_data();
    void badFile();
    void newerSchema();
    void directoryPath();
    void twoStoresShareAFile();
    void connectionRemoved();
    void journalAboutAnApplication();
    void hostSamplesRoundTrip();
    void hostSamplesDecimated();
    void hostSamplesRefused();
    void hostSamplesPruned();
    void upgradesVersion1();

private:
    QString storePath() const { return m_dir->filePath(u"console/console.db"_s); }

    std::unique_ptr<QTemporaryDir> m_dir;
    foresight::ManualClock m_clock{1'700'000'000'000};
};

void TestConsoleStore::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
}

void TestConsoleStore::cleanup()
{
    m_dir.reset();
}

void TestConsoleStore::createsWalStore()
{
    auto store = ConsoleStore::open(storePath(), m_clock);
    QVERIFY2(store, qPrintable(errorText(store)));
    QCOMPARE((*store)->path(), storePath());
    RawDb raw(storePath());
    QVERIFY(raw.isOpen());
    QCOMPARE(raw.scalar(u"PRAGMA journal_mode"_s).toString(), u"wal"_s);
    QCOMPARE(raw.scalar(u"PRAGMA user_version"_s).toInt(), 5);
}

void TestConsoleStore::configSaveLoad()
{
    auto store = ConsoleStore::open(storePath(), m_clock);
    QVERIFY2(store, qPrintable(errorText(store)));
    ConsoleStore &console = **store;

    auto loaded = console.loadConfig();
    QVERIFY(!loaded);
    QCOMPARE(loaded.error().code, ErrorCode::NotFound);
    QVERIFY(loaded.error().message.contains(storePath()));
    QCOMPARE(console.configSavedMs().error().code, ErrorCode::NotFound);

    const ClusterConfig config = exampleConfig();
    QVERIFY2(console.saveConfig(config), qPrintable(errorText(console.saveConfig(config))));
    loaded = console.loadConfig();
    QVERIFY2(loaded, qPrintable(errorText(loaded)));
    QCOMPARE(loaded->toJson(), config.toJson());
    QCOMPARE(loaded->failover.leaseMs, 800);
    QCOMPARE(*console.configSavedMs(), m_clock.wallMs());

    // A new import replaces the old configuration as a whole.
    m_clock.advance(5000);
    ClusterConfig changed = config;
    changed.name = u"staging"_s;
    changed.apps.clear();
    QVERIFY(console.saveConfig(changed));
    loaded = console.loadConfig();
    QVERIFY(loaded);
    QCOMPARE(loaded->name, u"staging"_s);
    QVERIFY(loaded->apps.isEmpty());
    QCOMPARE(*console.configSavedMs(), m_clock.wallMs());
}

void TestConsoleStore::invalidConfigRefused()
{
    auto store = ConsoleStore::open(storePath(), m_clock);
    QVERIFY(store);
    ClusterConfig config = exampleConfig();
    config.apps[0].primary = u"zulu"_s;
    const auto status = (*store)->saveConfig(config);
    QVERIFY(!status);
    QCOMPARE(status.error().code, ErrorCode::InvalidArgument);
    QVERIFY2(status.error().message.contains(u"apps[0].primary: no agent named 'zulu'"_s),
             qPrintable(status.error().message));
    QCOMPARE((*store)->loadConfig().error().code, ErrorCode::NotFound);
}

void TestConsoleStore::damagedConfigRow()
{
    auto store = ConsoleStore::open(storePath(), m_clock);
    QVERIFY(store);
    QVERIFY((*store)->saveConfig(exampleConfig()));
    {
        RawDb raw(storePath());
        QCOMPARE(raw.exec(u"UPDATE config SET json = '{\"agents\": 5}'"_s), QString());
    }
    const auto loaded = (*store)->loadConfig();
    QVERIFY(!loaded);
    QCOMPARE(loaded.error().code, ErrorCode::Corruption);
    QVERIFY2(loaded.error().message.contains(storePath()), qPrintable(loaded.error().message));
    QVERIFY2(loaded.error().message.contains(u"agents: must be an array"_s), qPrintable(loaded.error().message));
}

void TestConsoleStore::journalAppendAndPage()
{
    auto store = ConsoleStore::open(storePath(), m_clock);
    QVERIFY(store);
    ConsoleStore &console = **store;

    QVERIFY(console.journal()->isEmpty());

    QList<qint64> ids;
    for (int i = 0; i < 25; ++i) {
        JournalEntry e = entry(u"decision"_s, u"decision %1"_s.arg(i));
        e.details = QJsonObject{{u"index"_s, i}, {u"scores"_s, QJsonArray{0.5, 0.25}}};
        auto id = console.appendJournal(e);
        QVERIFY2(id, qPrintable(errorText(id)));
        if (!ids.isEmpty())
            QVERIFY(*id > ids.last());
        ids.append(*id);
    }

    // Pages of 10, each starting after the last id seen, cover everything once, in order.
    QList<JournalEntry> all;
    qint64 after = 0;
    for (;;) {
        auto page = console.journal(after, 10);
        QVERIFY2(page, qPrintable(errorText(page)));
        if (page->isEmpty())
            break;
        QVERIFY(page->size() <= 10);
        all.append(*page);
        after = page->last().id;
    }
    QCOMPARE(all.size(), 25);
    for (int i = 0; i < 25; ++i) {
        const JournalEntry &e = all.at(i);
        QCOMPARE(e.id, ids.at(i));
        QCOMPARE(e.message, u"decision %1"_s.arg(i));
        QCOMPARE(e.kind, u"decision"_s);
        QCOMPARE(e.app, u"shop"_s);
        QCOMPARE(e.agent, u"alpha"_s);
        QCOMPARE(e.actor, u"engine"_s);
        QCOMPARE(e.wallMs, 1'700'000'000'123);
        QCOMPARE(e.details.value(u"index"_s).toInt(), i);
        QCOMPARE(e.details.value(u"scores"_s).toArray().at(1).toDouble(), 0.25);
    }
    QCOMPARE(console.journal(ids.at(20))->size(), 4);
    QVERIFY(console.journal(ids.at(0), 0)->isEmpty());

    // Empty optional fields stay empty; a wall time of 0 means now.
    JournalEntry bare;
    bare.kind = u"operator"_s;
    bare.message = u"acknowledged"_s;
    auto id = console.appendJournal(bare);
    QVERIFY2(id, qPrintable(errorText(id)));
    const auto last = console.journal(ids.last());
    QVERIFY(last);
    QCOMPARE(last->size(), 1);
    QCOMPARE(last->at(0).id, *id);
    QCOMPARE(last->at(0).wallMs, m_clock.wallMs());
    QVERIFY(last->at(0).app.isEmpty());
    QVERIFY(last->at(0).details.isEmpty());
}

void TestConsoleStore::journalRefusesEntryWithoutKind()
{
    auto store = ConsoleStore::open(storePath(), m_clock);
    QVERIFY(store);
    const auto id = (*store)->appendJournal(JournalEntry{});
    QVERIFY(!id);
    QCOMPARE(id.error().code, ErrorCode::InvalidArgument);
    QVERIFY((*store)->journal()->isEmpty());
}

void TestConsoleStore::incidentsCreateUpdateList()
{
    auto store = ConsoleStore::open(storePath(), m_clock);
    QVERIFY(store);
    ConsoleStore &console = **store;

    const auto first = console.createIncident(incidentOf(u"shop"_s, 2));
    const auto second = console.createIncident(incidentOf(u"blog"_s, 5));
    const auto third = console.createIncident(incidentOf(u"shop"_s, 3));
    QVERIFY2(first && second && third, qPrintable(errorText(first) + errorText(second) + errorText(third)));
    QVERIFY(*first < *second && *second < *third);

    auto all = console.incidents();
    QVERIFY2(all, qPrintable(errorText(all)));
    QCOMPARE(all->size(), 3);
    QCOMPARE(all->at(0).id, *third); // newest first
    QCOMPARE(all->at(1).id, *second);
    QCOMPARE(all->at(2).id, *first);

    auto shop = console.incidents(u"shop"_s);
    QVERIFY(shop);
    QCOMPARE(shop->size(), 2);
    QCOMPARE(shop->at(0).id, *third);
    QCOMPARE(shop->at(1).id, *first);
    QCOMPARE(console.incidents(u"shop"_s, 1)->size(), 1);
    QVERIFY(console.incidents(u"nothing"_s)->isEmpty());

    auto stored = console.incident(*second);
    QVERIFY(stored);
    QCOMPARE(stored->app, u"blog"_s);
    QCOMPARE(stored->epoch, std::uint64_t(5));
    QCOMPARE(stored->ackedWritesLost, -1); // unknown until measured
    QVERIFY(!stored->acknowledged);

    // The timeline fills in as the failover progresses.
    Incident update = *stored;
    update.decidedMs = 1'700'000'000'300;
    update.promotedMs = 1'700'000'000'450;
    update.firstAckMs = 1'700'000'000'470;
    update.ackedWritesLost = 0;
    update.seqGap = 12;
    update.epoch = std::uint64_t(1) << 40;
    update.summary = u"bravo promoted after alpha stopped answering"_s;
    update.acknowledged = true;
    QVERIFY2(console.updateIncident(update), qPrintable(errorText(console.updateIncident(update))));
    stored = console.incident(*second);
    QVERIFY(stored);
    QCOMPARE(stored->id, *second);
    QCOMPARE(stored->app, u"blog"_s);
    QCOMPARE(stored->oldPrimary, u"alpha"_s);
    QCOMPARE(stored->newPrimary, u"bravo"_s);
    QCOMPARE(stored->formerTier, u"hot"_s);
    QCOMPARE(stored->epoch, std::uint64_t(1) << 40);
    QCOMPARE(stored->detectedMs, update.detectedMs);
    QCOMPARE(stored->decidedMs, update.decidedMs);
    QCOMPARE(stored->promotedMs, update.promotedMs);
    QCOMPARE(stored->firstAckMs, update.firstAckMs);
    QCOMPARE(stored->ackedWritesLost, 0);
    QCOMPARE(stored->seqGap, 12);
    QCOMPARE(stored->summary, update.summary);
    QVERIFY(stored->acknowledged);
    // Others are untouched.
    QCOMPARE(console.incident(*first)->summary, QString());
}

void TestConsoleStore::incidentErrors()
{
    auto store = ConsoleStore::open(storePath(), m_clock);
    QVERIFY(store);
    ConsoleStore &console = **store;

    Incident absent = incidentOf(u"shop"_s, 1);
    absent.id = 42;
    const auto update = console.updateIncident(absent);
    QVERIFY(!update);
    QCOMPARE(update.error().code, ErrorCode::NotFound);
    QCOMPARE(console.incident(42).error().code, ErrorCode::NotFound);

    QCOMPARE(console.createIncident(incidentOf(QString(), 1)).error().code, ErrorCode::InvalidArgument);
    QCOMPARE(console.createIncident(incidentOf(u"shop"_s, std::numeric_limits<std::uint64_t>::max())).error().code,
             ErrorCode::InvalidArgument);
    QVERIFY(console.incidents()->isEmpty());
}

void TestConsoleStore::reopenPersists()
{
    qint64 journalId = 0;
    qint64 incidentId = 0;
    {
        auto store = ConsoleStore::open(storePath(), m_clock);
        QVERIFY(store);
        QVERIFY((*store)->saveConfig(exampleConfig()));
        journalId = *(*store)->appendJournal(entry(u"promotion"_s, u"bravo promoted"_s));
        incidentId = *(*store)->createIncident(incidentOf(u"shop"_s, 7));
    }
    auto store = ConsoleStore::open(storePath(), m_clock);
    QVERIFY2(store, qPrintable(errorText(store)));
    auto config = (*store)->loadConfig();
    QVERIFY2(config, qPrintable(errorText(config)));
    QCOMPARE(config->toJson(), exampleConfig().toJson());
    // The impact function too: after a restart the console's assigns still carry it.
    QCOMPARE(config->apps.at(0).impact.size(), 2);
    QCOMPARE(config->apps.at(0).impact, exampleConfig().apps.at(0).impact);
    const auto journal = (*store)->journal();
    QVERIFY(journal);
    QCOMPARE(journal->size(), 1);
    QCOMPARE(journal->at(0).id, journalId);
    QCOMPARE(journal->at(0).message, u"bravo promoted"_s);
    QCOMPARE((*store)->incident(incidentId)->epoch, std::uint64_t(7));
    // Ids keep increasing after a reopen.
    QVERIFY(*(*store)->appendJournal(entry(u"hook"_s, u"ran"_s)) > journalId);
}

void TestConsoleStore::badFile_data()
{
    QTest::addColumn<QString>("kind");
    QTest::addColumn<QString>("expected");

    QTest::newRow("random bytes") << u"random"_s << u"is damaged or not a SQLite database"_s;
    QTest::newRow("text") << u"text"_s << u"is damaged or not a SQLite database"_s;
    QTest::newRow("another program's database")
        << u"foreign"_s << u"is a SQLite database but not a Foresight console store"_s;
    QTest::newRow("truncated store") << u"truncated"_s << u"is damaged or not a SQLite database"_s;
}

void TestConsoleStore::badFile()
{
    QFETCH(QString, kind);
    QFETCH(QString, expected);

    const QString path = m_dir->filePath(u"console.db"_s);
    if (kind == u"random"_s || kind == u"text"_s) {
        QByteArray bytes;
        if (kind == u"text"_s) {
            bytes = QByteArray("this is not a database\n").repeated(400);
        } else {
            bytes.resize(8192);
            QRandomGenerator generator(1234);
            generator.fillRange(reinterpret_cast<quint32 *>(bytes.data()), bytes.size() / 4);
        }
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly));
        QCOMPARE(file.write(bytes), bytes.size());
    } else if (kind == u"foreign"_s) {
        RawDb raw(path);
        QCOMPARE(raw.exec(u"CREATE TABLE snapshots (id INTEGER PRIMARY KEY)"_s), QString());
        QCOMPARE(raw.exec(u"PRAGMA user_version = 1"_s), QString());
    } else {
        // A real store cut off after its header page: the schema it claims is not there.
        {
            auto store = ConsoleStore::open(path, m_clock);
            QVERIFY(store);
            for (int i = 0; i < 200; ++i)
                QVERIFY((*store)->appendJournal(entry(u"detection"_s, QString(200, u'x'))));
        }
        {
            RawDb raw(path); // checkpoints the WAL into the main file on close
            QCOMPARE(raw.exec(u"PRAGMA wal_checkpoint(TRUNCATE)"_s), QString());
        }
        QFile file(path);
        QVERIFY(file.size() > 8192);
        QVERIFY(file.resize(4096 + 100));
    }

    auto store = ConsoleStore::open(path, m_clock);
    if (kind == u"truncated"_s && store) {
        // SQLite may only notice the damage when it reads the missing pages.
        const auto journal = (*store)->journal();
        QVERIFY(!journal);
        QCOMPARE(journal.error().code, ErrorCode::Corruption);
        QVERIFY2(journal.error().message.contains(path), qPrintable(journal.error().message));
        return;
    }
    QVERIFY(!store);
    QCOMPARE(store.error().code, ErrorCode::Corruption);
    const QString message = store.error().message;
    QVERIFY2(message.contains(path), qPrintable(message));
    QVERIFY2(message.contains(expected), qPrintable(message));
    QVERIFY2(message.contains(u"move the file aside"_s), qPrintable(message));
    QCOMPARE(storeConnections(), 0);
}

void TestConsoleStore::newerSchema()
{
    {
        auto store = ConsoleStore::open(storePath(), m_clock);
        QVERIFY(store);
    }
    {
        RawDb raw(storePath());
        QCOMPARE(raw.exec(u"PRAGMA user_version = 99"_s), QString());
    }
    const auto store = ConsoleStore::open(storePath(), m_clock);
    QVERIFY(!store);
    QCOMPARE(store.error().code, ErrorCode::InvalidArgument);
    QVERIFY2(store.error().message.contains(u"schema version 99"_s), qPrintable(store.error().message));
    QVERIFY(store.error().message.contains(storePath()));
}

void TestConsoleStore::directoryPath()
{
    const auto store = ConsoleStore::open(m_dir->path(), m_clock);
    QVERIFY(!store);
    QCOMPARE(store.error().code, ErrorCode::IoError);
    QVERIFY(store.error().message.contains(m_dir->path()));
}

void TestConsoleStore::twoStoresShareAFile()
{
    // The engine's store and foresightctl's, as two processes would hold them.
    auto engine = ConsoleStore::open(storePath(), m_clock);
    auto ctl = ConsoleStore::open(storePath(), m_clock);
    QVERIFY2(engine && ctl, qPrintable(errorText(engine) + errorText(ctl)));

    QVERIFY((*ctl)->saveConfig(exampleConfig()));
    auto config = (*engine)->loadConfig();
    QVERIFY2(config, qPrintable(errorText(config)));
    QCOMPARE(config->name, u"prod"_s);

    const auto first = (*engine)->appendJournal(entry(u"detection"_s, u"alpha suspected"_s));
    JournalEntry action = entry(u"operator"_s, u"failover requested"_s);
    action.actor = u"ops-laptop"_s;
    const auto second = (*ctl)->appendJournal(action);
    QVERIFY(first && second);
    QVERIFY(*second > *first);
    for (ConsoleStore *store : {engine->get(), ctl->get()}) {
        const auto journal = store->journal();
        QVERIFY(journal);
        QCOMPARE(journal->size(), 2);
        QCOMPARE(journal->at(1).actor, u"ops-laptop"_s);
    }

    const auto id = (*engine)->createIncident(incidentOf(u"shop"_s, 4));
    QVERIFY(id);
    Incident acknowledged = *(*ctl)->incident(*id);
    acknowledged.acknowledged = true;
    QVERIFY((*ctl)->updateIncident(acknowledged));
    QVERIFY((*engine)->incident(*id)->acknowledged);
}

void TestConsoleStore::connectionRemoved()
{
    QCOMPARE(storeConnections(), 0);
    {
        auto a = ConsoleStore::open(storePath(), m_clock);
        auto b = ConsoleStore::open(storePath(), m_clock);
        QVERIFY(a && b);
        QCOMPARE(storeConnections(), 2);
    }
    QCOMPARE(storeConnections(), 0);
}

void TestConsoleStore::journalAboutAnApplication()
{
    auto store = ConsoleStore::open(storePath(), m_clock);
    QVERIFY2(store, qPrintable(errorText(store)));
    const qint64 t0 = 1'700'000'000'000;
    const auto add = [&](qint64 wallMs, const QString &app, const QString &agent, const QString &message) {
        JournalEntry e = entry(u"decision"_s, message);
        e.wallMs = wallMs;
        e.app = app;
        e.agent = agent;
        QVERIFY((*store)->appendJournal(e));
    };
    add(t0 + 5000, u"shop"_s, u"alpha"_s, u"late"_s); // written first, stamped later
    add(t0 + 1000, u"shop"_s, u"alpha"_s, u"early"_s);
    add(t0 + 2000, u"cart"_s, u"alpha"_s, u"other application"_s);
    add(t0 + 3000, QString(), u"alpha"_s, u"about the old primary"_s);
    add(t0 + 3500, QString(), u"charlie"_s, u"about an unrelated agent"_s);
    add(t0 - 1, u"shop"_s, u"alpha"_s, u"before the window"_s);
    add(t0 + 10'001, u"shop"_s, u"alpha"_s, u"after the window"_s);

    auto window = (*store)->journalAbout(u"shop"_s, {u"alpha"_s, u"bravo"_s}, t0, t0 + 10'000);
    QVERIFY2(window, qPrintable(errorText(window)));
    QStringList messages;
    for (const JournalEntry &e : *window)
        messages.append(e.message);
    QCOMPARE(messages, (QStringList{u"early"_s, u"about the old primary"_s, u"late"_s}));

    // Without agents: the application's own entries only; limit caps from the oldest.
    window = (*store)->journalAbout(u"shop"_s, {}, t0, t0 + 10'000, 1);
    QVERIFY(window);
    QCOMPARE(window->size(), 1);
    QCOMPARE(window->first().message, u"early"_s);
    QVERIFY((*store)->journalAbout(u"shop"_s, {}, t0 + 10, t0)->isEmpty());
}

void TestConsoleStore::hostSamplesRoundTrip()
{
    auto store = ConsoleStore::open(storePath(), m_clock);
    QVERIFY2(store, qPrintable(errorText(store)));
    const qint64 t0 = 1'700'000'000'000;
    QList<foresight::storage::HostSample> batch;
    for (int i = 0; i < 10; ++i) {
        batch.append(sampleOf(u"alpha"_s, t0 + i * 1000, i / 10.0));
        batch.append(sampleOf(u"bravo"_s, t0 + i * 1000 + 500, 0.9));
    }
    batch[3].failureRisk = 0.75;
    batch[3].anomaly = 0.5;
    QVERIFY((*store)->appendHostSamples(batch));

    auto alpha = (*store)->hostSamples(u"alpha"_s, t0 + 1000, t0 + 5000);
    QVERIFY2(alpha, qPrintable(errorText(alpha)));
    QCOMPARE(alpha->size(), 5);
    QCOMPARE(alpha->at(0), batch[2]);
    QCOMPARE(alpha->at(0).failureRisk, -1.0);
    QCOMPARE(alpha->at(0).anomaly, -1.0);
    QCOMPARE(alpha->at(1).failureRisk, -1.0);
    QCOMPARE(alpha->at(4).wallMs, t0 + 5000);

    // batch[3] is bravo's second sample.
    auto bravo = (*store)->hostSamples(u"bravo"_s, t0, t0 + 2000);
    QVERIFY(bravo);
    QCOMPARE(bravo->size(), 2);
    QCOMPARE(bravo->at(1), batch[3]);

    // A sample for the same agent and time replaces the old one.
    foresight::storage::HostSample again = batch[0];
    again.cpuBusy = 0.99;
    QVERIFY((*store)->appendHostSamples({again}));
    alpha = (*store)->hostSamples(u"alpha"_s, t0, t0);
    QVERIFY(alpha);
    QCOMPARE(alpha->size(), 1);
    QCOMPARE(alpha->first().cpuBusy, 0.99);

    QVERIFY((*store)->hostSamples(u"charlie"_s, t0, t0 + 100'000)->isEmpty());
    QVERIFY((*store)->hostSamples(u"alpha"_s, t0, t0 + 100'000, 0)->isEmpty());
}

void TestConsoleStore::hostSamplesDecimated()
{
    auto store = ConsoleStore::open(storePath(), m_clock);
    QVERIFY2(store, qPrintable(errorText(store)));
    const qint64 t0 = 1'700'000'000'000;
    QList<foresight::storage::HostSample> batch;
    for (int i = 0; i < 1000; ++i)
        batch.append(sampleOf(u"alpha"_s, t0 + i * 100, (i % 2) ? 1.0 : 0.0));
    batch[555].failureRisk = 0.9; // a spike must survive decimation
    QVERIFY((*store)->appendHostSamples(batch));

    const auto samples = (*store)->hostSamples(u"alpha"_s, t0, t0 + 99'999, 50);
    QVERIFY2(samples, qPrintable(errorText(samples)));
    QCOMPARE(samples->size(), 50);
    double maxRisk = -1;
    for (qsizetype i = 0; i < samples->size(); ++i) {
        const foresight::storage::HostSample &s = samples->at(i);
        QCOMPARE(s.agent, u"alpha"_s);
        QVERIFY(qAbs(s.cpuBusy - 0.5) < 1e-9); // the mean of 0 and 1 alternating
        QCOMPARE(s.memUsedFraction, 0.5);
        if (i > 0)
            QVERIFY(s.wallMs > samples->at(i - 1).wallMs);
        maxRisk = qMax(maxRisk, s.failureRisk);
    }
    QCOMPARE(maxRisk, 0.9);
}

void TestConsoleStore::hostSamplesRefused()
{
    auto store = ConsoleStore::open(storePath(), m_clock);
    QVERIFY2(store, qPrintable(errorText(store)));
    const qint64 t0 = 1'700'000'000'000;
    // One bad sample refuses the whole batch.
    auto status = (*store)->appendHostSamples({sampleOf(u"alpha"_s, t0, 0.1), sampleOf(QString(), t0, 0.1)});
    QVERIFY(!status);
    QCOMPARE(status.error().code, ErrorCode::InvalidArgument);
    QVERIFY2(status.error().message.contains(u"needs an agent"_s), qPrintable(status.error().message));
    status = (*store)->appendHostSamples({sampleOf(u"alpha"_s, 0, 0.1)});
    QVERIFY(!status);
    QCOMPARE(status.error().code, ErrorCode::InvalidArgument);
    QVERIFY((*store)->hostSamples(u"alpha"_s, 0, t0 + 1)->isEmpty());
}

void TestConsoleStore::hostSamplesPruned()
{
    auto store = ConsoleStore::open(storePath(), m_clock);
    QVERIFY2(store, qPrintable(errorText(store)));
    const qint64 t0 = 1'700'000'000'000;
    QList<foresight::storage::HostSample> batch;
    for (int i = 0; i < 6; ++i)
        batch.append(sampleOf(i % 2 ? u"alpha"_s : u"bravo"_s, t0 + i * 1000, 0.1));
    QVERIFY((*store)->appendHostSamples(batch));
    const auto pruned = (*store)->pruneHostSamples(t0 + 3000);
    QVERIFY2(pruned, qPrintable(errorText(pruned)));
    QCOMPARE(*pruned, 3);
    QCOMPARE((*store)->hostSamples(u"alpha"_s, 0, t0 + 10'000)->size(), 2);
    QCOMPARE((*store)->hostSamples(u"bravo"_s, 0, t0 + 10'000)->size(), 1);
    QCOMPARE(*(*store)->pruneHostSamples(t0), 0);
}

void TestConsoleStore::upgradesVersion1()
{
    // A store as version 1 wrote it, with a journal entry and an incident in it.
    QVERIFY(QDir().mkpath(QFileInfo(storePath()).absolutePath()));
    {
        RawDb raw(storePath());
        QVERIFY(raw.isOpen());
        const QString statements[] = {
            u"CREATE TABLE config (id INTEGER PRIMARY KEY CHECK (id = 1), json TEXT NOT NULL,"
            " saved_ms INTEGER NOT NULL)"_s,
            u"CREATE TABLE journal (id INTEGER PRIMARY KEY AUTOINCREMENT, wall_ms INTEGER NOT NULL, kind TEXT"
            " NOT NULL, app TEXT NOT NULL, agent TEXT NOT NULL, actor TEXT NOT NULL, message TEXT NOT NULL,"
            " details TEXT NOT NULL)"_s,
            u"CREATE TABLE incidents (id INTEGER PRIMARY KEY AUTOINCREMENT, app TEXT NOT NULL, old_primary TEXT"
            " NOT NULL, new_primary TEXT NOT NULL, former_tier TEXT NOT NULL, epoch INTEGER NOT NULL, detected_ms"
            " INTEGER NOT NULL, decided_ms INTEGER NOT NULL, promoted_ms INTEGER NOT NULL, first_ack_ms INTEGER"
            " NOT NULL, acked_writes_lost INTEGER NOT NULL, seq_gap INTEGER NOT NULL, summary TEXT NOT NULL,"
            " acknowledged INTEGER NOT NULL)"_s,
            u"CREATE INDEX incidents_by_app ON incidents (app, id)"_s,
            u"INSERT INTO journal (wall_ms, kind, app, agent, actor, message, details) VALUES (1700000000000,"
            " 'detection', 'shop', 'alpha', 'engine', 'alpha suspected', '{}')"_s,
            u"INSERT INTO incidents VALUES (7, 'shop', 'alpha', 'bravo', 'hot', 3, 1, 2, 3, 4, 0, 0, 'old', 0)"_s,
            u"PRAGMA application_id = 1179861844"_s,
            u"PRAGMA user_version = 1"_s,
        };
        for (const QString &sql : statements)
            QCOMPARE(raw.exec(sql), QString());
    }
    {
        auto store = ConsoleStore::open(storePath(), m_clock);
        QVERIFY2(store, qPrintable(errorText(store)));
        const auto journal = (*store)->journal();
        QVERIFY(journal);
        QCOMPARE(journal->size(), 1);
        QCOMPARE(journal->first().message, u"alpha suspected"_s);
        QCOMPARE((*store)->incident(7)->summary, u"old"_s);
        QVERIFY((*store)->appendHostSamples({sampleOf(u"alpha"_s, 1'700'000'000'000, 0.4)}));
        QCOMPARE((*store)->hostSamples(u"alpha"_s, 0, 1'800'000'000'000)->size(), 1);
        QCOMPARE((*store)->journalAbout(u"shop"_s, {}, 0, 1'800'000'000'000)->size(), 1);
        QVERIFY((*store)->appendShadowSamples({{u"shop"_s, u"charlie"_s, 1'700'000'000'000, 3, 12, 1, 0.25, 2, 64, 0}}));
        QCOMPARE((*store)->shadowSamples(u"shop"_s, 0, 1'800'000'000'000)->size(), 1);
    }
    RawDb raw(storePath());
    QCOMPARE(raw.scalar(u"PRAGMA user_version"_s).toInt(), 5);
    // Opening again finds it current and keeps what the upgrade wrote.
    auto store = ConsoleStore::open(storePath(), m_clock);
    QVERIFY2(store, qPrintable(errorText(store)));
    QCOMPARE((*store)->hostSamples(u"alpha"_s, 0, 1'800'000'000'000)->size(), 1);
}

QTEST_GUILESS_MAIN(TestConsoleStore)
#include "tst_consolestore.moc"
