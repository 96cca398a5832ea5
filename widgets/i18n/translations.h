#pragma once

#include <QLocale>

namespace foresight::widgets {

// The language of the console's window: the environment variable FORESIGHT_LANG when it is set
// (a locale name such as "de", "de_DE" or "en"), else the system's locale.
QLocale uiLocale();

// Installs on the application the translation of the window's strings for `locale`: Foresight's
// own (foresight_<lang>.qm, embedded in the executable under :/i18n) and, when the system has
// them, Qt's (qtbase_<lang>.qm: the standard dialogs' buttons). Replaces the translators an
// earlier call installed, so it may be called again to switch languages. English, the language of
// the source strings, needs no translator. Returns whether a Foresight translation was installed.
// GUI thread, once the QApplication exists, before the window is built (texts already set are not
// retranslated).
bool installTranslations(const QLocale &locale = uiLocale());

} // namespace foresight::widgets
