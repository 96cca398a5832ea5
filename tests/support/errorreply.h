#pragma once

// Shared by the bad-input tests (ZeroMQ and unix:// transports): what an agent's error reply
// must say.

#include <QCborMap>
#include <QString>

#include "foresight/protocol/message.h"

namespace foresight::testing {

// Empty when `reply` is an error with `code`, a message containing `text`, and request id `id`
// (-1: no id at all); else what differs.
inline QString errorReplyMismatch(const protocol::Message &reply, const QString &code, const QString &text, qint64 id)
{
    if (reply.type != protocol::MessageType::Error)
        return QStringLiteral("a %1, not an error").arg(protocol::messageTypeName(reply.type));
    const QString gotCode = reply.body.value(QStringLiteral("code")).toString();
    if (gotCode != code)
        return QStringLiteral("code '%1', expected '%2'").arg(gotCode, code);
    const QString message = reply.body.value(QStringLiteral("message")).toString();
    if (!message.contains(text))
        return QStringLiteral("message '%1' does not say '%2'").arg(message, text);
    const QCborValue gotId = reply.body.value(QStringLiteral("id"));
    if (id < 0 && reply.body.contains(QStringLiteral("id")))
        return QStringLiteral("an id (%1) where none was expected").arg(gotId.toInteger());
    if (id >= 0 && gotId.toInteger(-1) != id)
        return QStringLiteral("id %1, expected %2").arg(gotId.toInteger(-1)).arg(id);
    return {};
}

} // namespace foresight::testing
