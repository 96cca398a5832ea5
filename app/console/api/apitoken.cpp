// The HTTP API's token file and its checks (see apitoken.h).

#include "apitoken.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QRandomGenerator>

namespace foresight::api {

namespace {

constexpr int kTokenBytes = 32;
constexpr int kMinTokenLength = 32;

QByteArray newToken()
{
    QByteArray bytes(kTokenBytes, Qt::Uninitialized);
    QRandomGenerator::system()->generate(bytes.begin(), bytes.end());
    return bytes.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals);
}

Result<QByteArray> create(const QString &path)
{
    if (!QDir().mkpath(QFileInfo(path).absolutePath()))
        return fail(ErrorCode::IoError,
                    QStringLiteral("cannot create the directory of the API token file %1").arg(path));
    QFile file(path);
    // NewOnly with permissions: the file is created 0600 by open(2) itself, never readable by
    // others for a moment, and an existing file (a race with another console) is not overwritten.
    if (!file.open(QIODevice::WriteOnly | QIODevice::NewOnly, QFileDevice::ReadOwner | QFileDevice::WriteOwner))
        return fail(ErrorCode::IoError,
                    QStringLiteral("cannot create the API token file %1: %2").arg(path, file.errorString()));
    const QByteArray token = newToken();
    if (file.write(token + '\n') != token.size() + 1 || !file.flush())
        return fail(ErrorCode::IoError,
                    QStringLiteral("cannot write the API token file %1: %2").arg(path, file.errorString()));
    return token;
}

} // namespace

QString defaultTokenPath(const QString &storePath)
{
    return QFileInfo(storePath).absoluteDir().filePath(QStringLiteral("api-token"));
}

Result<QByteArray> loadOrCreateToken(const QString &path)
{
    const QFileInfo info(path);
    if (!info.exists())
        return create(path);
    const QFileDevice::Permissions others = QFileDevice::ReadGroup | QFileDevice::WriteGroup | QFileDevice::ExeGroup
                                            | QFileDevice::ReadOther | QFileDevice::WriteOther | QFileDevice::ExeOther;
    if (info.permissions() & others)
        return fail(ErrorCode::IoError,
                    QStringLiteral("the API token file %1 is open to other users: `chmod 600 %1`, and replace the "
                                   "token if others may have read it (delete the file: the console writes a new one)")
                        .arg(path));
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return fail(ErrorCode::IoError,
                    QStringLiteral("cannot read the API token file %1: %2").arg(path, file.errorString()));
    const QByteArray token = file.read(4096).trimmed();
    if (token.size() < kMinTokenLength || token.contains(' ') || token.contains('\n') || token.contains('\t'))
        return fail(ErrorCode::InvalidArgument,
                    QStringLiteral("the API token file %1 must hold one token of at least %2 characters and nothing "
                                   "else (delete it: the console writes a new one)")
                        .arg(path)
                        .arg(kMinTokenLength));
    return token;
}

bool tokenMatches(QByteArrayView expected, QByteArrayView given)
{
    // Every byte of the longer one is looked at whatever the contents; the lengths are folded
    // into the difference instead of returning early.
    const qsizetype length = std::max(expected.size(), given.size());
    unsigned difference = expected.size() == given.size() ? 0u : 1u;
    for (qsizetype i = 0; i < length; ++i) {
        const auto a = static_cast<unsigned char>(i < expected.size() ? expected[i] : 0);
        const auto b = static_cast<unsigned char>(i < given.size() ? given[i] : 0);
        difference |= unsigned(a ^ b);
    }
    return difference == 0 && !expected.isEmpty();
}

QByteArray bearerToken(const QByteArray &authorization)
{
    const QByteArray value = authorization.trimmed();
    const QByteArray scheme = "bearer ";
    if (value.size() <= scheme.size() || value.left(scheme.size()).toLower() != scheme)
        return {};
    return value.mid(scheme.size()).trimmed();
}

} // namespace foresight::api
