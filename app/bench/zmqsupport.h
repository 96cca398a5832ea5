#pragma once

#include <string>

#include <zmq.hpp>

#include "foresight/core/result.h"

namespace foresight::bench {

// A fresh CURVE key pair in Z85 (40 characters each), for the ZeroMQ baselines.
struct CurveKeys
{
    std::string publicKey;
    std::string secretKey;
};

Result<CurveKeys> makeCurveKeys();

// A network error "<where>: <what ZeroMQ said>", for an exception from cppzmq.
Error zmqError(const QString &where, const zmq::error_t &e);

} // namespace foresight::bench
