#pragma once

// Private: the file-system side of an ipc:// control endpoint. libzmq unlinks an ipc path before
// it binds, which would silently take the endpoint over from a console still running; these
// checks make a second console fail to start instead, and keep the socket file private.

#include <QString>

#include "foresight/core/result.h"

namespace foresight::control {

// Readies `path` for a bind: creates its directory, and fails (Network) when a live console
// already accepts connections there, or (InvalidArgument) when the path is not a socket or too
// long for one. A socket file left by a console that died is fine: libzmq replaces it.
Status claimSocketPath(const QString &path);

// Mode 0600 on the bound socket file: only the console's user may connect (IoError otherwise).
Status makeSocketPrivate(const QString &path);

} // namespace foresight::control
