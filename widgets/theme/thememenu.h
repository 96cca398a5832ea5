#pragma once

#include <QMenu>

#include "theme/theme.h"

class QActionGroup;

namespace foresight::widgets {

// View > Theme: System, Light and Dark as exclusive choices, checked from savedTheme(). Choosing
// one applies it to the whole application at once and saves it for the next start.
class ThemeMenu final : public QMenu
{
    Q_OBJECT

public:
    explicit ThemeMenu(QWidget *parent = nullptr);

    // The action that chooses a theme (for tests and for shortcuts elsewhere).
    QAction *action(Theme theme) const;

private:
    QActionGroup *m_group = nullptr;
};

} // namespace foresight::widgets
