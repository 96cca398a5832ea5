#include "foresight/core/result.h"

#include <array>
#include <utility>

namespace foresight {
namespace {

constexpr std::array<std::pair<ErrorCode, const char *>, 14> kNames{{
    {ErrorCode::InvalidArgument, "invalid-argument"},
    {ErrorCode::NotFound, "not-found"},
    {ErrorCode::Corruption, "corruption"},
    {ErrorCode::IoError, "io-error"},
    {ErrorCode::Network, "network"},
    {ErrorCode::Timeout, "timeout"},
    {ErrorCode::ProtocolError, "protocol-error"},
    {ErrorCode::VersionMismatch, "version-mismatch"},
    {ErrorCode::Unauthorized, "unauthorized"},
    {ErrorCode::NotPrimary, "not-primary"},
    {ErrorCode::StaleEpoch, "stale-epoch"},
    {ErrorCode::Fenced, "fenced"},
    {ErrorCode::NotEnoughReplicas, "not-enough-replicas"},
    {ErrorCode::Internal, "internal"},
}};

} // namespace

QString errorCodeName(ErrorCode code)
{
    for (const auto &[value, name] : kNames) {
        if (value == code)
            return QString::fromLatin1(name);
    }
    return QStringLiteral("internal");
}

ErrorCode errorCodeFromName(const QString &name)
{
    for (const auto &[value, text] : kNames) {
        if (name == QLatin1String(text))
            return value;
    }
    return ErrorCode::ProtocolError;
}

} // namespace foresight
