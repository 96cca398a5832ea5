#pragma once

#include <optional>

#include <QByteArray>
#include <QHash>
#include <QString>

#include "foresight/core/result.h"

namespace foresight::transport {

// A CURVE key pair, both halves as 40-character Z85 text.
struct KeyPair
{
    QByteArray publicKey;
    QByteArray secretKey;
};

bool isZ85Key(const QByteArray &key);
Result<KeyPair> generateKeyPair();

// Key files are text: the secret file holds both keys and is created with mode 0600; the public
// file (same path + ".pub") holds the public key only. Lines:
//   public-key = "<z85>"
//   secret-key = "<z85>"
Status saveKeyPair(const KeyPair &pair, const QString &secretPath);
Result<KeyPair> loadKeyPair(const QString &secretPath);
// Accepts a 40-character Z85 key itself or the path of a key file (public or secret).
Result<QByteArray> loadPublicKey(const QString &keyOrPath);

// Who may talk to an agent over CURVE, and as what. Text file, one entry per line:
//   <z85 public key> <role> [name]
// role is admin (consoles, foresightctl: everything), agent (other agents: replication, status
// and SDK requests) or client (applications: SDK requests and status). '#' at the start of a line or after whitespace starts a comment
// ('#' inside a key is a Z85 digit).
class Allowlist
{
public:
    struct Entry
    {
        QByteArray publicKey;
        QString role;
        QString name;
    };

    static Result<Allowlist> parse(const QString &text, const QString &sourceName);
    static Result<Allowlist> load(const QString &path);

    void add(const Entry &entry) { m_entries.insert(entry.publicKey, entry); }
    std::optional<Entry> find(const QByteArray &z85PublicKey) const;
    qsizetype size() const { return m_entries.size(); }

private:
    QHash<QByteArray, Entry> m_entries;
};

} // namespace foresight::transport
