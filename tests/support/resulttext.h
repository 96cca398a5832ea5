#pragma once

#include <QString>

namespace foresight::testing {

// A Result's error as text, empty for a success: for QVERIFY2's message.
template<typename R>
QString errorText(const R &result)
{
    return result ? QString() : result.error().toString();
}

} // namespace foresight::testing
