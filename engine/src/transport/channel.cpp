#include "transport/channel.h"

#include "protocol/cborwriter.h"
#include "transport/requestchannel.h"
#include "transport/streamchannel.h"
#include "transport/streamframing.h"

namespace foresight::transport {

Result<std::unique_ptr<Channel>> openChannel(zmq::context_t &context, const ChannelOptions &options)
{
    if (!options.url.startsWith(QLatin1String("tcp://")) && !options.url.startsWith(QLatin1String("ipc://"))
        && !options.url.startsWith(QLatin1String("inproc://")) && !isUnixStream(options.url)) {
        return fail(ErrorCode::InvalidArgument,
                    QStringLiteral("'%1' is not a unix://, ipc://, tcp:// or inproc:// endpoint").arg(options.url));
    }
    if (isUnixStream(options.url)) {
        auto channel = StreamChannel::open(options);
        if (!channel)
            return std::unexpected(channel.error());
        return std::unique_ptr<Channel>(std::move(*channel));
    }
    auto channel = RequestChannel::open(context, options);
    if (!channel)
        return std::unexpected(channel.error());
    return std::unique_ptr<Channel>(std::move(*channel));
}

bool isPush(const QByteArray &header)
{
    if (header.size() != protocol::kHeaderSize)
        return false;
    const auto type = quint16((quint8(header[6]) << 8) | quint8(header[7]));
    return type == quint16(protocol::MessageType::MirrorEvent);
}

std::optional<Result<protocol::Message>> matchReply(
    const QByteArray &header, const QByteArray &body, qint64 id, bool untiedErrorAnswers, QCborMap *errorBody)
{
    auto decoded = protocol::decode(header, body);
    if (!decoded) {
        if (decoded.error().code == ErrorCode::VersionMismatch)
            return std::unexpected(decoded.error());
        return std::nullopt;
    }
    const QCborValue replyId = decoded->body.value(QStringLiteral("id"));
    const bool isError = decoded->type == protocol::MessageType::Error;
    const bool untied = untiedErrorAnswers && isError && !replyId.isInteger();
    if (!untied && replyId.toInteger(-1) != id)
        return std::nullopt; // a late reply to an earlier request
    if (isError) {
        *errorBody = decoded->body;
        return fail(errorCodeFromName(decoded->body.value(QStringLiteral("code")).toString()),
                    decoded->body.value(QStringLiteral("message")).toString());
    }
    return *decoded;
}

std::optional<Result<protocol::WriteAck>> matchWriteAck(
    const QByteArray &header, const QByteArray &body, qint64 id, bool untiedErrorAnswers, QCborMap *errorBody)
{
    if (const auto ack = protocol::decodeWriteAck(header, body)) {
        if (ack->id != quint64(id))
            return std::nullopt; // a late reply to an earlier request
        return *ack;
    }
    auto answer = matchReply(header, body, id, untiedErrorAnswers, errorBody);
    if (!answer)
        return std::nullopt;
    if (!*answer)
        return std::unexpected(answer->error());
    return protocol::writeAckFrom(**answer);
}

void appendRequestBody(QByteArray &out, const protocol::MapEntries &entries, qint64 id)
{
    protocol::appendHead(out, protocol::CborMajor::Map, entries.count() + 1);
    out.append(entries.bytes());
    protocol::appendText(out, QLatin1StringView("id"));
    protocol::appendUnsigned(out, quint64(id));
}

std::unexpected<Error> connectionRefused(const QString &url)
{
    return fail(ErrorCode::Network,
                QStringLiteral("cannot connect to %1: nothing accepts connections there (is the agent running?)")
                    .arg(url));
}

std::unexpected<Error> connectionLost(const QString &url, bool waiting)
{
    if (!waiting)
        return fail(ErrorCode::Network,
                    QStringLiteral("the connection to %1 was lost (the agent may have died)").arg(url));
    return fail(ErrorCode::Network,
                QStringLiteral("connection to %1 lost while waiting for the answer (the agent may have died)").arg(url));
}

} // namespace foresight::transport
