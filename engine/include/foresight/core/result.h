#pragma once

#include <expected>

#include <QString>

namespace foresight {

// Typed error codes shared by every engine boundary. The wire protocol carries them as the
// kebab-case names returned by errorCodeName(), so a code's name is part of the protocol.
enum class ErrorCode {
    InvalidArgument,   // the caller passed something impossible (bad key, bad config value)
    NotFound,          // no such application, key, file
    Corruption,        // stored or received data failed validation (digest, CBOR, checksum)
    IoError,           // a file or database operation failed
    Network,           // a socket could not be created, bound or connected
    Timeout,           // no answer within the configured time
    ProtocolError,     // a malformed or unexpected message
    VersionMismatch,   // the peer speaks another protocol version
    Unauthorized,      // the peer's key is not allowed to do this
    NotPrimary,        // a write reached a replica; see the redirect hint
    StaleEpoch,        // a write or delta carries an epoch older than the receiver's
    Fenced,            // this primary learned of a higher epoch and refuses writes
    NotEnoughReplicas, // a synchronous write could not reach the required hot replicas
    Internal,          // a bug: an invariant did not hold
};

QString errorCodeName(ErrorCode code);
// Inverse of errorCodeName(); unknown names map to ProtocolError.
ErrorCode errorCodeFromName(const QString &name);

// An error a person can act on: the code says what kind, the message says what was wrong and,
// where there is something to do, what to do.
struct Error
{
    ErrorCode code = ErrorCode::Internal;
    QString message;

    QString toString() const { return errorCodeName(code) + QStringLiteral(": ") + message; }
};

template<typename T>
using Result = std::expected<T, Error>;
using Status = std::expected<void, Error>;

inline std::unexpected<Error> fail(ErrorCode code, QString message)
{
    return std::unexpected<Error>(Error{code, std::move(message)});
}

} // namespace foresight
