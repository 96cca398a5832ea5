// Unit tests for CURVE key files and the public-key allowlist.

#include <zmq.h>

#include <QFile>
#include <QFileInfo>
#include <QTemporaryDir>
#include <QTest>

#include "foresight/transport/keys.h"

using namespace Qt::StringLiterals;
using foresight::ErrorCode;
using foresight::transport::Allowlist;
using foresight::transport::KeyPair;

Q_DECLARE_METATYPE(foresight::ErrorCode)

namespace {

// Owner, group and other bits only: QFileInfo also reports the ReadUser/WriteUser flags of
// whoever runs the test, which say nothing about the file's mode.
constexpr QFileDevice::Permissions kModeBits = QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner
                                               | QFileDevice::ReadGroup | QFileDevice::WriteGroup
                                               | QFileDevice::ExeGroup | QFileDevice::ReadOther
                                               | QFileDevice::WriteOther | QFileDevice::ExeOther;

QFileDevice::Permissions modeOf(const QString &path)
{
    return QFileInfo(path).permissions() & kModeBits;
}

QByteArray readAll(const QString &path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

bool writeText(const QString &path, const QByteArray &content, QFileDevice::Permissions mode)
{
    QFile file(path);
    return file.open(QIODevice::WriteOnly | QIODevice::Truncate) && file.write(content) == content.size()
           && file.setPermissions(mode);
}

KeyPair newPair()
{
    auto pair = foresight::transport::generateKeyPair();
    return pair ? *pair : KeyPair{};
}

// Qt 6.4's QVERIFY2 evaluates its message even when the check passes.
template<typename R>
QByteArray describe(const R &result)
{
    return result.has_value() ? QByteArray() : result.error().toString().toUtf8();
}

// A 40-character string of Z85 characters that is a valid key (the Z85 of 32 zero bytes).
const QByteArray kZeroKey(40, '0');
// Fixed keys for the allowlist tests: the CURVE test keys from the ZeroMQ documentation, and
// keys with '#' (a Z85 digit, and also the allowlist's comment character) inside.
const QByteArray kServerKey("rq:rM>}U?@Lns47E1%kR.o@n%FcmmsL/@{H8]yf7");
const QByteArray kClientKey("Yne@$w-vo<fVvi]a<NY6T1ed:M$fCG*[IaLV{hID");
const QByteArray kHashKey("0000000000000000000#0000#00000000000000#");
const QByteArray kHashesKey("1####2####3####4####5####6####7####8####");

} // namespace

class TestKeys final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void isZ85Key_data();
    void isZ85Key();
    void generateKeyPair();
    void saveKeyPairModes();
    void saveKeyPairNarrowsExistingFile();
    void loadKeyPairRoundTrip();
    void loadKeyPairRefusesReadableFile_data();
    void loadKeyPairRefusesReadableFile();
    void loadKeyPairRefusesFileWithoutKeys_data();
    void loadKeyPairRefusesFileWithoutKeys();
    void loadKeyPairMissingFile();
    void loadPublicKey_data();
    void loadPublicKey();
    void allowlistParses();
    void allowlistRejects_data();
    void allowlistRejects();
    void allowlistLoad();

private:
    QTemporaryDir m_dir;
};

void TestKeys::isZ85Key_data()
{
    QTest::addColumn<QByteArray>("key");
    QTest::addColumn<bool>("valid");

    QTest::newRow("generated") << newPair().publicKey << true;
    QTest::newRow("zero key") << kZeroKey << true;
    QTest::newRow("letters and symbols") << QByteArray("0123456789abcdefghijABCDEFGHIJ.-:+=^!/*?") << true;
    QTest::newRow("empty") << QByteArray() << false;
    QTest::newRow("39 chars") << kZeroKey.left(39) << false;
    QTest::newRow("41 chars") << kZeroKey + '0' << false;
    QTest::newRow("80 chars") << kZeroKey + kZeroKey << false;
    QTest::newRow("space") << kZeroKey.left(39) + ' ' << false;
    QTest::newRow("quote") << '"' + kZeroKey.left(39) << false;
    QTest::newRow("tilde") << kZeroKey.left(20) + '~' + kZeroKey.left(19) << false;
    QTest::newRow("underscore") << kZeroKey.left(20) + '_' + kZeroKey.left(19) << false;
    QTest::newRow("nul") << kZeroKey.left(20) + '\0' + kZeroKey.left(19) << false;
    QTest::newRow("non-ascii") << kZeroKey.left(38) + "\xc3\xa9" << false;
    QTest::newRow("documentation key") << kServerKey << true;
    QTest::newRow("'#' inside") << kHashKey << true;
    QTest::newRow("many '#'") << kHashesKey << true;
    // A 5-digit group starting with '#' (84) overflows 32 bits, so no key starts with '#'.
    QTest::newRow("starts with '#'") << '#' + kZeroKey.left(39) << false;
    QTest::newRow("group starts with '#'") << kZeroKey.left(5) + '#' + kZeroKey.left(34) << false;
}

void TestKeys::isZ85Key()
{
    QFETCH(QByteArray, key);
    QFETCH(bool, valid);
    QCOMPARE(foresight::transport::isZ85Key(key), valid);
}

void TestKeys::generateKeyPair()
{
    const auto first = foresight::transport::generateKeyPair();
    QVERIFY2(first.has_value(), describe(first).constData());
    const auto second = foresight::transport::generateKeyPair();
    QVERIFY2(second.has_value(), describe(second).constData());

    QVERIFY(foresight::transport::isZ85Key(first->publicKey));
    QVERIFY(foresight::transport::isZ85Key(first->secretKey));
    QVERIFY(first->publicKey != first->secretKey);
    QVERIFY(first->publicKey != second->publicKey);
    QVERIFY(first->secretKey != second->secretKey);

    // The halves belong together: the public key derives from the secret one.
    char derived[41] = {};
    QCOMPARE(zmq_curve_public(derived, first->secretKey.constData()), 0);
    QCOMPARE(QByteArray(derived), first->publicKey);
}

void TestKeys::saveKeyPairModes()
{
    QVERIFY(m_dir.isValid());
    const KeyPair pair = newPair();
    const QString path = m_dir.filePath(u"modes.key"_s);
    const auto saved = foresight::transport::saveKeyPair(pair, path);
    QVERIFY2(saved.has_value(), describe(saved).constData());

    QCOMPARE(modeOf(path), QFileDevice::ReadOwner | QFileDevice::WriteOwner);
    const QByteArray secret = readAll(path);
    QVERIFY(secret.contains(QByteArray("public-key = \"" + pair.publicKey + '"')));
    QVERIFY(secret.contains(QByteArray("secret-key = \"" + pair.secretKey + '"')));

    const QString pubPath = path + u".pub"_s;
    QVERIFY(QFileInfo::exists(pubPath));
    const QByteArray pub = readAll(pubPath);
    QVERIFY(pub.contains(QByteArray("public-key = \"" + pair.publicKey + '"')));
    QVERIFY(!pub.contains(pair.secretKey));
    QVERIFY(!pub.contains("secret-key"));
    // The public half is meant to be shared, but nobody else may change it.
    QVERIFY(!(modeOf(pubPath) & (QFileDevice::WriteGroup | QFileDevice::WriteOther)));
}

void TestKeys::saveKeyPairNarrowsExistingFile()
{
    const QString path = m_dir.filePath(u"existing.key"_s);
    QVERIFY(writeText(path,
                      "old contents that anyone could read\n",
                      QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ReadGroup | QFileDevice::ReadOther
                          | QFileDevice::WriteOther));
    const KeyPair pair = newPair();
    QVERIFY(foresight::transport::saveKeyPair(pair, path).has_value());
    QCOMPARE(modeOf(path), QFileDevice::ReadOwner | QFileDevice::WriteOwner);
    QVERIFY(!readAll(path).contains("old contents"));
    const auto loaded = foresight::transport::loadKeyPair(path);
    QVERIFY2(loaded.has_value(), describe(loaded).constData());
    QCOMPARE(loaded->secretKey, pair.secretKey);
}

void TestKeys::loadKeyPairRoundTrip()
{
    const KeyPair pair = newPair();
    const QString path = m_dir.filePath(u"roundtrip.key"_s);
    QVERIFY(foresight::transport::saveKeyPair(pair, path).has_value());
    const auto loaded = foresight::transport::loadKeyPair(path);
    QVERIFY2(loaded.has_value(), describe(loaded).constData());
    QCOMPARE(loaded->publicKey, pair.publicKey);
    QCOMPARE(loaded->secretKey, pair.secretKey);

    // Hand-written files: other line order, extra spaces, comments.
    const QString handPath = m_dir.filePath(u"hand.key"_s);
    QVERIFY(writeText(handPath,
                      "# mine\n  secret-key=\"" + pair.secretKey + "\"  \n\npublic-key =  \"" + pair.publicKey + "\"\n",
                      QFileDevice::ReadOwner | QFileDevice::WriteOwner));
    const auto hand = foresight::transport::loadKeyPair(handPath);
    QVERIFY2(hand.has_value(), describe(hand).constData());
    QCOMPARE(hand->publicKey, pair.publicKey);
    QCOMPARE(hand->secretKey, pair.secretKey);

    // Owner read-only is fine too.
    QVERIFY(QFile::setPermissions(handPath, QFileDevice::ReadOwner));
    QVERIFY(foresight::transport::loadKeyPair(handPath).has_value());
}

void TestKeys::loadKeyPairRefusesReadableFile_data()
{
    QTest::addColumn<int>("mode");
    QTest::newRow("0640") << int(QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ReadGroup);
    QTest::newRow("0604") << int(QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ReadOther);
    QTest::newRow("0644") << int(QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ReadGroup
                                 | QFileDevice::ReadOther);
    QTest::newRow("0444") << int(QFileDevice::ReadOwner | QFileDevice::ReadGroup | QFileDevice::ReadOther);
}

void TestKeys::loadKeyPairRefusesReadableFile()
{
    QFETCH(int, mode);

    const QString path = m_dir.filePath(u"readable-%1.key"_s.arg(QString::fromLatin1(QTest::currentDataTag())));
    QVERIFY(foresight::transport::saveKeyPair(newPair(), path).has_value());
    QVERIFY(QFile::setPermissions(path, QFileDevice::Permissions::fromInt(mode)));

    const auto loaded = foresight::transport::loadKeyPair(path);
    QVERIFY(!loaded.has_value());
    QCOMPARE(loaded.error().code, ErrorCode::Unauthorized);
    QVERIFY2(loaded.error().message.contains(path), qPrintable(loaded.error().message));
    QVERIFY2(loaded.error().message.contains(u"chmod 600"_s), qPrintable(loaded.error().message));
}

void TestKeys::loadKeyPairRefusesFileWithoutKeys_data()
{
    QTest::addColumn<QByteArray>("content");

    const KeyPair pair = newPair();
    QTest::newRow("empty") << QByteArray();
    QTest::newRow("garbage") << QByteArray("\x00\x01 not a key file \xff", 20);
    QTest::newRow("public half only") << "public-key = \"" + pair.publicKey + "\"\n";
    QTest::newRow("secret half only") << "secret-key = \"" + pair.secretKey + "\"\n";
    QTest::newRow("keys without quotes") << "public-key = " + pair.publicKey + "\nsecret-key = " + pair.secretKey
                                                + '\n';
    QTest::newRow("short secret") << "public-key = \"" + pair.publicKey + "\"\nsecret-key = \""
                                         + pair.secretKey.left(39) + "\"\n";
    QTest::newRow("commented out") << "# public-key = \"" + pair.publicKey + "\"\n# secret-key = \"" + pair.secretKey
                                          + "\"\n";
    QTest::newRow("raw keys") << pair.publicKey + '\n' + pair.secretKey + '\n';
}

void TestKeys::loadKeyPairRefusesFileWithoutKeys()
{
    QFETCH(QByteArray, content);

    const QString path = m_dir.filePath(u"nokeys.key"_s);
    QVERIFY(writeText(path, content, QFileDevice::ReadOwner | QFileDevice::WriteOwner));
    const auto loaded = foresight::transport::loadKeyPair(path);
    QVERIFY(!loaded.has_value());
    QCOMPARE(loaded.error().code, ErrorCode::InvalidArgument);
    QVERIFY2(loaded.error().message.contains(path), qPrintable(loaded.error().message));
}

void TestKeys::loadKeyPairMissingFile()
{
    const QString path = m_dir.filePath(u"does-not-exist.key"_s);
    const auto loaded = foresight::transport::loadKeyPair(path);
    QVERIFY(!loaded.has_value());
    QCOMPARE(loaded.error().code, ErrorCode::NotFound);
    QVERIFY2(loaded.error().message.contains(path), qPrintable(loaded.error().message));
}

void TestKeys::loadPublicKey_data()
{
    QTest::addColumn<QString>("keyOrPath");
    QTest::addColumn<QByteArray>("expected"); // empty: refused
    QTest::addColumn<ErrorCode>("code");

    QVERIFY(m_dir.isValid());
    const KeyPair pair = newPair();
    const QString secretPath = m_dir.filePath(u"peer.key"_s);
    QVERIFY(foresight::transport::saveKeyPair(pair, secretPath).has_value());
    const QString garbagePath = m_dir.filePath(u"garbage.pub"_s);
    QVERIFY(writeText(garbagePath, "this is not a key\n", QFileDevice::ReadOwner | QFileDevice::WriteOwner));
    const QString secretOnlyPath = m_dir.filePath(u"secret-only.key"_s);
    QVERIFY(writeText(secretOnlyPath,
                      "secret-key = \"" + pair.secretKey + "\"\n",
                      QFileDevice::ReadOwner | QFileDevice::WriteOwner));

    QTest::newRow("raw key") << QString::fromLatin1(pair.publicKey) << pair.publicKey << ErrorCode::Internal;
    QTest::newRow(".pub file") << secretPath + u".pub"_s << pair.publicKey << ErrorCode::Internal;
    QTest::newRow("secret file") << secretPath << pair.publicKey << ErrorCode::Internal;
    QTest::newRow("garbage text") << u"not a key"_s << QByteArray() << ErrorCode::NotFound;
    QTest::newRow("empty") << QString() << QByteArray() << ErrorCode::NotFound;
    QTest::newRow("39-character key") << QString::fromLatin1(pair.publicKey.left(39)) << QByteArray()
                                      << ErrorCode::NotFound;
    QTest::newRow("key with a bad character")
        << QString::fromLatin1(pair.publicKey.left(39)) + u'~' << QByteArray() << ErrorCode::NotFound;
    QTest::newRow("file of garbage") << garbagePath << QByteArray() << ErrorCode::InvalidArgument;
    QTest::newRow("file with the secret half only") << secretOnlyPath << QByteArray() << ErrorCode::InvalidArgument;
    QTest::newRow("directory") << m_dir.path() << QByteArray() << ErrorCode::NotFound;
}

void TestKeys::loadPublicKey()
{
    QFETCH(QString, keyOrPath);
    QFETCH(QByteArray, expected);
    QFETCH(ErrorCode, code);

    const auto key = foresight::transport::loadPublicKey(keyOrPath);
    if (!expected.isEmpty()) {
        QVERIFY2(key.has_value(), describe(key).constData());
        QCOMPARE(*key, expected);
        return;
    }
    QVERIFY(!key.has_value());
    QCOMPARE(key.error().code, code);
    QVERIFY(!key.error().message.isEmpty());
}

void TestKeys::allowlistParses()
{
    const QString text = u"# Who may talk to this agent\n"
                         "\n"
                         "   \n"
                         "%1 admin noc console 1   # the NOC\n"
                         "\t%2\tagent\r\n"
                         "# %3 client commented out\n"
                         "%3 client shop-frontend\n"
                         "%4 agent rack#3 # '#' inside a word is not a comment\n"
                         "#%5 agent commented out without a space\n"_s.arg(QString::fromLatin1(kServerKey),
                                                                           QString::fromLatin1(kClientKey),
                                                                           QString::fromLatin1(kHashKey),
                                                                           QString::fromLatin1(kHashesKey),
                                                                           QString::fromLatin1(kZeroKey));
    const auto list = Allowlist::parse(text, u"allow.txt"_s);
    QVERIFY2(list.has_value(), describe(list).constData());
    QCOMPARE(list->size(), 4);

    const auto admin = list->find(kServerKey);
    QVERIFY(admin.has_value());
    QCOMPARE(admin->role, u"admin"_s);
    QCOMPARE(admin->name, u"noc console 1"_s);
    QCOMPARE(admin->publicKey, kServerKey);

    const auto peer = list->find(kClientKey);
    QVERIFY(peer.has_value());
    QCOMPARE(peer->role, u"agent"_s);
    QCOMPARE(peer->name, QString());

    const auto sdk = list->find(kHashKey);
    QVERIFY(sdk.has_value());
    QCOMPARE(sdk->role, u"client"_s);
    QCOMPARE(sdk->name, u"shop-frontend"_s);

    const auto hashes = list->find(kHashesKey);
    QVERIFY(hashes.has_value());
    QCOMPARE(hashes->role, u"agent"_s);
    QCOMPARE(hashes->name, u"rack#3"_s);

    QVERIFY(!list->find(kZeroKey).has_value());
    QVERIFY(!list->find(newPair().publicKey).has_value());
    QVERIFY(!list->find(QByteArray()).has_value());

    const auto empty = Allowlist::parse(u"# nobody\n\n"_s, u"empty.txt"_s);
    QVERIFY(empty.has_value());
    QCOMPARE(empty->size(), 0);

    // Generated keys contain '#' about one time in three: every one must parse.
    QString many;
    QList<QByteArray> keys;
    for (int i = 0; i < 200; ++i) {
        keys.append(newPair().publicKey);
        many += QString::fromLatin1(keys.last()) + u" client app-%1 # comment\n"_s.arg(i);
    }
    const auto generated = Allowlist::parse(many, u"many.txt"_s);
    QVERIFY2(generated.has_value(), describe(generated).constData());
    QCOMPARE(generated->size(), 200);
    for (int i = 0; i < keys.size(); ++i)
        QCOMPARE(generated->find(keys[i])->name, u"app-%1"_s.arg(i));
}

void TestKeys::allowlistRejects_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("where");
    QTest::addColumn<QString>("mentions");

    const QString key = QString::fromLatin1(kHashKey);
    const QString good = QString::fromLatin1(kServerKey) + u" admin console\n"_s;
    QTest::newRow("bad key") << u"# header\n"_s + good + u"not-a-key agent\n"_s << u"src:3:"_s << u"not-a-key"_s;
    QTest::newRow("short key") << key.left(39) + u" agent\n"_s << u"src:1:"_s << key.left(39);
    QTest::newRow("bad role") << good + u"\n"_s + key + u" root\n"_s << u"src:3:"_s << u"root"_s;
    QTest::newRow("role in capitals") << key + u" Admin\n"_s << u"src:1:"_s << u"Admin"_s;
    QTest::newRow("missing role") << good + key + u"\n"_s << u"src:2:"_s << u"role"_s;
    QTest::newRow("missing role before a comment") << key + u"   # admin\n"_s << u"src:1:"_s << u"role"_s;
    QTest::newRow("name before role") << key + u" console admin\n"_s << u"src:1:"_s << u"console"_s;
    QTest::newRow("key cut by a comment") << good + QString::fromLatin1(kZeroKey.left(20)) + u" #"_s
                                                 + QString::fromLatin1(kZeroKey.left(20)) + u" agent\n"_s
                                          << u"src:2:"_s << u"role"_s;
}

void TestKeys::allowlistRejects()
{
    QFETCH(QString, text);
    QFETCH(QString, where);
    QFETCH(QString, mentions);

    const auto list = Allowlist::parse(text, u"src"_s);
    QVERIFY(!list.has_value());
    QCOMPARE(list.error().code, ErrorCode::InvalidArgument);
    QVERIFY2(list.error().message.startsWith(where), qPrintable(list.error().message));
    QVERIFY2(list.error().message.contains(mentions), qPrintable(list.error().message));
}

void TestKeys::allowlistLoad()
{
    const KeyPair pair{kHashesKey, {}};
    const QString path = m_dir.filePath(u"allowlist"_s);
    QVERIFY(
        writeText(path, pair.publicKey + " agent h2\nbroken line\n", QFileDevice::ReadOwner | QFileDevice::WriteOwner));
    const auto broken = Allowlist::load(path);
    QVERIFY(!broken.has_value());
    QVERIFY2(broken.error().message.startsWith(path + u":2:"_s), qPrintable(broken.error().message));

    QVERIFY(writeText(path, pair.publicKey + " agent h2\n", QFileDevice::ReadOwner | QFileDevice::WriteOwner));
    const auto list = Allowlist::load(path);
    QVERIFY2(list.has_value(), describe(list).constData());
    QCOMPARE(list->size(), 1);
    QCOMPARE(list->find(pair.publicKey)->name, u"h2"_s);

    const auto missing = Allowlist::load(m_dir.filePath(u"no-such-allowlist"_s));
    QVERIFY(!missing.has_value());
    QCOMPARE(missing.error().code, ErrorCode::NotFound);
}

QTEST_GUILESS_MAIN(TestKeys)
#include "tst_keys.moc"
