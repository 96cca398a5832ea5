#pragma once

// A scripted failover written into a real console store, for the incident report tests (the
// model, its JSON and HTML in tst_incidentreport; the PDF in tst_reportpdf): shop's primary alpha
// fails at kDetectedMs, bravo (a warm replica) takes over and 3 acknowledged writes are lost; the
// journal holds the engine's steps, an operator's action, a message with markup in it, and
// entries that do not belong to the report; both hosts' metrics are recorded around it.

#include <QList>
#include <QString>

#include "foresight/core/result.h"
#include "foresight/storage/consolestore.h"
#include "resulttext.h"

namespace scripted {

using foresight::testing::errorText;

inline constexpr qint64 kDetectedMs = 1'700'000'600'000;
inline constexpr qint64 kDecidedMs = kDetectedMs + 200;
inline constexpr qint64 kPromotedMs = kDetectedMs + 450;
inline constexpr qint64 kFirstAckMs = kDetectedMs + 1200;
inline constexpr qint64 kSampleEveryMs = 2000;
inline const QString kOperator = QStringLiteral("ops-alice");
inline const QString kOperatorAction = QStringLiteral("acknowledged the failover of shop after checking the orders");
inline const QString kSummary = QStringLiteral("alpha silent for 150 ms (phi 9.1); failover score 0.93");
inline const QString kMarkup = QStringLiteral("hook said <script>alert('x')</script> & left");

inline foresight::storage::JournalEntry entryAt(qint64 wallMs,
                                                const QString &kind,
                                                const QString &app,
                                                const QString &agent,
                                                const QString &message,
                                                const QString &actor = QStringLiteral("engine"))
{
    foresight::storage::JournalEntry entry;
    entry.wallMs = wallMs;
    entry.kind = kind;
    entry.app = app;
    entry.agent = agent;
    entry.actor = actor;
    entry.message = message;
    return entry;
}

// Writes the journal and the incident; returns the incident's id.
inline foresight::Result<qint64> writeIncident(foresight::storage::ConsoleStore &store)
{
    using foresight::storage::JournalEntry;
    const QString shop = QStringLiteral("shop");
    const QString alpha = QStringLiteral("alpha");
    const QString bravo = QStringLiteral("bravo");
    const JournalEntry entries[] = {
        entryAt(kDetectedMs - 3'600'000, QStringLiteral("decision"), shop, alpha, QStringLiteral("an hour before")),
        entryAt(kDetectedMs - 100, QStringLiteral("agent"), {}, alpha, QStringLiteral("alpha suspected")),
        entryAt(kDetectedMs, QStringLiteral("detection"), shop, alpha, QStringLiteral("primary alpha is silent")),
        entryAt(kDetectedMs + 10,
                QStringLiteral("detection"),
                QStringLiteral("cart"),
                alpha,
                QStringLiteral("another application")),
        entryAt(kDecidedMs, QStringLiteral("decision"), shop, alpha, QStringLiteral("failing over to bravo")),
        entryAt(kPromotedMs,
                QStringLiteral("promotion"),
                shop,
                bravo,
                QStringLiteral("promoted bravo (former warm replica) to primary at epoch 3")),
        entryAt(kPromotedMs + 50, QStringLiteral("hook"), shop, bravo, kMarkup),
        entryAt(kFirstAckMs, QStringLiteral("first-ack"), shop, bravo, QStringLiteral("first acknowledged write")),
        entryAt(kFirstAckMs + 60'000, QStringLiteral("operator"), shop, {}, kOperatorAction, kOperator),
        entryAt(kFirstAckMs + 3'600'000, QStringLiteral("operator"), shop, {}, QStringLiteral("an hour after"), kOperator),
    };
    for (const JournalEntry &entry : entries) {
        if (auto id = store.appendJournal(entry); !id)
            return std::unexpected(id.error());
    }
    foresight::storage::Incident incident;
    incident.app = shop;
    incident.oldPrimary = alpha;
    incident.newPrimary = bravo;
    incident.formerTier = QStringLiteral("warm");
    incident.epoch = 3;
    incident.detectedMs = kDetectedMs;
    incident.decidedMs = kDecidedMs;
    incident.promotedMs = kPromotedMs;
    incident.firstAckMs = kFirstAckMs;
    incident.ackedWritesLost = 3;
    incident.seqGap = 5;
    incident.summary = kSummary;
    return store.createIncident(incident);
}

// alpha: 10 minutes up to the detection, CPU and risk climbing; bravo: 10 minutes before to 5
// after, steady. One sample every kSampleEveryMs.
inline foresight::Status writeSamples(foresight::storage::ConsoleStore &store)
{
    QList<foresight::storage::HostSample> samples;
    for (qint64 t = kDetectedMs - 600'000; t <= kDetectedMs; t += kSampleEveryMs) {
        const double progress = double(t - (kDetectedMs - 600'000)) / 600'000.0;
        foresight::storage::HostSample sample;
        sample.agent = QStringLiteral("alpha");
        sample.wallMs = t;
        sample.cpuBusy = 0.2 + 0.7 * progress;
        sample.memUsedFraction = 0.4 + 0.5 * progress;
        sample.diskIoBusyFraction = 0.1 + 0.8 * progress;
        sample.load1 = 1 + 6 * progress;
        sample.netErrorsPerSec = 4 * progress;
        sample.netDropsPerSec = 2 * progress;
        sample.failureRisk = 0.05 + 0.75 * progress;
        sample.anomaly = 0.1 + 0.85 * progress;
        samples.append(sample);
    }
    for (qint64 t = kDetectedMs - 600'000; t <= kDetectedMs + 300'000; t += kSampleEveryMs) {
        foresight::storage::HostSample sample;
        sample.agent = QStringLiteral("bravo");
        sample.wallMs = t + 500;
        sample.cpuBusy = t > kPromotedMs ? 0.55 : 0.25;
        sample.memUsedFraction = 0.35;
        sample.diskIoBusyFraction = 0.05;
        sample.load1 = t > kPromotedMs ? 2.5 : 0.8;
        sample.failureRisk = 0.02;
        sample.anomaly = 0.05;
        samples.append(sample);
    }
    return store.appendHostSamples(samples);
}

} // namespace scripted
