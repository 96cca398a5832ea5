// Compiled as if it were a source of the state module: failover's private headers must be out of
// its reach too.
#include "failover/engineimpl.h"
