#pragma once

// Private: what both xgboost wrappers (FailurePredictor, the PSE's xgboost family) need from the
// C API: its last error as a person-readable message, and an owner for a DMatrix.

#include <xgboost/c_api.h>

#include <QString>

#include "foresight/core/result.h"

namespace foresight::prediction {

// xgboost's message for the call that just failed on this thread, without the native stack
// trace it appends (the first part says what was wrong).
inline QString lastXgbError()
{
    const char *message = XGBGetLastError();
    if (!message || !*message)
        return QStringLiteral("no details from xgboost");
    QString text = QString::fromUtf8(message);
    const auto trace = text.indexOf(QStringLiteral("Stack trace:"));
    if (trace >= 0)
        text.truncate(trace);
    return text.simplified();
}

// "xgboost: <step> failed: <xgboost's message>".
inline Error xgbError(ErrorCode code, const QString &step)
{
    return Error{code, QStringLiteral("xgboost: %1 failed: %2").arg(step, lastXgbError())};
}

// Owns a DMatrix for the duration of one call.
struct XgbMatrix
{
    DMatrixHandle handle = nullptr;
    XgbMatrix() = default;
    XgbMatrix(const XgbMatrix &) = delete;
    XgbMatrix &operator=(const XgbMatrix &) = delete;
    ~XgbMatrix()
    {
        if (handle)
            XGDMatrixFree(handle);
    }
};

} // namespace foresight::prediction
