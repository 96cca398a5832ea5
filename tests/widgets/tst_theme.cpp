// The light and dark themes: WCAG contrast of every text role on its background (4.5:1, disabled
// text 3:1), dark really dark and light really light, System back to the platform's style and
// palette, open widgets following a switch, the choice kept in QSettings, and View > Theme.

#include <cmath>

#include <QAction>
#include <QApplication>
#include <QLabel>
#include <QPalette>
#include <QSettings>
#include <QStandardPaths>
#include <QStyle>
#include <QTest>

#include "theme/theme.h"
#include "theme/thememenu.h"

using foresight::widgets::StateColor;
using foresight::widgets::stateColor;
using foresight::widgets::Theme;
using foresight::widgets::ThemeMenu;

Q_DECLARE_METATYPE(foresight::widgets::Theme)
Q_DECLARE_METATYPE(QPalette::ColorGroup)
Q_DECLARE_METATYPE(QPalette::ColorRole)

namespace {

// WCAG 2.x relative luminance and contrast ratio.
double linear(float channel)
{
    return channel <= 0.03928f ? channel / 12.92 : std::pow((channel + 0.055) / 1.055, 2.4);
}

double luminance(const QColor &colour)
{
    const QColor rgb = colour.toRgb();
    return 0.2126 * linear(rgb.redF()) + 0.7152 * linear(rgb.greenF()) + 0.0722 * linear(rgb.blueF());
}

double contrast(const QColor &a, const QColor &b)
{
    const double la = luminance(a);
    const double lb = luminance(b);
    return (std::max(la, lb) + 0.05) / (std::min(la, lb) + 0.05);
}

QSettings consoleSettings()
{
    return QSettings(QStringLiteral("foresight"), QStringLiteral("console"));
}

bool samePalette(const QPalette &a, const QPalette &b)
{
    for (int group = 0; group < QPalette::NColorGroups; ++group) {
        for (int role = 0; role < QPalette::NColorRoles; ++role) {
            const auto g = static_cast<QPalette::ColorGroup>(group);
            const auto r = static_cast<QPalette::ColorRole>(role);
            if (a.color(g, r) != b.color(g, r))
                return false;
        }
    }
    return true;
}

} // namespace

class tst_Theme final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanup();
    void contrast_data();
    void contrast();
    void darkIsDarkLightIsLight();
    void disabledTextIsDimmer();
    void stateColorsReadOnBothThemes();
    void openWidgetsFollow();
    void systemRestoresThePlatform();
    void choiceRoundTrips_data();
    void choiceRoundTrips();
    void unknownChoiceIsSystem();
    void themeMenu();

private:
    QPalette m_platformPalette;
    QString m_platformStyle;
};

void tst_Theme::initTestCase()
{
    // Before the first QSettings: the user's own settings stay untouched.
    QStandardPaths::setTestModeEnabled(true);
    QSettings settings = consoleSettings();
    QVERIFY2(settings.fileName().contains(QStringLiteral(".qttest")), qPrintable(settings.fileName()));
    settings.remove(QStringLiteral("ui/theme"));
    m_platformPalette = QApplication::palette();
    m_platformStyle = QApplication::style()->name();
}

void tst_Theme::cleanup()
{
    foresight::widgets::applyTheme(Theme::System);
    consoleSettings().remove(QStringLiteral("ui/theme"));
}

void tst_Theme::stateColorsReadOnBothThemes()
{
    // Critical, warning and good text in the tables and dialogs, on the list background.
    for (Theme theme : {Theme::Light, Theme::Dark}) {
        applyTheme(theme);
        const QColor base = QApplication::palette().color(QPalette::Base);
        for (StateColor state : {StateColor::Critical, StateColor::Warning, StateColor::Good}) {
            const double ratio = ::contrast(stateColor(state), base);
            QVERIFY2(ratio >= 4.5,
                     qPrintable(
                         QStringLiteral("theme %1, state %2: contrast %3").arg(int(theme)).arg(int(state)).arg(ratio)));
        }
    }
}

void tst_Theme::contrast_data()
{
    QTest::addColumn<Theme>("theme");
    QTest::addColumn<QPalette::ColorGroup>("group");
    QTest::addColumn<QPalette::ColorRole>("foreground");
    QTest::addColumn<QPalette::ColorRole>("background");
    QTest::addColumn<double>("minimum");

    const struct
    {
        const char *name;
        QPalette::ColorRole foreground;
        QPalette::ColorRole background;
    } pairs[] = {
        {"text on window", QPalette::WindowText, QPalette::Window},
        {"text on base", QPalette::Text, QPalette::Base},
        {"text on alternate rows", QPalette::Text, QPalette::AlternateBase},
        {"button text", QPalette::ButtonText, QPalette::Button},
        {"selected row", QPalette::HighlightedText, QPalette::Highlight},
        {"tooltip", QPalette::ToolTipText, QPalette::ToolTipBase},
        {"link", QPalette::Link, QPalette::Base},
        {"visited link", QPalette::LinkVisited, QPalette::Base},
        {"placeholder", QPalette::PlaceholderText, QPalette::Base},
    };
    const struct
    {
        const char *name;
        Theme theme;
    } themes[] = {{"light", Theme::Light}, {"dark", Theme::Dark}};
    for (const auto &theme : themes) {
        for (const auto &pair : pairs) {
            QTest::addRow("%s, active: %s", theme.name, pair.name)
                << theme.theme << QPalette::Active << pair.foreground << pair.background << 4.5;
            QTest::addRow("%s, inactive: %s", theme.name, pair.name)
                << theme.theme << QPalette::Inactive << pair.foreground << pair.background << 4.5;
        }
        // Disabled text is meant to look dimmer, yet must stay legible.
        for (const auto &pair : {pairs[0], pairs[1], pairs[3], pairs[4]}) {
            QTest::addRow("%s, disabled: %s", theme.name, pair.name)
                << theme.theme << QPalette::Disabled << pair.foreground << pair.background << 3.0;
        }
    }
}

void tst_Theme::contrast()
{
    QFETCH(Theme, theme);
    QFETCH(QPalette::ColorGroup, group);
    QFETCH(QPalette::ColorRole, foreground);
    QFETCH(QPalette::ColorRole, background);
    QFETCH(double, minimum);

    foresight::widgets::applyTheme(theme);
    const QPalette palette = QApplication::palette();
    const QColor fg = palette.color(group, foreground);
    const QColor bg = palette.color(group, background);
    const double ratio = ::contrast(fg, bg);
    QVERIFY2(ratio >= minimum,
             qPrintable(QStringLiteral("%1 on %2: contrast %3, need %4")
                            .arg(fg.name(), bg.name())
                            .arg(ratio, 0, 'f', 2)
                            .arg(minimum)));
}

void tst_Theme::darkIsDarkLightIsLight()
{
    foresight::widgets::applyTheme(Theme::Dark);
    QPalette palette = QApplication::palette();
    QCOMPARE(QApplication::style()->name().toLower(), QStringLiteral("fusion"));
    QVERIFY(luminance(palette.color(QPalette::Window)) < 0.05);
    QVERIFY(luminance(palette.color(QPalette::Base)) < 0.05);
    QVERIFY(luminance(palette.color(QPalette::WindowText)) > 0.5);
    QVERIFY(luminance(palette.color(QPalette::Text)) > 0.5);

    foresight::widgets::applyTheme(Theme::Light);
    palette = QApplication::palette();
    QCOMPARE(QApplication::style()->name().toLower(), QStringLiteral("fusion"));
    QVERIFY(luminance(palette.color(QPalette::Window)) > 0.5);
    QVERIFY(luminance(palette.color(QPalette::Base)) > 0.5);
    QVERIFY(luminance(palette.color(QPalette::WindowText)) < 0.05);
    QVERIFY(luminance(palette.color(QPalette::Text)) < 0.05);
}

void tst_Theme::disabledTextIsDimmer()
{
    for (const Theme theme : {Theme::Light, Theme::Dark}) {
        foresight::widgets::applyTheme(theme);
        const QPalette palette = QApplication::palette();
        for (const QPalette::ColorRole role : {QPalette::WindowText, QPalette::Text, QPalette::ButtonText}) {
            const QColor background = palette.color(QPalette::Active, QPalette::Window);
            const double active = ::contrast(palette.color(QPalette::Active, role), background);
            const double disabled = ::contrast(palette.color(QPalette::Disabled, role), background);
            QVERIFY2(disabled < active / 1.5, qPrintable(QStringLiteral("role %1").arg(role)));
        }
    }
}

void tst_Theme::openWidgetsFollow()
{
    QLabel label(QStringLiteral("replica"));
    label.show();
    QVERIFY(QTest::qWaitForWindowExposed(&label));
    foresight::widgets::applyTheme(Theme::Dark);
    QTRY_COMPARE(label.palette().color(QPalette::Window), QApplication::palette().color(QPalette::Window));
    QVERIFY(luminance(label.palette().color(QPalette::WindowText)) > 0.5);
    foresight::widgets::applyTheme(Theme::Light);
    QTRY_VERIFY(luminance(label.palette().color(QPalette::WindowText)) < 0.05);
}

void tst_Theme::systemRestoresThePlatform()
{
    foresight::widgets::applyTheme(Theme::Dark);
    QVERIFY(!samePalette(QApplication::palette(), m_platformPalette));
    foresight::widgets::applyTheme(Theme::System);
    QCOMPARE(QApplication::style()->name(), m_platformStyle);
    QVERIFY(samePalette(QApplication::palette(), m_platformPalette));
    // Not pinned: a palette the application set explicitly would stop following the desktop.
    QVERIFY(!QCoreApplication::testAttribute(Qt::AA_SetPalette));
}

void tst_Theme::choiceRoundTrips_data()
{
    QTest::addColumn<Theme>("theme");
    QTest::addColumn<QString>("stored");
    QTest::newRow("system") << Theme::System << QStringLiteral("system");
    QTest::newRow("light") << Theme::Light << QStringLiteral("light");
    QTest::newRow("dark") << Theme::Dark << QStringLiteral("dark");
}

void tst_Theme::choiceRoundTrips()
{
    QFETCH(Theme, theme);
    QFETCH(QString, stored);
    QCOMPARE(foresight::widgets::savedTheme(), Theme::System); // nothing chosen yet
    foresight::widgets::saveTheme(theme);
    QCOMPARE(foresight::widgets::savedTheme(), theme);
    QCOMPARE(consoleSettings().value(QStringLiteral("ui/theme")).toString(), stored);
}

void tst_Theme::unknownChoiceIsSystem()
{
    consoleSettings().setValue(QStringLiteral("ui/theme"), QStringLiteral("solarized"));
    QCOMPARE(foresight::widgets::savedTheme(), Theme::System);
}

void tst_Theme::themeMenu()
{
    foresight::widgets::saveTheme(Theme::Dark);
    ThemeMenu menu;
    QCOMPARE(menu.actions().size(), 3);
    QAction *system = menu.action(Theme::System);
    QAction *light = menu.action(Theme::Light);
    QAction *dark = menu.action(Theme::Dark);
    QVERIFY(system && light && dark);
    QVERIFY(dark->isChecked());
    QVERIFY(!light->isChecked());
    QVERIFY(!system->isChecked());

    light->trigger();
    QVERIFY(light->isChecked());
    QVERIFY(!dark->isChecked());
    QCOMPARE(foresight::widgets::savedTheme(), Theme::Light);
    QVERIFY(luminance(QApplication::palette().color(QPalette::Window)) > 0.5);

    dark->trigger();
    QCOMPARE(foresight::widgets::savedTheme(), Theme::Dark);
    QVERIFY(luminance(QApplication::palette().color(QPalette::Window)) < 0.05);

    system->trigger();
    QCOMPARE(foresight::widgets::savedTheme(), Theme::System);
    QVERIFY(samePalette(QApplication::palette(), m_platformPalette));
}

QTEST_MAIN(tst_Theme)
#include "tst_theme.moc"
