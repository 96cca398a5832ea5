#pragma once

#include <QDialog>
#include <QJsonObject>

#include "bridge/consolebridge.h"
#include "foresight/core/result.h"

class QCheckBox;
class QDialogButtonBox;
class QLabel;
class QPlainTextEdit;
class QPushButton;

namespace foresight::widgets {

// An operator command with its confirmation: before anything happens the dialog says what will
// happen (for promote, switchover and the shadow commands, the engine's own dry run: the
// candidate, its ranking terms, the data that would be lost, the shadow's host or the swap's
// steps; where the primary reports staleness partitions, what the target replica lacks of them),
// the operator confirms, and the dialog shows what the engine did.
// Nothing here waits: the dry run and the command go through the bridge and answer by signal.
class CommandDialog final : public QDialog
{
    Q_OBJECT

public:
    enum class Kind {
        Promote,
        Switchover,
        MaintenanceOn,
        MaintenanceOff,
        Acknowledge,
        CreateShadow,  // agent: where (empty: the engine's choice of host)
        SwapShadow,    // agent: the shadow's, if given (the engine checks it)
        PromoteShadow, // with the force option of Promote when the shadow lags
        RetireShadow,
        UpdateShadow, // with an editor for the process keys that change, checked by a dry run first
    };
    Q_ENUM(Kind)

    // app for everything but maintenance; agent for maintenance, the chosen target of promote or
    // switchover (empty: the engine's best candidate), and the shadow commands' agent (see Kind).
    // The bridge must outlive the dialog.
    CommandDialog(ConsoleBridge *bridge, Kind kind, const QString &app, const QString &agent, QWidget *parent = nullptr);

    // What the dialog shows, for tests and accessibility tools.
    QString planText() const;
    // UpdateShadow: the editor's text, a JSON object of config.process keys (a template to start from).
    void setProcessText(const QString &json);
    QString processText() const;
    QString resultText() const;
    bool canConfirm() const;
    bool finished() const { return m_finished; }

public Q_SLOTS:
    // Sends the command (as the confirm button does).
    void confirm();

Q_SIGNALS:
    // The dry run answered (or, without one, the plan is shown).
    void planReady();
    // The command answered.
    void commandDone(bool ok);

private:
    void askDryRun();
    // UpdateShadow: the editor's JSON object, or an error for the plan.
    Result<QJsonObject> processChanges() const;
    // Sends the command of m_kind, dry run or for real; returns the bridge's id.
    quint64 send(bool dryRun);
    void onResult(const CommandResult &result);
    QString describePlan(const CommandResult &result) const;
    // Promote, switchover and the shadow's swap and promote: what the target replica lacks of the
    // application's staleness partitions (StalenessSummary), from the latest snapshot; empty when
    // the primary has not reported them.
    QString stalenessSentence(const CommandResult &result) const;

    ConsoleBridge *m_bridge = nullptr;
    Kind m_kind;
    QString m_app;
    QString m_agent;
    quint64 m_dryRunId = 0;
    quint64 m_commandId = 0;
    bool m_finished = false;
    QLabel *m_plan = nullptr;
    QLabel *m_result = nullptr;
    QCheckBox *m_force = nullptr;
    QPlainTextEdit *m_process = nullptr; // UpdateShadow only
    QPushButton *m_check = nullptr;      // UpdateShadow only: asks the dry run of the text as it is
    QDialogButtonBox *m_buttons = nullptr;
    QPushButton *m_confirm = nullptr;
};

} // namespace foresight::widgets
