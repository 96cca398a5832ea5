#pragma once

#include <QColor>

namespace foresight::widgets {

// The console's colour schemes. System follows the desktop: the platform's style and palette.
// Light and Dark use the Fusion style with Foresight's own palettes, in which text, tooltips,
// selected rows, links and placeholders keep a WCAG contrast of at least 4.5:1 against their
// backgrounds, and disabled text at least 3:1 (dimmer, still readable).
enum class Theme { System, Light, Dark };

// Switches the whole application at once (style and palette, for every open and future widget).
// GUI thread, with a QApplication. The first call remembers the platform's style, which System
// returns to; System also returns to the platform's palette and follows its later changes.
void applyTheme(Theme theme);

// The theme chosen in the console's settings (QSettings "foresight"/"console", key ui/theme,
// stored as "system", "light" or "dark"); System when none was chosen or the value is unknown.
Theme savedTheme();
void saveTheme(Theme theme);

// Colours for state in text (a critical row, a warning, an error, and a good state where a view
// sets it against those, such as staleness within tolerance), chosen for the current palette's
// background so they keep a contrast of at least 4.5:1 in light and dark themes alike.
enum class StateColor { Critical, Warning, Good };
QColor stateColor(StateColor state);

} // namespace foresight::widgets
