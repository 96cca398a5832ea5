// Shadows, carried out on the engine thread: shadow::planShadows() decides, this file assigns the
// shadow's hot copy, tracks its discrepancy, swaps the primary onto it (through the switchover),
// and retires it. Operator commands on shadows land here too.

#include "failover/engineimpl.h"

namespace foresight::failover {

Result<OperatorOutcome> ClusterEngine::Impl::doCreateShadow(const ShadowRequest &request)
{
    return fail(ErrorCode::Internal, QStringLiteral("shadows for '%1' are not implemented yet").arg(request.app));
}

void ClusterEngine::Impl::doSwapShadow(const ShadowRequest &request,
                                       std::shared_ptr<std::promise<Result<OperatorOutcome>>> promise)
{
    promise->set_value(
        fail(ErrorCode::Internal, QStringLiteral("shadows for '%1' are not implemented yet").arg(request.app)));
}

Result<OperatorOutcome> ClusterEngine::Impl::doPromoteShadow(const ShadowRequest &request)
{
    return fail(ErrorCode::Internal, QStringLiteral("shadows for '%1' are not implemented yet").arg(request.app));
}

Result<OperatorOutcome> ClusterEngine::Impl::doRetireShadow(const ShadowRequest &request)
{
    return fail(ErrorCode::Internal, QStringLiteral("shadows for '%1' are not implemented yet").arg(request.app));
}

} // namespace foresight::failover
