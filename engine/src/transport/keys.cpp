#include "foresight/transport/keys.h"

#include <zmq.h>

#include <QFile>
#include <QFileInfo>
#include <QRegularExpression>

namespace foresight::transport {
namespace {

const QStringList kRoles{QStringLiteral("admin"), QStringLiteral("agent"), QStringLiteral("client")};

QByteArray readKeyLine(const QByteArray &content, const char *name)
{
    const QRegularExpression re(QStringLiteral("^\\s*%1\\s*=\\s*\"([^\"]*)\"\\s*$").arg(QLatin1String(name)),
                                QRegularExpression::MultilineOption);
    const auto match = re.match(QString::fromUtf8(content));
    return match.hasMatch() ? match.captured(1).toLatin1() : QByteArray();
}

Status writeFile(const QString &path, const QByteArray &content, QFileDevice::Permissions permissions)
{
    QFile file(path);
    // Created with the final mode, and narrowed before writing if it already existed, so a
    // secret byte never sits in a file others can read.
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate, permissions) || !file.setPermissions(permissions))
        return fail(ErrorCode::IoError, QStringLiteral("cannot write %1: %2").arg(path, file.errorString()));
    if (file.write(content) != content.size() || !file.flush())
        return fail(ErrorCode::IoError, QStringLiteral("cannot write %1: %2").arg(path, file.errorString()));
    return {};
}

} // namespace

bool isZ85Key(const QByteArray &key)
{
    // zmq_z85_decode() reads up to the first NUL, so "<20 chars>\0<19 chars>" would pass as 16 bytes.
    if (key.size() != 40 || key.contains('\0'))
        return false;
    std::uint8_t binary[32];
    return zmq_z85_decode(binary, key.constData()) != nullptr;
}

Result<KeyPair> generateKeyPair()
{
    char publicKey[41];
    char secretKey[41];
    if (zmq_curve_keypair(publicKey, secretKey) != 0)
        return fail(ErrorCode::Internal, QStringLiteral("libzmq cannot generate CURVE keys (built without CURVE?)"));
    return KeyPair{QByteArray(publicKey, 40), QByteArray(secretKey, 40)};
}

Status saveKeyPair(const KeyPair &pair, const QString &secretPath)
{
    const QByteArray secret = "# Foresight CURVE key pair. Keep this file secret.\npublic-key = \"" + pair.publicKey
                              + "\"\nsecret-key = \"" + pair.secretKey + "\"\n";
    if (auto ok = writeFile(secretPath, secret, QFileDevice::ReadOwner | QFileDevice::WriteOwner); !ok)
        return ok;
    const QByteArray pub = "# Foresight CURVE public key\npublic-key = \"" + pair.publicKey + "\"\n";
    return writeFile(secretPath + QStringLiteral(".pub"),
                     pub,
                     QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ReadGroup | QFileDevice::ReadOther);
}

Result<KeyPair> loadKeyPair(const QString &secretPath)
{
    QFile file(secretPath);
    if (!file.open(QIODevice::ReadOnly))
        return fail(ErrorCode::NotFound,
                    QStringLiteral("cannot read key file %1: %2").arg(secretPath, file.errorString()));
    const QByteArray content = file.read(64 * 1024);
    KeyPair pair{readKeyLine(content, "public-key"), readKeyLine(content, "secret-key")};
    if (!isZ85Key(pair.publicKey) || !isZ85Key(pair.secretKey)) {
        return fail(ErrorCode::InvalidArgument,
                    QStringLiteral("%1 is not a Foresight key file with public-key and secret-key lines "
                                   "(make one with 'foresightctl keygen')")
                        .arg(secretPath));
    }
    if (QFileInfo(secretPath).permissions() & (QFileDevice::ReadOther | QFileDevice::ReadGroup)) {
        return fail(ErrorCode::Unauthorized,
                    QStringLiteral("secret key file %1 is readable by other users; run 'chmod 600 %1'").arg(secretPath));
    }
    return pair;
}

Result<QByteArray> loadPublicKey(const QString &keyOrPath)
{
    if (isZ85Key(keyOrPath.toLatin1()))
        return keyOrPath.toLatin1();
    QFile file(keyOrPath);
    if (!file.open(QIODevice::ReadOnly)) {
        return fail(ErrorCode::NotFound,
                    QStringLiteral("'%1' is neither a 40-character Z85 key nor a readable key file").arg(keyOrPath));
    }
    const QByteArray key = readKeyLine(file.read(64 * 1024), "public-key");
    if (!isZ85Key(key))
        return fail(ErrorCode::InvalidArgument, QStringLiteral("%1 has no valid public-key line").arg(keyOrPath));
    return key;
}

Result<Allowlist> Allowlist::parse(const QString &text, const QString &sourceName)
{
    Allowlist list;
    const QStringList lines = text.split(QLatin1Char('\n'));
    for (qsizetype i = 0; i < lines.size(); ++i) {
        // '#' is also a Z85 digit, so it starts a comment only at the start of a line or after
        // whitespace. A key never starts with '#' (its value, 84, would overflow a 32-bit group).
        static const QRegularExpression comment(QStringLiteral("(?:^|\\s)#.*"));
        const QString line = QString(lines[i]).remove(comment).trimmed();
        if (line.isEmpty())
            continue;
        const QStringList parts = line.split(QRegularExpression(QStringLiteral("\\s+")));
        const auto where = QStringLiteral("%1:%2").arg(sourceName).arg(i + 1);
        if (parts.size() < 2)
            return fail(ErrorCode::InvalidArgument, where + QStringLiteral(": expected '<public key> <role> [name]'"));
        if (!isZ85Key(parts[0].toLatin1()))
            return fail(ErrorCode::InvalidArgument,
                        where + QStringLiteral(": '%1' is not a 40-character Z85 public key").arg(parts[0]));
        if (!kRoles.contains(parts[1])) {
            return fail(ErrorCode::InvalidArgument,
                        where + QStringLiteral(": role '%1' is not one of admin, agent, client").arg(parts[1]));
        }
        list.add(Entry{parts[0].toLatin1(), parts[1], parts.mid(2).join(QLatin1Char(' '))});
    }
    return list;
}

Result<Allowlist> Allowlist::load(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return fail(ErrorCode::NotFound, QStringLiteral("cannot read allowlist %1: %2").arg(path, file.errorString()));
    return parse(QString::fromUtf8(file.read(4 * 1024 * 1024)), path);
}

std::optional<Allowlist::Entry> Allowlist::find(const QByteArray &z85PublicKey) const
{
    const auto it = m_entries.constFind(z85PublicKey);
    if (it == m_entries.cend())
        return std::nullopt;
    return *it;
}

} // namespace foresight::transport
