#pragma once

#include <memory>

#include <QList>
#include <QPair>
#include <QString>
#include <QStringList>

#include "foresight/core/result.h"

namespace foresight::sim {

// How one link between two simulated hosts behaves, the same in both directions.
struct LinkModel
{
    double latencyMs = 0.3;          // one way
    qint64 bandwidthBytesPerSec = 0; // each direction, shared by the link's connections; 0: unlimited
    // TCP hides loss as retransmission delay: with this probability (0..1) a forwarded chunk
    // waits one retransmission timeout (kRetransmitTimeoutMs) more, and what follows it waits too
    // (the stream's order is kept).
    double loss = 0;
    // Nothing moves either way, but connections stay open (no RST, no FIN: the peers only notice
    // silence); on heal what was held is delivered, as TCP does after a short outage.
    bool partitioned = false;

    Status validate() const;
    bool operator==(const LinkModel &) const = default;
};

// The network between the hosts of a simulated cluster (LocalCluster::Options::simulatedNetwork).
// Every simulated host has a loopback address of its own (127.0.0.11, .12, ...; all of 127/8 is
// loopback on Linux) and its agent makes its outgoing connections from it (the agent's
// --source-address). In front of every agent's real listening port the network has a front: a
// TCP listener on the agent's host address whose connections are forwarded, byte for byte, to
// the agent; the source address of a connection says which host it comes from, so each byte
// travels on the link between the two hosts and waits, slows down or stops as the link says.
// Connections from 127.0.0.1 come from consoleHost() (the console, foresightctl, SDK clients on
// tcp://); those from an address no host has take the default link. CURVE passes through
// untouched: only bytes move.
//
// One thread of its own ("fs-simnet") runs every socket with poll(); the setters and getters are
// thread-safe (the cluster's thread calls them) and take effect within a few milliseconds,
// including for connections already open. The destructor stops the thread and closes every
// socket. Linux only (127/8 loopback).
class SimulatedNetwork final
{
public:
    static constexpr int kRetransmitTimeoutMs = 200;

    // The host of connections from 127.0.0.1.
    static QString consoleHost();

    static Result<std::unique_ptr<SimulatedNetwork>> create(const LinkModel &defaultLink = {}, quint32 seed = 1);
    ~SimulatedNetwork();
    SimulatedNetwork(const SimulatedNetwork &) = delete;
    SimulatedNetwork &operator=(const SimulatedNetwork &) = delete;

    // A host named `name` at `address`, a 127.x.y.z address other than 127.0.0.1. Fails when the
    // name or address is taken or the address is not loopback.
    Status addHost(const QString &name, const QString &address);
    QStringList hosts() const; // consoleHost() first
    QString address(const QString &host) const;

    // Opens a front on `host`'s address (a port of the kernel's choosing) forwarding to
    // targetUrl (tcp://127.0.0.1:PORT, or any tcp://IPv4:PORT). Returns the front's tcp:// URL.
    Result<QString> addFront(const QString &host, const QString &targetUrl);

    // The link between two hosts (either order). Unknown hosts: NotFound.
    Status setLink(const QString &a, const QString &b, const LinkModel &link);
    LinkModel link(const QString &a, const QString &b) const;
    Status setPartitioned(const QString &a, const QString &b, bool partitioned);
    // The link of pairs without one of their own, and of unknown sources.
    void setDefaultLink(const LinkModel &link);
    LinkModel defaultLink() const;
    // Every partition ends (other link settings stay).
    void healAll();
    QList<QPair<QString, QString>> partitions() const;

    struct Stats
    {
        qint64 connections = 0; // accepted so far
        qint64 openConnections = 0;
        qint64 bytesForwarded = 0;
        qint64 bytesHeld = 0; // waiting in the network now
    };
    Stats stats() const;

private:
    class Impl;
    explicit SimulatedNetwork(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> d;
};

} // namespace foresight::sim
