// The metrics history and incident reports from a running engine, against real agents on
// loopback: the engine records each agent's host metrics in the console store (at most one sample
// a second per agent, from heartbeats), and after a real failover (kill -9 of the primary) the
// incident's report holds its full timeline, the journal's promotion, and both hosts' metrics
// around it.

#include <QDateTime>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

#include "clusterprobe.h"
#include "enginetesting.h"
#include "foresight/report/incidentreport.h"
#include "foresight/storage/consolestore.h"

using namespace foresight;
using namespace foresight::testing;

namespace {

constexpr int kTimeoutMs = 30000;

} // namespace

class TestReportHistory : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    std::unique_ptr<cluster::LocalCluster> m_cluster;
    std::unique_ptr<failover::ClusterEngine> m_engine;
    std::unique_ptr<storage::ConsoleStore> m_reader; // the test's own connection, as foresightctl's would be

    QString storePath() const { return m_dir.filePath(QStringLiteral("console.db")); }

    QList<storage::HostSample> samplesOf(const QString &agent) const
    {
        auto samples = m_reader->hostSamples(agent, 0, QDateTime::currentMSecsSinceEpoch() + 60'000);
        return samples ? *samples : QList<storage::HostSample>();
    }

    std::optional<storage::Incident> lastIncident() const
    {
        auto incidents = m_reader->incidents(kTestApp, 1);
        if (!incidents || incidents->isEmpty())
            return std::nullopt;
        return incidents->first();
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        cluster::LocalCluster::Options options;
        options.workDir = m_dir.filePath(QStringLiteral("cluster"));
        options.agentNames = {QStringLiteral("alpha"), QStringLiteral("bravo"), QStringLiteral("charlie")};
        auto cluster = cluster::LocalCluster::start(options);
        QVERIFY2(cluster, qPrintable(cluster ? QString() : cluster.error().toString()));
        m_cluster = std::move(*cluster);
        AppConfig app;
        app.syncReplicas = 1;
        m_engine = startTestEngine(*m_cluster,
                                   clusterConfigFor(*m_cluster, 0, {{1, Tier::Hot}, {2, Tier::Hot}}, app),
                                   storePath());
        QVERIFY(m_engine);
        auto reader = storage::ConsoleStore::open(storePath());
        QVERIFY2(reader, qPrintable(reader ? QString() : reader.error().toString()));
        m_reader = std::move(*reader);
        QTRY_COMPARE_WITH_TIMEOUT(phaseOf(*m_engine), failover::AppPhase::Healthy, kTimeoutMs);
    }

    void cleanupTestCase()
    {
        m_engine.reset();
        m_reader.reset();
        m_cluster.reset();
    }

    void theEngineRecordsHostMetrics()
    {
        // Heartbeats come ten times a second; the history keeps one a second per agent.
        QTRY_VERIFY_WITH_TIMEOUT(samplesOf(QStringLiteral("alpha")).size() >= 3, kTimeoutMs);
        QTRY_VERIFY_WITH_TIMEOUT(samplesOf(QStringLiteral("charlie")).size() >= 3, kTimeoutMs);
        const QList<storage::HostSample> samples = samplesOf(QStringLiteral("alpha"));
        for (qsizetype i = 0; i < samples.size(); ++i) {
            const storage::HostSample &s = samples.at(i);
            QCOMPARE(s.agent, QStringLiteral("alpha"));
            QVERIFY2(s.memUsedFraction > 0 && s.memUsedFraction <= 1, qPrintable(QString::number(s.memUsedFraction)));
            QVERIFY(s.cpuBusy >= 0 && s.cpuBusy <= 1);
            QVERIFY(s.diskIoBusyFraction >= 0 && s.diskIoBusyFraction <= 1);
            QVERIFY(s.load1 >= 0);
            QVERIFY(s.anomaly >= -1 && s.anomaly <= 1);
            if (i > 0)
                QVERIFY2(s.wallMs - samples.at(i - 1).wallMs >= 1000,
                         qPrintable(QStringLiteral("samples %1 ms apart").arg(s.wallMs - samples.at(i - 1).wallMs)));
        }
    }

    void aFailoverReportHoldsItsTimelineAndMetrics()
    {
        ContinuousWriter writer(m_cluster->clientOptions(kTestApp), 1);
        QTRY_VERIFY_WITH_TIMEOUT(writer.acked() > 50, kTimeoutMs);
        m_cluster->agent(0).kill();
        QTRY_VERIFY_WITH_TIMEOUT(lastIncident() && lastIncident()->firstAckMs > 0, kTimeoutMs);
        writer.stop();
        const storage::Incident incident = *lastIncident();
        QCOMPARE(incident.oldPrimary, QStringLiteral("alpha"));

        // The new primary's samples after the promotion reach the store within a flush or two.
        const auto newPrimaryAfterPromotion = [&] {
            for (const storage::HostSample &s : samplesOf(incident.newPrimary)) {
                if (s.wallMs > incident.promotedMs)
                    return true;
            }
            return false;
        };
        QTRY_VERIFY_WITH_TIMEOUT(newPrimaryAfterPromotion(), kTimeoutMs);

        auto report = report::IncidentReport::build(*m_reader, incident.id);
        QVERIFY2(report, qPrintable(report ? QString() : report.error().toString()));
        for (const report::TimelineStep &step : report->timeline)
            QVERIFY2(step.wallMs > 0, qPrintable(step.label));
        QVERIFY(report->outageMs >= 0);
        bool promotion = false;
        for (const storage::JournalEntry &entry : report->journal)
            promotion = promotion || (entry.kind == QLatin1String("promotion") && entry.agent == incident.newPrimary);
        QVERIFY(promotion);
        QVERIFY(report->hasMetrics);
        QCOMPARE(report->hosts.size(), 2);
        QCOMPARE(report->hosts[0].agent, QStringLiteral("alpha"));
        QVERIFY(!report->hosts[0].samples.isEmpty());
        QVERIFY(!report->hosts[1].samples.isEmpty());
        QVERIFY(!report->riskBefore.isEmpty());
        QVERIFY(report->riskBefore.last().wallMs <= incident.detectedMs);
        QCOMPARE(report->dataLoss.ackedWritesLost, 0);
        const QJsonObject json = QJsonDocument::fromJson(report::toJson(*report)).object();
        QCOMPARE(json.value(QStringLiteral("incident")).toObject().value(QStringLiteral("id")).toInteger(), incident.id);
    }
};

QTEST_GUILESS_MAIN(TestReportHistory)
#include "tst_reporthistory.moc"
