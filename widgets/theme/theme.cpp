#include "theme/theme.h"

#include <QApplication>
#include <QColor>
#include <QGuiApplication>
#include <QPalette>
#include <QSettings>
#include <QStyle>
#include <QStyleFactory>

namespace foresight::widgets {

namespace {

const QString kSettingsKey = QStringLiteral("ui/theme");

// One scheme's colours. Active and inactive windows share them, so a selection stays visible
// when the window loses focus (a NOC console often sits unfocused on a wall screen).
struct Scheme
{
    QColor window, windowText, base, alternateBase, toolTipBase, toolTipText, placeholderText, text, button, buttonText,
        brightText, light, midlight, mid, dark, shadow, highlight, highlightedText, link, linkVisited;
    // Disabled widgets: dimmer text (>= 3:1 on window, base and button) and a grey selection.
    QColor disabledText, disabledHighlight, disabledHighlightedText;
};

// Contrast ratios are in the comments (WCAG 2 relative luminance); tst_theme checks them.
const Scheme kLight{
    .window = QColor(0xef, 0xef, 0xef),
    .windowText = QColor(0x1a, 0x1a, 0x1a), // 15.1 on window
    .base = QColor(0xff, 0xff, 0xff),
    .alternateBase = QColor(0xf5, 0xf5, 0xf5),
    .toolTipBase = QColor(0xff, 0xff, 0xdc),
    .toolTipText = QColor(0x00, 0x00, 0x00),     // 20.6
    .placeholderText = QColor(0x6e, 0x6e, 0x6e), // 5.1 on base
    .text = QColor(0x1a, 0x1a, 0x1a),            // 17.4 on base
    .button = QColor(0xe8, 0xe8, 0xe8),
    .buttonText = QColor(0x1a, 0x1a, 0x1a), // 14.2
    .brightText = QColor(0xff, 0xff, 0xff),
    .light = QColor(0xff, 0xff, 0xff),
    .midlight = QColor(0xf5, 0xf5, 0xf5),
    .mid = QColor(0xb8, 0xb8, 0xb8),
    .dark = QColor(0x9f, 0x9f, 0x9f),
    .shadow = QColor(0x76, 0x76, 0x76),
    .highlight = QColor(0x2a, 0x62, 0xc9),
    .highlightedText = QColor(0xff, 0xff, 0xff), // 5.7
    .link = QColor(0x0b, 0x57, 0xd0),            // 6.4 on base
    .linkVisited = QColor(0x6a, 0x1b, 0x9a),     // 9.4 on base
    .disabledText = QColor(0x6e, 0x6e, 0x6e),    // 4.4 on window
    .disabledHighlight = QColor(0xd4, 0xd4, 0xd4),
    .disabledHighlightedText = QColor(0x6e, 0x6e, 0x6e), // 3.4
};

const Scheme kDark{
    .window = QColor(0x2d, 0x2f, 0x33),
    .windowText = QColor(0xe6, 0xe6, 0xe6), // 10.7 on window
    .base = QColor(0x1e, 0x1f, 0x22),
    .alternateBase = QColor(0x26, 0x28, 0x2c),
    .toolTipBase = QColor(0x3c, 0x3f, 0x44),
    .toolTipText = QColor(0xf0, 0xf0, 0xf0),     // 9.3
    .placeholderText = QColor(0xa0, 0xa3, 0xa8), // 6.5 on base
    .text = QColor(0xe6, 0xe6, 0xe6),            // 13.2 on base
    .button = QColor(0x35, 0x37, 0x3b),
    .buttonText = QColor(0xe6, 0xe6, 0xe6), // 9.6
    .brightText = QColor(0xff, 0x8a, 0x80),
    .light = QColor(0x55, 0x58, 0x5e),
    .midlight = QColor(0x45, 0x48, 0x4d),
    .mid = QColor(0x2a, 0x2c, 0x30),
    .dark = QColor(0x1b, 0x1c, 0x1f),
    .shadow = QColor(0x00, 0x00, 0x00),
    .highlight = QColor(0x2f, 0x6b, 0xd6),
    .highlightedText = QColor(0xff, 0xff, 0xff), // 5.0
    .link = QColor(0x6c, 0xb4, 0xff),            // 7.5 on base
    .linkVisited = QColor(0xc4, 0x9b, 0xff),     // 7.4 on base
    .disabledText = QColor(0x8c, 0x8f, 0x94),    // 4.1 on window, 3.7 on button
    .disabledHighlight = QColor(0x3a, 0x3d, 0x42),
    .disabledHighlightedText = QColor(0x8c, 0x8f, 0x94), // 3.4
};

QPalette paletteOf(const Scheme &s)
{
    QPalette palette;
    for (const QPalette::ColorGroup group : {QPalette::Active, QPalette::Inactive, QPalette::Disabled}) {
        const bool disabled = group == QPalette::Disabled;
        palette.setColor(group, QPalette::Window, s.window);
        palette.setColor(group, QPalette::WindowText, disabled ? s.disabledText : s.windowText);
        palette.setColor(group, QPalette::Base, s.base);
        palette.setColor(group, QPalette::AlternateBase, s.alternateBase);
        palette.setColor(group, QPalette::ToolTipBase, s.toolTipBase);
        palette.setColor(group, QPalette::ToolTipText, s.toolTipText);
        palette.setColor(group, QPalette::PlaceholderText, disabled ? s.disabledText : s.placeholderText);
        palette.setColor(group, QPalette::Text, disabled ? s.disabledText : s.text);
        palette.setColor(group, QPalette::Button, s.button);
        palette.setColor(group, QPalette::ButtonText, disabled ? s.disabledText : s.buttonText);
        palette.setColor(group, QPalette::BrightText, s.brightText);
        palette.setColor(group, QPalette::Light, s.light);
        palette.setColor(group, QPalette::Midlight, s.midlight);
        palette.setColor(group, QPalette::Mid, s.mid);
        palette.setColor(group, QPalette::Dark, s.dark);
        palette.setColor(group, QPalette::Shadow, s.shadow);
        palette.setColor(group, QPalette::Highlight, disabled ? s.disabledHighlight : s.highlight);
        palette.setColor(group, QPalette::HighlightedText, disabled ? s.disabledHighlightedText : s.highlightedText);
        palette.setColor(group, QPalette::Link, s.link);
        palette.setColor(group, QPalette::LinkVisited, s.linkVisited);
    }
    return palette;
}

void setStyleNamed(const QString &name)
{
    if (QApplication::style()->name().compare(name, Qt::CaseInsensitive) == 0)
        return; // setStyle() would rebuild every widget's style for nothing
    if (QStyle *style = QStyleFactory::create(name))
        QApplication::setStyle(style); // the application takes ownership
}

QString themeName(Theme theme)
{
    switch (theme) {
    case Theme::Light:
        return QStringLiteral("light");
    case Theme::Dark:
        return QStringLiteral("dark");
    case Theme::System:
        break;
    }
    return QStringLiteral("system");
}

} // namespace

void applyTheme(Theme theme)
{
    // Before the first switch, whatever style the platform (or -style, or QT_STYLE_OVERRIDE)
    // chose is "the system's".
    static const QString platformStyle = QApplication::style()->name();
    switch (theme) {
    case Theme::System:
        setStyleNamed(platformStyle);
        // A palette that sets no role resolves entirely against the platform's (Qt 6), and
        // leaves the application following the desktop's later palette changes.
        QApplication::setPalette(QPalette());
        return;
    case Theme::Light:
        setStyleNamed(QStringLiteral("Fusion"));
        QApplication::setPalette(paletteOf(kLight));
        return;
    case Theme::Dark:
        setStyleNamed(QStringLiteral("Fusion"));
        QApplication::setPalette(paletteOf(kDark));
        return;
    }
}

Theme savedTheme()
{
    const QSettings settings(QStringLiteral("foresight"), QStringLiteral("console"));
    const QString name = settings.value(kSettingsKey).toString();
    for (const Theme theme : {Theme::Light, Theme::Dark}) {
        if (name == themeName(theme))
            return theme;
    }
    return Theme::System;
}

void saveTheme(Theme theme)
{
    QSettings settings(QStringLiteral("foresight"), QStringLiteral("console"));
    settings.setValue(kSettingsKey, themeName(theme));
}

QColor stateColor(StateColor state)
{
    // Red, amber and green: dark enough for white backgrounds (#b71c1c 6.6:1, #a84f00 5.3:1,
    // #1b5e20 7.9:1), light enough for dark ones (#ff8a80 7.9:1, #ffb74d 10:1, #81c784 9:1 on
    // #1e1e1e).
    const bool dark = QGuiApplication::palette().color(QPalette::Base).lightness() < 128;
    switch (state) {
    case StateColor::Critical:
        return dark ? QColor(0xff, 0x8a, 0x80) : QColor(0xb7, 0x1c, 0x1c);
    case StateColor::Warning:
        return dark ? QColor(0xff, 0xb7, 0x4d) : QColor(0xa8, 0x4f, 0x00);
    case StateColor::Good:
        return dark ? QColor(0x81, 0xc7, 0x84) : QColor(0x1b, 0x5e, 0x20);
    }
    return {};
}

} // namespace foresight::widgets
