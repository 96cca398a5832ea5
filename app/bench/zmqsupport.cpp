#include "zmqsupport.h"

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

Error zmqError(const QString &where, const zmq::error_t &e)
{
    return Error{ErrorCode::Network, QStringLiteral("%1: %2").arg(where, QString::fromLocal8Bit(e.what()))};
}

} // namespace foresight::bench
