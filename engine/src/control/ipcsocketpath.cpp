// Claiming and protecting an ipc:// control socket's file (see ipcsocketpath.h).

#include "control/ipcsocketpath.h"

#include <cerrno>
#include <cstring>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <QDir>
#include <QFile>
#include <QFileInfo>

namespace foresight::control {

namespace {

// Whether something already accepts connections on a unix socket path: another console.
Result<bool> liveListenerAt(const QString &path)
{
    const QByteArray native = QFile::encodeName(path);
    struct stat info
    {};
    if (::lstat(native.constData(), &info) != 0)
        return false;
    if (!S_ISSOCK(info.st_mode))
        return fail(ErrorCode::InvalidArgument,
                    QStringLiteral("%1 exists and is not a socket; choose another control endpoint").arg(path));
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    if (std::size_t(native.size()) >= sizeof address.sun_path)
        return fail(ErrorCode::InvalidArgument,
                    QStringLiteral("the socket path %1 is longer than %2 bytes")
                        .arg(path)
                        .arg(sizeof address.sun_path - 1));
    std::memcpy(address.sun_path, native.constData(), std::size_t(native.size()));
    const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return false;
    const bool live = ::connect(fd, reinterpret_cast<const sockaddr *>(&address), sizeof address) == 0;
    ::close(fd);
    return live;
}

} // namespace

Status claimSocketPath(const QString &path)
{
    if (path.isEmpty())
        return fail(ErrorCode::InvalidArgument, QStringLiteral("the control endpoint ipc:// names no path"));
    if (!QDir().mkpath(QFileInfo(path).absolutePath()))
        return fail(ErrorCode::IoError,
                    QStringLiteral("cannot create the directory of the control socket %1").arg(path));
    auto live = liveListenerAt(path);
    if (!live)
        return std::unexpected(live.error());
    if (*live)
        return fail(ErrorCode::Network,
                    QStringLiteral("another console already listens on ipc://%1; stop it or give this one "
                                   "another --control endpoint")
                        .arg(path));
    return {};
}

Status makeSocketPrivate(const QString &path)
{
    if (::chmod(QFile::encodeName(path).constData(), S_IRUSR | S_IWUSR) != 0)
        return fail(ErrorCode::IoError,
                    QStringLiteral("cannot make %1 private (mode 0600): %2")
                        .arg(path, QString::fromLocal8Bit(std::strerror(errno))));
    return {};
}

} // namespace foresight::control
