#pragma once

#include <cstdint>

#include <QList>
#include <QString>

#include "foresight/vocabulary/roles.h"

namespace foresight::failover {

// What the engine knows about one replica that could become an application's primary.
struct CandidateFacts
{
    QString agent;
    Tier tier = Tier::Hot;
    std::uint64_t seq = 0;        // its position (at the primary's epoch)
    bool reachable = true;        // the console hears its heartbeats
    bool integrityOk = true;      // its digest matched the primary's at the same sequence number
    QString integrityNote;        // why not
    double divergence = 0;        // model divergence from the primary, 0..1 (prediction issue)
    double latencyMs = 0;         // to the application's clients (topology); 0 when unknown
    double failureRisk = 0;       // predicted failure risk of its host, 0..1 (the anomaly score without a model)
    bool predictedToFail = false; // the model's risk for its host is at or above prediction.alert-risk
    bool shadow = false;          // the application's shadow: deployed ahead of this failure, to take over
    int priority = 0;             // operator preference: higher first
    bool neverPromote = false;    // operator flag
    bool maintenance = false;     // its host is in maintenance
};

// One line of a candidate's explanation.
struct RankTerm
{
    QString name; // "tier", "seq-behind", "predicted-to-fail", "shadow", "priority", "divergence", "latency-ms", "failure-risk"
    QString value; // as shown to the operator
};

struct RankedCandidate
{
    CandidateFacts facts;
    bool eligible = false;
    QString excludedBecause;     // when not eligible: the first reason
    std::uint64_t seqBehind = 0; // behind the most advanced candidate
    QList<RankTerm> terms;
    int rank = 0; // 1 = the engine's choice; 0 for excluded candidates
};

// Orders the candidates the way issue 3 asks, most important first: eligibility (reachable,
// integrity intact, not never-promote, not in maintenance), tier (hot before warm before cold),
// sequence (highest first: nothing acknowledged may be lost when a hot replica holds it), a host
// not predicted to fail before one that is (promoting onto a failing host buys a second failover),
// the application's shadow before other replicas (it was placed for this failure), the operator's priority, lowest divergence, lowest latency to clients, lowest failure risk, name
// (so the choice is deterministic). Data safety outranks every preference: an operator priority
// never makes the engine pick a replica that holds less. Eligible candidates come first.
QList<RankedCandidate> rankCandidates(const QList<CandidateFacts> &candidates);

// Why `first` ranks above `second`, as one phrase ("hot before warm", "12 seqs ahead").
QString rankReason(const RankedCandidate &first, const RankedCandidate &second);

} // namespace foresight::failover
