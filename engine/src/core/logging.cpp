#include "foresight/core/logging.h"

Q_LOGGING_CATEGORY(lcState, "foresight.state", QtInfoMsg)
Q_LOGGING_CATEGORY(lcNet, "foresight.net", QtInfoMsg)
Q_LOGGING_CATEGORY(lcReplication, "foresight.replication", QtInfoMsg)
Q_LOGGING_CATEGORY(lcAgent, "foresight.agent", QtInfoMsg)
Q_LOGGING_CATEGORY(lcStorage, "foresight.storage", QtInfoMsg)
Q_LOGGING_CATEGORY(lcSdk, "foresight.sdk", QtInfoMsg)
Q_LOGGING_CATEGORY(lcFailover, "foresight.failover", QtInfoMsg)
