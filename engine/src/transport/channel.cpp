#include "transport/channel.h"

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

} // namespace foresight::transport
