#pragma once

#include <QLoggingCategory>

// One logging category per engine module; enable with QT_LOGGING_RULES="foresight.*=true".
Q_DECLARE_LOGGING_CATEGORY(lcState)
Q_DECLARE_LOGGING_CATEGORY(lcNet)
Q_DECLARE_LOGGING_CATEGORY(lcReplication)
Q_DECLARE_LOGGING_CATEGORY(lcAgent)
Q_DECLARE_LOGGING_CATEGORY(lcStorage)
Q_DECLARE_LOGGING_CATEGORY(lcSdk)
Q_DECLARE_LOGGING_CATEGORY(lcFailover)
