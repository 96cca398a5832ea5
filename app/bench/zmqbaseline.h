#pragma once

#include "foresight/core/result.h"
#include "writeload.h"

namespace foresight::bench {

// The raw-transport baseline: one ROUTER echo server thread bound to tcp://127.0.0.1:*, and
// spec.writers client threads, each with its own REQ socket, sending a spec.valueBytes request
// and waiting for its echo, back to back. Server and clients use separate ZeroMQ contexts, as two
// processes would. With spec.curve both sides use CURVE with freshly generated keys (no ZAP
// handler: authentication costs nothing per message, only at the handshake, which falls in the
// warm-up). Every echo counts as acknowledged.
Result<LoadResult> runZmqReqRepLoad(const LoadSpec &spec);

} // namespace foresight::bench
