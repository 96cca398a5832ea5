// What console control requests mean, without a socket: the checks a command passes, the engine
// request it becomes, what is audited of its outcome and the reply body.
// tests/integration/tst_consolecontrol.cpp sends the same requests over the wire.

#include <QCborArray>
#include <QJsonArray>
#include <QTest>

#include "control/controlrequests.h"

using namespace foresight;
using namespace foresight::control;
using protocol::MessageType;

namespace {

constexpr qint64 kNow = 1'700'000'000'000;
const QString kActor = QStringLiteral("local:1000");

} // namespace

class TestControlRequests : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void commands_data()
    {
        QTest::addColumn<int>("type");
        QTest::addColumn<QCborMap>("body");
        QTest::addColumn<QString>("what"); // empty: refused
        QTest::addColumn<QString>("error");
        const auto app = QStringLiteral("app");
        const auto agent = QStringLiteral("agent");
        QTest::newRow("promote") << int(MessageType::ConsolePromote)
                                 << QCborMap{{app, QStringLiteral("shop")}, {QStringLiteral("force"), true}}
                                 << QStringLiteral("promote shop (forced)") << QString();
        QTest::newRow("promote to") << int(MessageType::ConsolePromote)
                                    << QCborMap{{app, QStringLiteral("shop")}, {agent, QStringLiteral("bravo")}}
                                    << QStringLiteral("promote shop to bravo") << QString();
        QTest::newRow("promote without app")
            << int(MessageType::ConsolePromote) << QCborMap{} << QString() << QStringLiteral("'app' must not be empty");
        QTest::newRow("promote to an empty agent")
            << int(MessageType::ConsolePromote) << QCborMap{{app, QStringLiteral("shop")}, {agent, QString()}}
            << QString() << QStringLiteral("'agent' must not be empty");
        QTest::newRow("switchover later") << int(MessageType::ConsoleSwitchover)
                                          << QCborMap{{app, QStringLiteral("shop")}, {QStringLiteral("at-ms"), kNow}}
                                          << QStringLiteral("switchover shop at 2023-11-14 22:13:20 UTC") << QString();
        QTest::newRow("switchover in the past")
            << int(MessageType::ConsoleSwitchover)
            << QCborMap{{app, QStringLiteral("shop")}, {QStringLiteral("at-ms"), kNow - 61'000}} << QString()
            << QStringLiteral("is in the past");
        QTest::newRow("maintenance") << int(MessageType::ConsoleMaintenance)
                                     << QCborMap{{agent, QStringLiteral("bravo")}, {QStringLiteral("on"), true}}
                                     << QStringLiteral("maintenance bravo on") << QString();
        QTest::newRow("maintenance without agent") << int(MessageType::ConsoleMaintenance) << QCborMap{} << QString()
                                                   << QStringLiteral("'agent' must not be empty");
        QTest::newRow("acknowledge") << int(MessageType::ConsoleAcknowledge) << QCborMap{{app, QStringLiteral("shop")}}
                                     << QStringLiteral("acknowledge shop") << QString();
        QTest::newRow("fault") << int(MessageType::ConsoleFault)
                               << QCborMap{{QStringLiteral("fault"), QStringLiteral("crash")},
                                           {QStringLiteral("target"), QStringLiteral("primary")}}
                               << QStringLiteral("fault crash primary") << QString();
        QTest::newRow("not a command") << int(MessageType::ConsoleStatus) << QCborMap{} << QString()
                                       << QStringLiteral("not a console command");
        const auto action = QStringLiteral("action");
        const auto shadow = int(MessageType::ConsoleShadow);
        QTest::newRow("shadow create") << shadow
                                       << QCborMap{{action, QStringLiteral("create")}, {app, QStringLiteral("shop")}}
                                       << QStringLiteral("shadow create shop") << QString();
        QTest::newRow("shadow create on") << shadow
                                          << QCborMap{{action, QStringLiteral("create")},
                                                      {app, QStringLiteral("shop")},
                                                      {agent, QStringLiteral("delta")}}
                                          << QStringLiteral("shadow create shop on delta") << QString();
        QTest::newRow("shadow swap") << shadow
                                     << QCborMap{{action, QStringLiteral("swap")}, {app, QStringLiteral("shop")}}
                                     << QStringLiteral("shadow swap shop") << QString();
        QTest::newRow("shadow promote forced") << shadow
                                               << QCborMap{{action, QStringLiteral("promote")},
                                                           {app, QStringLiteral("shop")},
                                                           {QStringLiteral("force"), true}}
                                               << QStringLiteral("shadow promote shop (forced)") << QString();
        QTest::newRow("shadow retire") << shadow
                                       << QCborMap{{action, QStringLiteral("retire")}, {app, QStringLiteral("shop")}}
                                       << QStringLiteral("shadow retire shop") << QString();
        QTest::newRow("shadow without app") << shadow << QCborMap{{action, QStringLiteral("swap")}} << QString()
                                            << QStringLiteral("'app' must not be empty");
        QTest::newRow("shadow to an empty agent")
            << shadow << QCborMap{{action, QStringLiteral("swap")}, {app, QStringLiteral("shop")}, {agent, QString()}}
            << QString() << QStringLiteral("'agent' must not be empty");
        QTest::newRow("shadow unknown action")
            << shadow << QCborMap{{action, QStringLiteral("clone")}, {app, QStringLiteral("shop")}} << QString()
            << QStringLiteral("'action' must be create, swap, promote, retire or update, not 'clone'");
        QTest::newRow("shadow update") << shadow
                                       << QCborMap{{action, QStringLiteral("update")},
                                                   {app, QStringLiteral("shop")},
                                                   {QStringLiteral("process"),
                                                    QCborMap{{QStringLiteral("arguments"),
                                                              QCborArray{QStringLiteral("2")}}}}}
                                       << QStringLiteral("shadow update shop") << QString();
        QTest::newRow("shadow update without process")
            << shadow << QCborMap{{action, QStringLiteral("update")}, {app, QStringLiteral("shop")}} << QString()
            << QStringLiteral("'process' (a map of the config.process keys that change) is required");
        QTest::newRow("shadow process on swap")
            << shadow
            << QCborMap{{action, QStringLiteral("swap")},
                        {app, QStringLiteral("shop")},
                        {QStringLiteral("process"), QCborMap{{QStringLiteral("command"), QStringLiteral("x")}}}}
            << QString() << QStringLiteral("'process' goes with the action update only");
        QTest::newRow("shadow force on swap")
            << shadow
            << QCborMap{{action, QStringLiteral("swap")}, {app, QStringLiteral("shop")}, {QStringLiteral("force"), true}}
            << QString() << QStringLiteral("'force' goes with the action promote only");
    }

    void commands()
    {
        QFETCH(int, type);
        QFETCH(QCborMap, body);
        QFETCH(QString, what);
        QFETCH(QString, error);
        const auto command = parseCommand(MessageType(type), body, kActor, kNow);
        QCOMPARE(isCommand(MessageType(type)), type != int(MessageType::ConsoleStatus));
        if (!what.isEmpty()) {
            QVERIFY2(command, qPrintable(command ? QString() : command.error().toString()));
            QCOMPARE(command->what, what);
            QCOMPARE(command->actor, kActor);
            return;
        }
        QVERIFY(!command);
        QVERIFY2(command.error().message.contains(error), qPrintable(command.error().message));
    }

    void shadowCommandsBecomeShadowRequests()
    {
        const auto command = parseCommand(MessageType::ConsoleShadow,
                                          QCborMap{{QStringLiteral("action"), QStringLiteral("promote")},
                                                   {QStringLiteral("app"), QStringLiteral("shop")},
                                                   {QStringLiteral("agent"), QStringLiteral("delta")},
                                                   {QStringLiteral("force"), true},
                                                   {QStringLiteral("dry-run"), true}},
                                          kActor,
                                          kNow);
        QVERIFY(command);
        const auto *shadow = std::get_if<ShadowCommand>(&command->request);
        QVERIFY(shadow);
        QCOMPARE(shadow->action, ShadowAction::Promote);
        QCOMPARE(shadow->request.app, QStringLiteral("shop"));
        QCOMPARE(shadow->request.agent, QStringLiteral("delta"));
        QVERIFY(shadow->request.force);
        QVERIFY(shadow->request.dryRun && command->dryRun);
        QCOMPARE(shadow->request.actor, kActor);
        QCOMPARE(command->app, QStringLiteral("shop"));
        QVERIFY(command->journalKind.isEmpty()); // the engine journals what it does itself

        // Audited like promote: a refusal always, a dry run with its summary, a success not at all.
        const auto refused = auditEntry(*command, fail(ErrorCode::InvalidArgument, QStringLiteral("delta lags")));
        QVERIFY(refused);
        QCOMPARE(refused->kind, QStringLiteral("operator"));
        QCOMPARE(refused->message, QStringLiteral("shadow promote shop (delta) (forced) (dry run) refused: delta lags"));
        QCOMPARE(refused->actor, kActor);
        const auto dryRun = auditEntry(*command,
                                       failover::OperatorOutcome{QStringLiteral("dry run: would promote"), {}});
        QVERIFY(dryRun);
        QCOMPARE(dryRun->message, QStringLiteral("dry run: would promote"));
        Command real = *command;
        real.dryRun = false;
        QVERIFY(!auditEntry(real, failover::OperatorOutcome{QStringLiteral("promoted"), {}}));

        for (ShadowAction action : {ShadowAction::Create,
                                    ShadowAction::Swap,
                                    ShadowAction::Promote,
                                    ShadowAction::Retire,
                                    ShadowAction::Update})
            QCOMPARE(shadowActionFromName(shadowActionName(action)), action);
        QVERIFY(!shadowActionFromName(QStringLiteral("clone")));

        // An update carries the process keys that change, as given.
        const auto update
            = parseCommand(MessageType::ConsoleShadow,
                           QCborMap{{QStringLiteral("action"), QStringLiteral("update")},
                                    {QStringLiteral("app"), QStringLiteral("shop")},
                                    {QStringLiteral("process"),
                                     QCborMap{{QStringLiteral("arguments"),
                                               QCborArray{QStringLiteral("--release"), QStringLiteral("2")}}}}},
                           kActor,
                           kNow);
        QVERIFY2(update, qPrintable(update ? QString() : update.error().message));
        const auto *updateCommand = std::get_if<ShadowCommand>(&update->request);
        QVERIFY(updateCommand);
        QCOMPARE(updateCommand->action, ShadowAction::Update);
        QCOMPARE(updateCommand->process.value(QStringLiteral("arguments")).toArray().at(1).toString(),
                 QStringLiteral("2"));
    }

    void commandsBecomeEngineRequests()
    {
        const auto promote = parseCommand(MessageType::ConsolePromote,
                                          QCborMap{{QStringLiteral("app"), QStringLiteral("shop")},
                                                   {QStringLiteral("dry-run"), true}},
                                          kActor,
                                          kNow);
        QVERIFY(promote);
        const auto *request = std::get_if<failover::PromoteRequest>(&promote->request);
        QVERIFY(request);
        QCOMPARE(request->app, QStringLiteral("shop"));
        QVERIFY(request->dryRun && promote->dryRun);
        QCOMPARE(request->actor, kActor);

        const auto fault = parseCommand(MessageType::ConsoleFault,
                                        QCborMap{{QStringLiteral("fault"), QStringLiteral("freeze")},
                                                 {QStringLiteral("target"), QStringLiteral("bravo")},
                                                 {QStringLiteral("for-ms"), 500}},
                                        kActor,
                                        kNow);
        QVERIFY(fault);
        QCOMPARE(std::get<control::FaultRequest>(fault->request).forMs, 500);
        QCOMPARE(fault->agent, QStringLiteral("bravo"));
        QCOMPARE(fault->journalKind, QStringLiteral("fault"));
    }

    void audits()
    {
        Command command;
        command.what = QStringLiteral("promote shop");
        command.app = QStringLiteral("shop");
        command.actor = kActor;
        const failover::OperatorOutcome done{QStringLiteral("promoting"),
                                             QJsonObject{{QStringLiteral("agent"), QStringLiteral("bravo")}}};

        // The engine journals what it does: nothing to audit here.
        QVERIFY(!auditEntry(command, done));
        // What it refuses is audited, with the error code.
        const auto refused = auditEntry(command, fail(ErrorCode::InvalidArgument, QStringLiteral("lags")));
        QVERIFY(refused);
        QCOMPARE(refused->kind, QStringLiteral("operator"));
        QCOMPARE(refused->message, QStringLiteral("promote shop refused: lags"));
        QCOMPARE(refused->details.value(QStringLiteral("error-code")).toString(),
                 errorCodeName(ErrorCode::InvalidArgument));
        // Dry runs change nothing, so the engine journals nothing: audited here.
        command.dryRun = true;
        QCOMPARE(auditEntry(command, done)->message, QStringLiteral("promoting"));
        // A fault is audited under its own kind, with the agent a role resolved to.
        command.dryRun = false;
        command.journalKind = QStringLiteral("fault");
        command.agent = QStringLiteral("primary");
        const auto fault = auditEntry(command, done);
        QCOMPARE(fault->kind, QStringLiteral("fault"));
        QCOMPARE(fault->agent, QStringLiteral("bravo"));

        const QCborMap reply = outcomeReply(done, kActor);
        QCOMPARE(reply.value(QStringLiteral("summary")).toString(), QStringLiteral("promoting"));
        QCOMPARE(reply.value(QStringLiteral("actor")).toString(), kActor);
        QCOMPARE(reply.value(QStringLiteral("details")).toMap().value(QStringLiteral("agent")).toString(),
                 QStringLiteral("bravo"));
    }

    void fields()
    {
        QCOMPARE(*limitField(QCborMap{}, 20), 20);
        QCOMPARE(*limitField(QCborMap{{QStringLiteral("limit"), kMaxLimit}}, 20), kMaxLimit);
        QVERIFY(!limitField(QCborMap{{QStringLiteral("limit"), 0}}, 20));
        QVERIFY(!limitField(QCborMap{{QStringLiteral("limit"), kMaxLimit + 1}}, 20));
        QCOMPARE(*nameField(QCborMap{}, "app", false), QString());
        QVERIFY(!nameField(QCborMap{}, "app", true));
        QCOMPARE(readableId(QCborMap{{QStringLiteral("id"), 42}}.toCborValue().toCbor()), 42);
        QCOMPARE(readableId(QByteArray("\xff\x00garbage", 9)), -1);
        QCOMPARE(readableId(QCborMap{{QStringLiteral("id"), -3}}.toCborValue().toCbor()), -1);
    }
};

QTEST_GUILESS_MAIN(TestControlRequests)
#include "tst_controlrequests.moc"
