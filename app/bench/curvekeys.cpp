#include "curvekeys.h"

#include <array>

#include <zmq.h>

namespace foresight::bench {

Result<CurveKeys> makeCurveKeys()
{
    if (!zmq_has("curve"))
        return fail(ErrorCode::Network, QStringLiteral("this libzmq was built without CURVE support"));
    std::array<char, 41> pub{};
    std::array<char, 41> sec{};
    if (zmq_curve_keypair(pub.data(), sec.data()) != 0)
        return fail(ErrorCode::Internal,
                    QStringLiteral("zmq_curve_keypair failed: %1")
                        .arg(QString::fromLocal8Bit(zmq_strerror(zmq_errno()))));
    return CurveKeys{std::string(pub.data(), 40), std::string(sec.data(), 40)};
}

} // namespace foresight::bench
