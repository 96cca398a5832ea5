// Validated updates (issue 19 section 4, seed 11531531), with real agents on loopback running the
// application as a managed process: an update starts on the shadow as a passive instance, the
// application's validation command runs against it there, and only a pass swaps it in. A failing
// validation keeps the old version everywhere and says why with the command's output; a passing
// one swaps under a writer with no acknowledged write lost, and leaves the old version ready on the
// former primary, so a swap onto it rolls the update back. The configuration the console keeps
// follows the version that is primary.
//
// The application is a shell that appends its role to a file named after its agent and version
// ("$0", the last argument), then sleeps: the files say which version ran where, as what.

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QTemporaryDir>
#include <QTest>

#include "enginetesting.h"
#include "foresight/storage/consolestore.h"
#include "resulttext.h"

using namespace foresight;
using namespace foresight::testing;

namespace {

constexpr int kTimeoutMs = 60000;

const failover::ShadowView *shadowOf(const std::shared_ptr<const failover::ClusterSnapshot> &snapshot)
{
    const failover::AppView *app = snapshot ? snapshot->app(kTestApp) : nullptr;
    return app && app->shadow ? &*app->shadow : nullptr;
}

QString updateState(const failover::ClusterEngine &engine)
{
    const auto snapshot = engine.snapshot();
    const failover::ShadowView *shadow = shadowOf(snapshot);
    return shadow && shadow->update ? shadow->update->state : QString();
}

QString shadowState(const failover::ClusterEngine &engine)
{
    const auto snapshot = engine.snapshot();
    const failover::ShadowView *shadow = shadowOf(snapshot);
    return shadow ? shadow->state : QString();
}

QStringList rolesIn(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return QString::fromUtf8(file.readAll()).split(QLatin1Char('\n'), Qt::SkipEmptyParts);
}

} // namespace

class TestShadowUpdate : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    std::unique_ptr<cluster::LocalCluster> m_cluster;
    std::unique_ptr<failover::ClusterEngine> m_engine;

    QString marker(const QString &agent, const QString &version) const
    {
        return m_dir.filePath(QStringLiteral("%1-%2").arg(agent, version));
    }

    // The roles the instances of a version wrote on an agent, in order: "passive,active".
    QString roles(const char *agent, const char *version) const
    {
        return rolesIn(marker(QLatin1String(agent), QLatin1String(version))).join(u',');
    }

    // Every marker and the roles in it, for a failure message: which version ran where, as what.
    QString markers() const
    {
        QStringList lines;
        for (const QString &name : QDir(m_dir.path()).entryList(QDir::Files, QDir::Name))
            lines << QStringLiteral("%1: %2").arg(name, rolesIn(m_dir.filePath(name)).join(u','));
        return QStringLiteral("markers: ") + lines.join(QStringLiteral("; "));
    }

    ProcessSpec version(const QString &name) const
    {
        ProcessSpec spec;
        spec.command = QStringLiteral("/bin/sh");
        spec.arguments
            = {QStringLiteral("-c"),
               QStringLiteral("echo $FORESIGHT_ROLE >> '%1/'$FORESIGHT_AGENT-$0; exec sleep 600").arg(m_dir.path()),
               name};
        spec.stopTimeoutMs = 1000;
        spec.validateCommand = {QStringLiteral("/bin/sh"), QStringLiteral("-c"), QStringLiteral("exit 0")};
        spec.validateTimeoutMs = 20'000;
        return spec;
    }

    // A validation command that first waits until the v2 instance on charlie has written its
    // `passive` line for the n-th time, as a real check first waits for the instance to answer:
    // on a loaded machine the validation may otherwise end, and the instance be replaced, before
    // its shell has run at all.
    QString validationAfterStart(int n, const QString &then) const
    {
        return QStringLiteral(
                   "until [ \"$(cat '%1' 2>/dev/null | grep -cx passive)\" -ge %2 ]; do sleep 0.02; done; %3")
            .arg(marker(QStringLiteral("charlie"), QStringLiteral("v2")))
            .arg(n)
            .arg(then);
    }

    // The keys of config.process an update changes: the version's argument and the validation.
    QJsonObject changes(const QString &name, const QString &validation) const
    {
        QJsonArray arguments;
        for (const QString &argument : version(name).arguments)
            arguments.append(argument);
        return QJsonObject{{QStringLiteral("arguments"), arguments},
                           {QStringLiteral("validateCommand"),
                            QJsonArray{QStringLiteral("/bin/sh"), QStringLiteral("-c"), validation}}};
    }

private Q_SLOTS:
    void initTestCase() { QVERIFY(m_dir.isValid()); }

    void cleanup()
    {
        m_engine.reset();
        m_cluster.reset();
    }

    void failingValidationKeepsTheOldVersion_thenAPassingOneSwapsIn_andASwapRollsBack()
    {
        cluster::LocalCluster::Options options;
        options.workDir = m_dir.filePath(QStringLiteral("cluster"));
        auto cluster = cluster::LocalCluster::start(options);
        QVERIFY2(cluster, qPrintable(errorText(cluster)));
        m_cluster = std::move(*cluster);
        AppConfig appConfig;
        appConfig.process = version(QStringLiteral("v1"));
        const config::ClusterConfig config = clusterConfigFor(*m_cluster, 0, {{1, Tier::Hot}}, appConfig);
        const QString storePath = m_dir.filePath(QStringLiteral("console.sqlite"));
        m_engine = startTestEngine(*m_cluster, config, storePath);
        QVERIFY(m_engine);
        QTRY_COMPARE_WITH_TIMEOUT(primaryOf(*m_engine), QStringLiteral("alpha"), kTimeoutMs);
        QTRY_VERIFY2_WITH_TIMEOUT(roles("alpha", "v1") == QLatin1String("active"), qPrintable(markers()), kTimeoutMs);

        // Without a shadow there is nothing to try an update on.
        auto noShadow = m_engine
                            ->updateShadow({kTestApp,
                                            {},
                                            changes(QStringLiteral("v2"), QStringLiteral("exit 0")),
                                            false,
                                            QStringLiteral("test")})
                            .get();
        QVERIFY(!noShadow);
        QVERIFY2(noShadow.error().message.contains(QStringLiteral("create one first")),
                 qPrintable(noShadow.error().message));

        auto created
            = m_engine->createShadow({kTestApp, QStringLiteral("charlie"), false, false, QStringLiteral("test")}).get();
        QVERIFY2(created, qPrintable(errorText(created)));
        QTRY_COMPARE_WITH_TIMEOUT(shadowState(*m_engine), QStringLiteral("ready"), kTimeoutMs);
        QTRY_VERIFY2_WITH_TIMEOUT(roles("charlie", "v1") == QLatin1String("passive"), qPrintable(markers()), kTimeoutMs);

        // Bad updates are refused before anything changes, naming the field.
        auto unknownKey = m_engine
                              ->updateShadow({kTestApp,
                                              {},
                                              QJsonObject{{QStringLiteral("comand"), QStringLiteral("/bin/true")}},
                                              false,
                                              QStringLiteral("test")})
                              .get();
        QVERIFY(!unknownKey);
        QVERIFY2(unknownKey.error().message.startsWith(QStringLiteral("process.comand: unknown key")),
                 qPrintable(unknownKey.error().message));
        auto sameVersion = m_engine
                               ->updateShadow({kTestApp,
                                               {},
                                               changes(QStringLiteral("v1"), QStringLiteral("exit 0")),
                                               false,
                                               QStringLiteral("test")})
                               .get();
        QVERIFY(!sameVersion);
        QVERIFY2(sameVersion.error().message.contains(QStringLiteral("changes nothing")),
                 qPrintable(sameVersion.error().message));
        auto dry = m_engine
                       ->updateShadow({kTestApp,
                                       {},
                                       changes(QStringLiteral("v2"), QStringLiteral("exit 0")),
                                       true,
                                       QStringLiteral("test")})
                       .get();
        QVERIFY2(dry, qPrintable(errorText(dry)));
        QVERIFY2(dry->summary.startsWith(
                     QStringLiteral("dry run: would restart the shadow's passive instance on charlie")),
                 qPrintable(dry->summary));
        QCOMPARE(roles("charlie", "v2"), QString());

        // An agent validates only the version it was assigned: asked for v2 while it runs v1 (its
        // assign refused, say), it refuses rather than let v1 pass for v2.
        {
            auto charlie = m_cluster->control(2);
            QVERIFY2(charlie, qPrintable(errorText(charlie)));
            auto mismatch = (*charlie)->validate(kTestApp, version(QStringLiteral("v2")), 1000);
            QVERIFY(!mismatch);
            QCOMPARE(mismatch.error().code, ErrorCode::InvalidArgument);
            QVERIFY2(mismatch.error().message.contains(QStringLiteral("not the process to validate")),
                     qPrintable(mismatch.error().message));
            auto bravo = m_cluster->control(1); // a plain hot replica: no instance runs there
            QVERIFY2(bravo, qPrintable(errorText(bravo)));
            auto noInstance = (*bravo)->validate(kTestApp, std::nullopt, 1000);
            QVERIFY(!noInstance);
            QVERIFY2(noInstance.error().message.contains(QStringLiteral("no instance of")),
                     qPrintable(noInstance.error().message));
        }

        // 1. A failing validation: the update ran on the shadow only, and is discarded.
        ContinuousWriter writer(m_cluster->clientOptions(kTestApp), 1);
        QTRY_VERIFY_WITH_TIMEOUT(writer.acked() > 20, kTimeoutMs);
        auto failed
            = m_engine
                  ->updateShadow(
                      {kTestApp,
                       {},
                       changes(QStringLiteral("v2"),
                               validationAfterStart(1,
                                                    QStringLiteral("echo 'selftest: cart totals differ' >&2; exit 3"))),
                       false,
                       QStringLiteral("test")})
                  .get();
        QVERIFY(!failed);
        QVERIFY2(failed.error().message.contains(QStringLiteral("validation failed on charlie: exit 3")),
                 qPrintable(failed.error().message));
        QVERIFY2(failed.error().message.contains(QStringLiteral("selftest: cart totals differ")),
                 qPrintable(failed.error().message));
        QCOMPARE(primaryOf(*m_engine), QStringLiteral("alpha"));
        QTRY_COMPARE_WITH_TIMEOUT(updateState(*m_engine), QStringLiteral("failed"), kTimeoutMs); // the next snapshot
        QCOMPARE(roles("charlie", "v2"), QStringLiteral("passive"));
        QCOMPARE(roles("alpha", "v2"), QString());
        {
            const auto snapshot = m_engine->snapshot();
            const failover::ShadowView *shadow = shadowOf(snapshot);
            QVERIFY(shadow && shadow->update);
            QCOMPARE(shadow->update->state, QStringLiteral("failed"));
            QCOMPARE(shadow->update->exitCode, 3);
            QVERIFY(shadow->update->output.contains(QStringLiteral("selftest: cart totals differ")));
            QVERIFY2(shadow->update->note.startsWith(QStringLiteral("discarded: validation failed")),
                     qPrintable(shadow->update->note));
            QCOMPARE(shadow->version, QString()); // back to the primary's version
        }
        // The shadow runs the old version again, passive.
        QTRY_VERIFY2_WITH_TIMEOUT(roles("charlie", "v1") == QLatin1String("passive,passive"),
                                  qPrintable(markers()),
                                  kTimeoutMs);
        QVERIFY(journalHas(*m_engine,
                           QStringLiteral("update"),
                           QStringLiteral("update discarded: validation failed on charlie: exit 3")));

        // 2. A passing validation, run against the updated passive instance: swapped in.
        QTRY_COMPARE_WITH_TIMEOUT(shadowState(*m_engine), QStringLiteral("ready"), kTimeoutMs);
        auto passed
            = m_engine
                  ->updateShadow(
                      {kTestApp,
                       {},
                       changes(QStringLiteral("v2"),
                               validationAfterStart(2,
                                                    QStringLiteral("test \"$FORESIGHT_ROLE\" = passive && kill -0 "
                                                                   "\"$FORESIGHT_INSTANCE_PID\" && echo selftest ok"))),
                       false,
                       QStringLiteral("test")})
                  .get();
        QVERIFY2(passed, qPrintable(errorText(passed)));
        QCOMPARE(passed->details.value(QStringLiteral("validation")).toObject().value(QStringLiteral("result")).toString(),
                 QStringLiteral("exit 0"));
        QCOMPARE(passed->details.value(QStringLiteral("validation")).toObject().value(QStringLiteral("output")).toString(),
                 QStringLiteral("selftest ok\n"));
        QVERIFY(passed->details.contains(QStringLiteral("pause-ms")));
        QTRY_COMPARE_WITH_TIMEOUT(updateState(*m_engine), QStringLiteral("swapped-in"), kTimeoutMs);
        QCOMPARE(primaryOf(*m_engine), QStringLiteral("charlie"));
        QTRY_VERIFY2_WITH_TIMEOUT(roles("charlie", "v2") == QLatin1String("passive,passive,active"),
                                  qPrintable(markers()),
                                  kTimeoutMs);
        // The old version stays ready on the former primary, as the shadow.
        QTRY_VERIFY2_WITH_TIMEOUT(roles("alpha", "v1") == QLatin1String("active,passive"),
                                  qPrintable(markers()),
                                  kTimeoutMs);
        {
            const auto snapshot = m_engine->snapshot();
            const failover::ShadowView *shadow = shadowOf(snapshot);
            QVERIFY(shadow);
            QCOMPARE(shadow->agent, QStringLiteral("alpha"));
            QCOMPARE(shadow->origin, shadow::ShadowOrigin::Update);
            QVERIFY2(shadow->version.endsWith(QStringLiteral(" v1")), qPrintable(shadow->version));
            QVERIFY(shadow->update);
            QCOMPARE(shadow->update->state, QStringLiteral("swapped-in"));
        }
        // The console keeps the version that is primary: its next start deploys v2.
        const auto storedVersion = [&] {
            auto store = storage::ConsoleStore::open(storePath);
            if (!store)
                return QString();
            auto stored = (*store)->loadConfig();
            return stored && !stored->apps.isEmpty() ? stored->apps.first().config.process.arguments.value(2)
                                                     : QString();
        };
        QTRY_COMPARE_WITH_TIMEOUT(storedVersion(), QStringLiteral("v2"), kTimeoutMs);

        // 3. A swap onto the old version's shadow rolls the update back.
        QTRY_COMPARE_WITH_TIMEOUT(shadowState(*m_engine), QStringLiteral("ready"), kTimeoutMs);
        auto rolledBack = m_engine->swapShadow({kTestApp, {}, false, false, QStringLiteral("test")}).get();
        QVERIFY2(rolledBack, qPrintable(errorText(rolledBack)));
        QTRY_COMPARE_WITH_TIMEOUT(primaryOf(*m_engine), QStringLiteral("alpha"), kTimeoutMs);
        QTRY_VERIFY2_WITH_TIMEOUT(roles("alpha", "v1") == QLatin1String("active,passive,active"),
                                  qPrintable(markers()),
                                  kTimeoutMs);
        QTRY_COMPARE_WITH_TIMEOUT(storedVersion(), QStringLiteral("v1"), kTimeoutMs);
        {
            const auto snapshot = m_engine->snapshot();
            const failover::ShadowView *shadow = shadowOf(snapshot);
            QVERIFY(shadow);
            QCOMPARE(shadow->agent, QStringLiteral("charlie"));
            QVERIFY2(shadow->version.endsWith(QStringLiteral(" v2")), qPrintable(shadow->version));
        }

        // Through all of it, no acknowledged write was lost.
        QTRY_VERIFY_WITH_TIMEOUT(writer.acked() > 100, kTimeoutMs);
        writer.stop();
        const QString lost = lostAckedWrites(*m_cluster, writer.ackedWrites());
        QVERIFY2(lost.isEmpty(), qPrintable(lost));
    }
};

QTEST_GUILESS_MAIN(TestShadowUpdate)
#include "tst_shadowupdate.moc"
