#include "theme/thememenu.h"

#include <algorithm>

#include <QActionGroup>

namespace foresight::widgets {

ThemeMenu::ThemeMenu(QWidget *parent)
    : QMenu(tr("&Theme"), parent)
    , m_group(new QActionGroup(this))
{
    setObjectName(QStringLiteral("themeMenu"));
    const struct
    {
        Theme theme;
        QString text;
        QString toolTip;
    } choices[] = {
        {Theme::System, tr("&System"), tr("Use the desktop's colours and style")},
        {Theme::Light, tr("&Light"), tr("Dark text on light backgrounds")},
        {Theme::Dark, tr("&Dark"), tr("Light text on dark backgrounds, for dim control rooms")},
    };
    const Theme saved = savedTheme();
    for (const auto &choice : choices) {
        QAction *action = addAction(choice.text);
        action->setToolTip(choice.toolTip);
        action->setStatusTip(choice.toolTip);
        action->setCheckable(true);
        action->setChecked(choice.theme == saved);
        action->setData(static_cast<int>(choice.theme));
        m_group->addAction(action);
    }
    m_group->setExclusive(true);
    connect(m_group, &QActionGroup::triggered, this, [](QAction *action) {
        const auto theme = static_cast<Theme>(action->data().toInt());
        applyTheme(theme);
        saveTheme(theme);
    });
}

QAction *ThemeMenu::action(Theme theme) const
{
    const QList<QAction *> actions = m_group->actions();
    const auto found = std::find_if(actions.cbegin(), actions.cend(), [theme](const QAction *action) {
        return action->data().toInt() == static_cast<int>(theme);
    });
    return found == actions.cend() ? nullptr : *found;
}

} // namespace foresight::widgets
