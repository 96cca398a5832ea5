#pragma once

#include <string>

#include "foresight/core/result.h"

namespace foresight::bench {

// A fresh CURVE key pair in Z85 (40 characters each), for the ZeroMQ baselines.
struct CurveKeys
{
    std::string publicKey;
    std::string secretKey;
};

Result<CurveKeys> makeCurveKeys();

} // namespace foresight::bench
