#include "foresight/state/snapshot.h"

namespace foresight::state {

StateDigest Snapshot::computeDigest() const
{
    StateDigest digest;
    for (const auto &[key, value] : entries)
        digest.add(StateDigest::hashEntry(key, value));
    return digest;
}

} // namespace foresight::state
