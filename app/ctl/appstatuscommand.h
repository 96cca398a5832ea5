#pragma once

#include <optional>

#include <QCborMap>
#include <QCommandLineParser>
#include <QString>
#include <QStringList>

// What the commands that show one application's part of a running console's status share
// (`partitions APP`, `mirrors APP`): one application name and none of the other commands'
// options, then console-status for it.

struct AppStatusReply
{
    QString app;
    QCborMap reply;  // console-status-reply (docs/protocol.md 15.4)
    QCborMap appMap; // the application's map in it
};

// Checks `command APP`'s arguments and fetches APP's status. On failure the error is printed,
// *exitCode set (exitcodes.h: usage, a refusal for an application the console does not have,
// or the console's error) and nullopt returned.
std::optional<AppStatusReply> fetchAppStatus(const QCommandLineParser &parser,
                                             const QString &command,
                                             const QStringList &args,
                                             int *exitCode);
