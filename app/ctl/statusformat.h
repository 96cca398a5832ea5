#pragma once

#include <QCborMap>
#include <QString>

// Human-readable rendering of an agent's status-reply, for terminals.
QString formatStatus(const QCborMap &status);
