#include "i18n/translations.h"

#include <QCoreApplication>
#include <QLibraryInfo>
#include <QTranslator>

namespace foresight::widgets {

namespace {

// Translators are children of the application, named so a later call finds and replaces them.
const QString kTranslatorName = QStringLiteral("foresightTranslator");

bool install(const QLocale &locale, const QString &name, const QString &directory)
{
    auto *translator = new QTranslator(QCoreApplication::instance());
    translator->setObjectName(kTranslatorName);
    // Tries the locale's UI languages in turn: foresight_de_DE.qm, then foresight_de.qm.
    if (!translator->load(locale, name, QStringLiteral("_"), directory)) {
        delete translator;
        return false;
    }
    QCoreApplication::installTranslator(translator);
    return true;
}

} // namespace

QLocale uiLocale()
{
    const QString chosen = qEnvironmentVariable("FORESIGHT_LANG").trimmed();
    return chosen.isEmpty() ? QLocale::system() : QLocale(chosen);
}

bool installTranslations(const QLocale &locale)
{
    QCoreApplication *app = QCoreApplication::instance();
    if (!app)
        return false;
    const QList<QTranslator *> previous = app->findChildren<QTranslator *>(kTranslatorName, Qt::FindDirectChildrenOnly);
    for (QTranslator *translator : previous) {
        QCoreApplication::removeTranslator(translator);
        delete translator;
    }
    if (locale.language() == QLocale::English || locale.language() == QLocale::C)
        return false;
    const bool ours = install(locale, QStringLiteral("foresight"), QStringLiteral(":/i18n"));
    // Only with ours: a window half in Qt's German and half in English would be worse than either.
    if (ours)
        install(locale, QStringLiteral("qtbase"), QLibraryInfo::path(QLibraryInfo::TranslationsPath));
    return ours;
}

} // namespace foresight::widgets
