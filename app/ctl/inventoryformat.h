#pragma once

#include <QCborArray>
#include <QCborMap>
#include <QJsonArray>
#include <QString>

// foresightctl host inventory's output, from console-status's agent maps (docs/protocol.md 15.4:
// `inventory`, 10.7, and `inventory-mirror`).

// One paragraph per agent: what its host has, and how the console's copy stands.
QString formatInventories(const QCborArray &agents);
// {agent, host, inventory, inventory-mirror} per agent, as the console reported them.
QJsonArray inventoriesJson(const QCborArray &agents);
