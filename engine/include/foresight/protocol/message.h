#pragma once

#include <cstdint>

#include <QByteArray>
#include <QCborMap>
#include <QString>

#include "foresight/core/result.h"

namespace foresight::protocol {

// Every message is a ZeroMQ multipart message whose last two frames are a fixed 8-byte header
// and a CBOR body (a map with text keys). Header layout, all big-endian:
//   bytes 0..3  magic "FSGT"
//   byte  4     protocol version (kProtocolVersion)
//   byte  5     flags, reserved, must be 0
//   bytes 6..7  message type
// docs/protocol.md is the normative description of every type and field.
inline constexpr char kMagic[4] = {'F', 'S', 'G', 'T'};
inline constexpr std::uint8_t kProtocolVersion = 1;
inline constexpr qsizetype kHeaderSize = 8;

enum class MessageType : std::uint16_t {
    // session
    Hello = 0x0001,
    HelloReply = 0x0002,
    Error = 0x0003,
    Ok = 0x0004,
    // SDK: application state
    Put = 0x0101,
    Delete = 0x0102,
    WriteAck = 0x0103,
    Get = 0x0104,
    GetReply = 0x0105,
    MirrorSubscribe = 0x0106, // SDK -> agent: change events for a client's mirrors
    MirrorEvent = 0x0107,     // agent -> SDK, one-way: keys changed (or a keep-alive, or the end)
    MirrorReport = 0x0108,    // SDK -> agent: a client's mirror metrics, for the console
    // replication between agents
    ReplicaHello = 0x0201,
    ReplicaWelcome = 0x0202,
    Deltas = 0x0203,
    ReplicaAck = 0x0204,
    SnapshotBegin = 0x0205,
    SnapshotChunk = 0x0206,
    SnapshotEnd = 0x0207,
    // topology: agents measure round-trip time and bandwidth to each other
    Ping = 0x0208,
    Pong = 0x0209,
    // prediction between agents: the primary's forecasts (model divergence), and the real deltas
    // of a gap a speculative overlay stood in for
    Forecasts = 0x020A,
    GapRequest = 0x020B,
    GapDeltas = 0x020C,
    ScheduledDeltas = 0x020D,
    // control: consoles and foresightctl
    Status = 0x0301,
    StatusReply = 0x0302,
    Assign = 0x0303,
    Promote = 0x0304,
    TakeSnapshot = 0x0305,
    Lease = 0x0306,
    Fault = 0x0307,         // fault injection, for labs, training and tests (agents opt in)
    Peers = 0x0308,         // the agents this agent measures its links to
    Release = 0x0309,       // this agent stops holding a replica of the application
    Validate = 0x030A,      // run the application's validation command against its instance here
    HostInventory = 0x030B, // this agent's host inventory, whose version heartbeats carry
    // monitoring: consoles subscribe to an agent's heartbeats
    Subscribe = 0x0401,
    Heartbeat = 0x0402,
    // console control: foresightctl and scripts drive a running console (docs/protocol.md 15)
    ConsoleStatus = 0x0501,
    ConsoleStatusReply = 0x0502,
    ConsolePromote = 0x0503,
    ConsoleSwitchover = 0x0504,
    ConsoleMaintenance = 0x0505,
    ConsoleAcknowledge = 0x0506,
    ConsoleJournal = 0x0507,
    ConsoleJournalReply = 0x0508,
    ConsoleIncidents = 0x0509,
    ConsoleIncidentsReply = 0x050A,
    ConsoleFault = 0x050B,
    ConsoleReport = 0x050C,
    ConsoleReportReply = 0x050D,
    ConsoleShadow = 0x050E, // create, swap, promote or retire an application's shadow
    // Set or clear an external failure risk for an agent's host.
    ConsoleHostRisk = 0x050F,
};

QString messageTypeName(MessageType type);
bool isKnownMessageType(std::uint16_t value);

struct Message
{
    MessageType type = MessageType::Error;
    QCborMap body;
};

QByteArray encodeHeader(MessageType type);
// Writes the header into out[0..kHeaderSize), for senders that avoid an allocation per message.
void writeHeader(char *out, MessageType type);
QByteArray encodeBody(const QCborMap &body);

// Decodes and validates the header and body frames: magic, version, type, CBOR well-formedness
// and the type's schema (required fields present and of the right CBOR type). The error names
// what was wrong; VersionMismatch when only the version differs.
Result<Message> decode(const QByteArray &header, const QByteArray &body);

// Convenience for building replies.
Message makeError(std::int64_t requestId, const Error &error);
Message makeOk(std::int64_t requestId);

} // namespace foresight::protocol
