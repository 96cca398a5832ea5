// Compiled as if it were a source of the state module, which sits far below failover: the build
// must not find this header. tests/layering/CMakeLists.txt expects exactly that failure.
#include "foresight/failover/clusterengine.h"
