// Compiled as if it were a source of the protocol module: its own headers, the public and the
// private headers of the modules below it (state, core) are all in reach.
#include "foresight/core/result.h"
#include "foresight/protocol/message.h"
#include "foresight/state/statedelta.h"
#include "protocol/cborwriter.h"
#include "state/siphash.h"

int layeringProbeRightWay()
{
    return 0;
}
