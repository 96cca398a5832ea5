#include "ctlerrors.h"

#include <cstdio>

#include "exitcodes.h"

using foresight::ErrorCode;

int reportError(const foresight::Error &error, InvalidArgumentIs invalid)
{
    std::fprintf(stderr, "foresightctl: %s\n", qPrintable(error.message));
    switch (error.code) {
    case ErrorCode::Timeout:
    case ErrorCode::Network:
        return ExitUnreachable;
    case ErrorCode::Unauthorized:
        return ExitUnauthorized;
    case ErrorCode::InvalidArgument:
        return invalid == InvalidArgumentIs::Usage ? ExitUsage : ExitRefused;
    default:
        return ExitRefused;
    }
}

int inputError(const foresight::Error &error)
{
    std::fprintf(stderr, "foresightctl: %s\n", qPrintable(error.message));
    return ExitUsage;
}

int usage(const QString &message)
{
    std::fprintf(stderr, "foresightctl: %s (see foresightctl --help)\n", qPrintable(message));
    return ExitUsage;
}
