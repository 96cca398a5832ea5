#include "foresight/replication/batchpolicy.h"

namespace foresight::replication {

BatchPolicy::~BatchPolicy() = default;

bool TierBatchPolicy::carries(const ReplicaLink &link,
                              const state::StateDelta &delta,
                              const state::KeyValueState &state) const
{
    switch (link.tier) {
    case Tier::Hot:
        return true;
    case Tier::Warm:
        return state.isCritical(delta.key);
    case Tier::Cold:
    case Tier::None:
        break;
    }
    return false;
}

bool TierBatchPolicy::flushNow(const ReplicaLink &link) const
{
    // A burst of large values leaves early too, so no batch outgrows the message limit.
    return link.batchBytes >= limits().maxBytes || link.batch.size() >= kEarlyFlushEncodedBytes;
}

std::shared_ptr<const BatchPolicy> defaultBatchPolicy()
{
    static const auto policy = std::make_shared<const TierBatchPolicy>();
    return policy;
}

} // namespace foresight::replication
