// The German translation: it loads (the window's menus and docks in German, plurals in both
// forms), English and unknown languages need none, FORESIGHT_LANG overrides the system's locale;
// translations/foresight_de.ts is complete (every entry finished, placeholders and accelerators
// kept, no vanished entries) and up to date with the sources (lupdate finds nothing new).

#include <algorithm>

#include <QDir>
#include <QDockWidget>
#include <QFile>
#include <QMenuBar>
#include <QProcess>
#include <QRegularExpression>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <QXmlStreamReader>

#include "bridge/consolebridge.h"
#include "i18n/translations.h"
#include "mainwindow/mainwindow.h"

using foresight::widgets::ConsoleBridge;
using foresight::widgets::MainWindow;

namespace {

const QString kTsFile = QStringLiteral(FORESIGHT_SOURCE_DIR "/translations/foresight_de.ts");

struct TsMessage
{
    QString context;
    QString source;
    QString type; // the translation's type attribute: "", "unfinished", "vanished", "obsolete"
    bool numerus = false;
    QStringList translations; // one, or one per plural form
};

// Reads a .ts file; an empty list and a message when it cannot.
QList<TsMessage> readTs(const QString &path, QString *error)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        *error = file.errorString();
        return {};
    }
    QList<TsMessage> messages;
    QXmlStreamReader xml(&file);
    QString context;
    TsMessage message;
    while (!xml.atEnd()) {
        xml.readNext();
        if (!xml.isStartElement())
            continue;
        const auto name = xml.name();
        if (name == u"context") {
            context.clear();
        } else if (name == u"name" && context.isEmpty()) {
            context = xml.readElementText();
        } else if (name == u"message") {
            message = TsMessage{context, {}, {}, xml.attributes().value(QStringLiteral("numerus")) == u"yes", {}};
        } else if (name == u"source") {
            message.source = xml.readElementText();
        } else if (name == u"translation") {
            message.type = xml.attributes().value(QStringLiteral("type")).toString();
            if (message.numerus) {
                while (xml.readNextStartElement()) {
                    if (xml.name() == u"numerusform")
                        message.translations.append(xml.readElementText());
                    else
                        xml.skipCurrentElement();
                }
            } else {
                message.translations.append(xml.readElementText());
            }
            messages.append(message);
        }
    }
    if (xml.hasError()) {
        *error = xml.errorString();
        return {};
    }
    return messages;
}

// %1..%99 and %n, each once, sorted: a translation must keep every placeholder of its source.
QStringList placeholders(const QString &text)
{
    static const QRegularExpression pattern(QStringLiteral("%(\\d{1,2}|n)"));
    QStringList found;
    for (auto it = pattern.globalMatch(text); it.hasNext();)
        found.append(it.next().captured());
    found.removeDuplicates();
    found.sort();
    return found;
}

// A menu accelerator is one '&' not doubled ("&&" is a literal ampersand).
bool hasAccelerator(const QString &text)
{
    return QString(text).remove(QStringLiteral("&&")).contains(u'&');
}

QString describe(const TsMessage &message)
{
    return QStringLiteral("%1: \"%2\"").arg(message.context, message.source);
}

} // namespace

class tst_Translations final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanup();
    void germanWindow();
    void germanPlurals();
    void englishNeedsNoTranslator();
    void environmentOverridesTheSystem();
    void tsIsComplete();
    void tsIsUpToDate();
};

void tst_Translations::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true); // the window's QSettings away from the user's own
}

void tst_Translations::cleanup()
{
    foresight::widgets::installTranslations(QLocale(QLocale::English));
    qunsetenv("FORESIGHT_LANG");
}

void tst_Translations::germanWindow()
{
    QVERIFY(foresight::widgets::installTranslations(QLocale(QLocale::German, QLocale::Germany)));
    ConsoleBridge bridge;
    MainWindow window(&bridge);
    const QList<QAction *> menus = window.menuBar()->actions();
    QVERIFY(!menus.isEmpty());
    QCOMPARE(menus.first()->text(), QStringLiteral("&Datei"));
    const auto *replicas = window.findChild<QDockWidget *>(QStringLiteral("replicasDock"));
    QVERIFY(replicas);
    QCOMPARE(replicas->windowTitle(), QStringLiteral("Replikate"));
    const auto *theme = window.findChild<QMenu *>(QStringLiteral("themeMenu"));
    QVERIFY(theme);
    QCOMPARE(theme->title(), QStringLiteral("&Farbschema"));
    QCOMPARE(window.windowTitle(), QStringLiteral("Foresight"));
}

void tst_Translations::germanPlurals()
{
    QVERIFY(foresight::widgets::installTranslations(QLocale(QLocale::German)));
    const char *context = "foresight::widgets::MainWindow";
    QCOMPARE(QCoreApplication::translate(context, "%n open alert(s)", nullptr, 1), QStringLiteral("1 offener Alarm"));
    QCOMPARE(QCoreApplication::translate(context, "%n open alert(s)", nullptr, 3), QStringLiteral("3 offene Alarme"));
}

void tst_Translations::englishNeedsNoTranslator()
{
    QVERIFY(foresight::widgets::installTranslations(QLocale(QLocale::German)));
    QVERIFY(!foresight::widgets::installTranslations(QLocale(QLocale::English, QLocale::UnitedKingdom)));
    QCOMPARE(QCoreApplication::translate("foresight::widgets::MainWindow", "&File"), QStringLiteral("&File"));
    // A language without a translation falls back to the English source strings.
    QVERIFY(!foresight::widgets::installTranslations(QLocale(QLocale::Japanese)));
    QCOMPARE(QCoreApplication::translate("foresight::widgets::MainWindow", "&File"), QStringLiteral("&File"));
}

void tst_Translations::environmentOverridesTheSystem()
{
    qputenv("FORESIGHT_LANG", "de");
    QCOMPARE(foresight::widgets::uiLocale().language(), QLocale::German);
    QVERIFY(foresight::widgets::installTranslations());
    QCOMPARE(QCoreApplication::translate("foresight::widgets::MainWindow", "&File"), QStringLiteral("&Datei"));
    qputenv("FORESIGHT_LANG", "en");
    QCOMPARE(foresight::widgets::uiLocale().language(), QLocale::English);
    qunsetenv("FORESIGHT_LANG");
    QCOMPARE(foresight::widgets::uiLocale(), QLocale::system());
}

void tst_Translations::tsIsComplete()
{
    QString error;
    const QList<TsMessage> messages = readTs(kTsFile, &error);
    QVERIFY2(!messages.isEmpty(), qPrintable(kTsFile + u": " + error));
    for (const TsMessage &message : messages) {
        QVERIFY2(message.type.isEmpty(), qPrintable(describe(message) + u" is " + message.type));
        // German has two plural forms (one, other).
        QCOMPARE(message.translations.size(), message.numerus ? 2 : 1);
        for (const QString &translation : message.translations) {
            QVERIFY2(!translation.trimmed().isEmpty(), qPrintable(describe(message) + u" has no translation"));
            QVERIFY2(placeholders(translation) == placeholders(message.source),
                     qPrintable(describe(message) + u" -> \"" + translation + u"\": placeholders differ"));
            QVERIFY2(hasAccelerator(translation) == hasAccelerator(message.source),
                     qPrintable(describe(message) + u" -> \"" + translation + u"\": accelerator lost or added"));
        }
    }
}

void tst_Translations::tsIsUpToDate()
{
    // lupdate over the sources into a copy: a string added since the last update comes out
    // unfinished, one removed or changed goes missing (-no-obsolete drops it).
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString copy = dir.filePath(QStringLiteral("foresight_de.ts"));
    QVERIFY(QFile::copy(kTsFile, copy));
    QFile::setPermissions(copy, QFile::ReadOwner | QFile::WriteOwner);
    QProcess lupdate;
    lupdate.setProcessChannelMode(QProcess::MergedChannels);
    lupdate.start(QStringLiteral(FORESIGHT_LUPDATE),
                  {QStringLiteral(FORESIGHT_SOURCE_DIR "/widgets"),
                   QStringLiteral(FORESIGHT_SOURCE_DIR "/app/console"),
                   QStringLiteral("-no-obsolete"),
                   QStringLiteral("-silent"),
                   QStringLiteral("-ts"),
                   copy});
    QVERIFY2(lupdate.waitForFinished(60000), qPrintable(lupdate.errorString()));
    QVERIFY2(lupdate.exitStatus() == QProcess::NormalExit && lupdate.exitCode() == 0, lupdate.readAll().constData());

    QString error;
    const QList<TsMessage> committed = readTs(kTsFile, &error);
    const QList<TsMessage> updated = readTs(copy, &error);
    QVERIFY2(!updated.isEmpty(), qPrintable(error));
    QStringList stale;
    for (const TsMessage &message : updated) {
        if (!message.type.isEmpty())
            stale.append(describe(message) + u" (" + message.type + u", new in the sources)");
    }
    for (const TsMessage &message : committed) {
        const bool kept = std::any_of(updated.cbegin(), updated.cend(), [&](const TsMessage &other) {
            return other.context == message.context && other.source == message.source;
        });
        if (!kept)
            stale.append(describe(message) + u" (no longer in the sources)");
    }
    QVERIFY2(stale.isEmpty(),
             qPrintable(u"translations/foresight_de.ts is out of date (translations/README.md says how to update "
                        u"it):\n  "
                        + stale.join(QStringLiteral("\n  "))));
}

QTEST_MAIN(tst_Translations)
#include "tst_translations.moc"
