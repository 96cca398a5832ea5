<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="de" sourcelanguage="en">
<context>
    <name>QObject</name>
    <message>
        <location filename="../app/console/windowdemo.cpp" line="31"/>
        <source>&amp;Demo</source>
        <translation>De&amp;mo</translation>
    </message>
    <message>
        <location filename="../app/console/windowdemo.cpp" line="32"/>
        <source>&amp;Kill agent (kill -9)</source>
        <translation>Agent &amp;abschießen (kill -9)</translation>
    </message>
    <message>
        <location filename="../app/console/windowdemo.cpp" line="33"/>
        <source>&amp;Restart agent</source>
        <translation>Agent &amp;neu starten</translation>
    </message>
    <message>
        <location filename="../app/console/windowdemo.cpp" line="38"/>
        <source>Killed %1 (kill -9)</source>
        <translation>%1 abgeschossen (kill -9)</translation>
    </message>
    <message>
        <location filename="../app/console/windowdemo.cpp" line="42"/>
        <source>%1 is running</source>
        <translation>%1 läuft</translation>
    </message>
    <message>
        <location filename="../app/console/windowdemo.cpp" line="47"/>
        <source>Restarted %1</source>
        <translation>%1 neu gestartet</translation>
    </message>
    <message>
        <location filename="../app/console/windowdemo.cpp" line="48"/>
        <source>Cannot restart %1: %2</source>
        <translation>%1 kann nicht neu gestartet werden: %2</translation>
    </message>
    <message>
        <location filename="../app/console/windowrunner.cpp" line="35"/>
        <source>Cannot open the cluster</source>
        <translation>Der Cluster kann nicht geöffnet werden</translation>
    </message>
</context>
<context>
    <name>foresight::widgets::CommandDialog</name>
    <message>
        <location filename="../widgets/dialogs/commanddialog.cpp" line="59"/>
        <source>Force: promote although acknowledged writes would be lost</source>
        <translation>Erzwingen: hochstufen, obwohl bestätigte Schreibvorgänge verloren gingen</translation>
    </message>
    <message>
        <location filename="../widgets/dialogs/commanddialog.cpp" line="66"/>
        <source>Promote a replica of %1</source>
        <translation>Ein Replikat von %1 hochstufen</translation>
    </message>
    <message>
        <location filename="../widgets/dialogs/commanddialog.cpp" line="67"/>
        <source>&amp;Promote</source>
        <translation>&amp;Hochstufen</translation>
    </message>
    <message>
        <location filename="../widgets/dialogs/commanddialog.cpp" line="70"/>
        <source>Switch over %1</source>
        <translation>Switchover für %1</translation>
    </message>
    <message>
        <location filename="../widgets/dialogs/commanddialog.cpp" line="71"/>
        <source>&amp;Switch over</source>
        <translation>Switchover &amp;ausführen</translation>
    </message>
    <message>
        <location filename="../widgets/dialogs/commanddialog.cpp" line="74"/>
        <source>Maintenance on %1</source>
        <translation>Wartung auf %1</translation>
    </message>
    <message>
        <location filename="../widgets/dialogs/commanddialog.cpp" line="75"/>
        <source>&amp;Start maintenance</source>
        <translation>Wartung &amp;beginnen</translation>
    </message>
    <message>
        <location filename="../widgets/dialogs/commanddialog.cpp" line="78"/>
        <source>End maintenance on %1</source>
        <translation>Wartung auf %1 beenden</translation>
    </message>
    <message>
        <location filename="../widgets/dialogs/commanddialog.cpp" line="79"/>
        <source>&amp;End maintenance</source>
        <translation>Wartung b&amp;eenden</translation>
    </message>
    <message>
        <location filename="../widgets/dialogs/commanddialog.cpp" line="82"/>
        <source>Acknowledge the failover of %1</source>
        <translation>Failover von %1 quittieren</translation>
    </message>
    <message>
        <location filename="../widgets/dialogs/commanddialog.cpp" line="83"/>
        <source>&amp;Acknowledge</source>
        <translation>&amp;Quittieren</translation>
    </message>
    <message>
        <location filename="../widgets/dialogs/commanddialog.cpp" line="109"/>
        <source>%1 will never be promoted and will get no new replica roles until maintenance ends. Replicas it holds keep replicating.</source>
        <translation>%1 wird bis zum Ende der Wartung nicht hochgestuft und erhält keine neuen Replikatrollen. Seine Replikate replizieren weiter.</translation>
    </message>
    <message>
        <location filename="../widgets/dialogs/commanddialog.cpp" line="115"/>
        <source>%1 may be promoted and given replica roles again.</source>
        <translation>%1 kann wieder hochgestuft werden und Replikatrollen erhalten.</translation>
    </message>
    <message>
        <location filename="../widgets/dialogs/commanddialog.cpp" line="119"/>
        <source>The last failover of %1 is acknowledged: the anti-flapping block ends and the engine may fail %1 over automatically again.</source>
        <translation>Das letzte Failover von %1 wird quittiert: Die Flapping-Sperre endet, und die Engine darf für %1 wieder automatisch ein Failover ausführen.</translation>
    </message>
    <message>
        <location filename="../widgets/dialogs/commanddialog.cpp" line="147"/>
        <source>Asking the engine what would happen…</source>
        <translation>Die Engine prüft, was geschehen würde…</translation>
    </message>
    <message>
        <location filename="../widgets/dialogs/commanddialog.cpp" line="159"/>
        <source>Candidate %1 (rank %2): %3</source>
        <translation>Kandidat %1 (Rang %2): %3</translation>
    </message>
    <message>
        <location filename="../widgets/dialogs/commanddialog.cpp" line="165"/>
        <source>Data at risk: %1 writes the candidate does not hold would be lost.</source>
        <translation>Gefährdete Daten: %1 Schreibvorgänge, die dem Kandidaten fehlen, gingen verloren.</translation>
    </message>
    <message>
        <location filename="../widgets/dialogs/commanddialog.cpp" line="166"/>
        <source>Data at risk: none; the candidate holds every acknowledged write.</source>
        <translation>Gefährdete Daten: keine; der Kandidat hat jeden bestätigten Schreibvorgang.</translation>
    </message>
    <message>
        <location filename="../widgets/dialogs/commanddialog.cpp" line="179"/>
        <source>Refused: %1</source>
        <translation>Abgelehnt: %1</translation>
    </message>
    <message>
        <location filename="../widgets/dialogs/commanddialog.cpp" line="191"/>
        <source>Done: %1</source>
        <translation>Erledigt: %1</translation>
    </message>
    <message>
        <location filename="../widgets/dialogs/commanddialog.cpp" line="191"/>
        <source>Failed: %1</source>
        <translation>Fehlgeschlagen: %1</translation>
    </message>
    <message>
        <location filename="../widgets/dialogs/commanddialog.cpp" line="193"/>
        <source>&amp;Close</source>
        <translation>&amp;Schließen</translation>
    </message>
    <message>
        <location filename="../widgets/dialogs/commanddialog.cpp" line="203"/>
        <source>Waiting for the engine…</source>
        <translation>Warte auf die Engine…</translation>
    </message>
</context>
<context>
    <name>foresight::widgets::ConsoleBridge</name>
    <message>
        <location filename="../widgets/bridge/consolebridge.cpp" line="62"/>
        <source>No cluster is open: open a cluster configuration first.</source>
        <translation>Kein Cluster geöffnet: Öffnen Sie zuerst eine Clusterkonfiguration.</translation>
    </message>
</context>
<context>
    <name>foresight::widgets::EventsModel</name>
    <message>
        <location filename="../widgets/models/eventsmodel.cpp" line="57"/>
        <source>critical</source>
        <translation>kritisch</translation>
    </message>
    <message>
        <location filename="../widgets/models/eventsmodel.cpp" line="59"/>
        <source>warning</source>
        <translation>Warnung</translation>
    </message>
    <message>
        <location filename="../widgets/models/eventsmodel.cpp" line="63"/>
        <source>info</source>
        <translation>Info</translation>
    </message>
    <message>
        <location filename="../widgets/models/eventsmodel.cpp" line="233"/>
        <source>acknowledged</source>
        <translation>quittiert</translation>
    </message>
    <message>
        <location filename="../widgets/models/eventsmodel.cpp" line="233"/>
        <source>open</source>
        <translation>offen</translation>
    </message>
    <message>
        <location filename="../widgets/models/eventsmodel.cpp" line="305"/>
        <source>Time</source>
        <translation>Zeit</translation>
    </message>
    <message>
        <location filename="../widgets/models/eventsmodel.cpp" line="307"/>
        <source>Severity</source>
        <translation>Schweregrad</translation>
    </message>
    <message>
        <location filename="../widgets/models/eventsmodel.cpp" line="309"/>
        <source>Alert</source>
        <translation>Alarm</translation>
    </message>
    <message>
        <location filename="../widgets/models/eventsmodel.cpp" line="311"/>
        <source>Kind</source>
        <translation>Art</translation>
    </message>
    <message>
        <location filename="../widgets/models/eventsmodel.cpp" line="313"/>
        <source>Application</source>
        <translation>Anwendung</translation>
    </message>
    <message>
        <location filename="../widgets/models/eventsmodel.cpp" line="315"/>
        <source>Agent</source>
        <translation>Agent</translation>
    </message>
    <message>
        <location filename="../widgets/models/eventsmodel.cpp" line="317"/>
        <source>Actor</source>
        <translation>Auslöser</translation>
    </message>
    <message>
        <location filename="../widgets/models/eventsmodel.cpp" line="319"/>
        <source>Message</source>
        <translation>Meldung</translation>
    </message>
</context>
<context>
    <name>foresight::widgets::EventsPanel</name>
    <message>
        <location filename="../widgets/panels/eventspanel.cpp" line="75"/>
        <source>&amp;Acknowledge</source>
        <translation>&amp;Quittieren</translation>
    </message>
    <message>
        <location filename="../widgets/panels/eventspanel.cpp" line="76"/>
        <source>Acknowledge a&amp;ll</source>
        <translation>&amp;Alle quittieren</translation>
    </message>
    <message>
        <location filename="../widgets/panels/eventspanel.cpp" line="82"/>
        <source>Filter by application, agent, kind, message…</source>
        <translation>Nach Anwendung, Agent, Art, Meldung filtern…</translation>
    </message>
    <message>
        <location filename="../widgets/panels/eventspanel.cpp" line="84"/>
        <source>Event filter</source>
        <translation>Ereignisfilter</translation>
    </message>
    <message>
        <location filename="../widgets/panels/eventspanel.cpp" line="87"/>
        <source>Severity filter</source>
        <translation>Schweregradfilter</translation>
    </message>
    <message>
        <location filename="../widgets/panels/eventspanel.cpp" line="88"/>
        <source>All events</source>
        <translation>Alle Ereignisse</translation>
    </message>
    <message>
        <location filename="../widgets/panels/eventspanel.cpp" line="89"/>
        <source>Warnings and above</source>
        <translation>Warnungen und kritische</translation>
    </message>
    <message>
        <location filename="../widgets/panels/eventspanel.cpp" line="90"/>
        <source>Critical only</source>
        <translation>Nur kritische</translation>
    </message>
    <message>
        <location filename="../widgets/panels/eventspanel.cpp" line="93"/>
        <source>Open alerts</source>
        <translation>Offene Alarme</translation>
    </message>
    <message>
        <location filename="../widgets/panels/eventspanel.cpp" line="100"/>
        <source>Acknowledge the selected alerts (%1)</source>
        <translation>Ausgewählte Alarme quittieren (%1)</translation>
    </message>
    <message>
        <location filename="../widgets/panels/eventspanel.cpp" line="104"/>
        <source>Acknowledge every open alert the filters show (%1)</source>
        <translation>Alle offenen Alarme quittieren, die die Filter zeigen (%1)</translation>
    </message>
    <message>
        <location filename="../widgets/panels/eventspanel.cpp" line="122"/>
        <source>Events and alerts</source>
        <translation>Ereignisse und Alarme</translation>
    </message>
    <message>
        <location filename="../widgets/panels/eventspanel.cpp" line="138"/>
        <source>Acknowledge the selected alerts</source>
        <translation>Ausgewählte Alarme quittieren</translation>
    </message>
    <message>
        <location filename="../widgets/panels/eventspanel.cpp" line="139"/>
        <source>Acknowledge all shown alerts</source>
        <translation>Alle angezeigten Alarme quittieren</translation>
    </message>
    <message>
        <location filename="../widgets/panels/eventspanel.cpp" line="209"/>
        <source>No open alerts</source>
        <translation>Keine offenen Alarme</translation>
    </message>
    <message numerus="yes">
        <location filename="../widgets/panels/eventspanel.cpp" line="209"/>
        <source>%n open alert(s)</source>
        <translation>
            <numerusform>%n offener Alarm</numerusform>
            <numerusform>%n offene Alarme</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>foresight::widgets::HostDetailPanel</name>
    <message>
        <location filename="../widgets/panels/hostdetailpanel.cpp" line="65"/>
        <source>Host detail</source>
        <translation>Hostdetails</translation>
    </message>
    <message>
        <location filename="../widgets/panels/hostdetailpanel.cpp" line="68"/>
        <source>Agent</source>
        <translation>Agent</translation>
    </message>
    <message>
        <location filename="../widgets/panels/hostdetailpanel.cpp" line="69"/>
        <source>The agent whose host is shown</source>
        <translation>Der Agent, dessen Host angezeigt wird</translation>
    </message>
    <message>
        <location filename="../widgets/panels/hostdetailpanel.cpp" line="72"/>
        <source>Time window</source>
        <translation>Zeitfenster</translation>
    </message>
    <message numerus="yes">
        <location filename="../widgets/panels/hostdetailpanel.cpp" line="74"/>
        <location filename="../widgets/panels/hostdetailpanel.cpp" line="326"/>
        <source>Last %n min</source>
        <translation>
            <numerusform>Letzte %n Min.</numerusform>
            <numerusform>Letzte %n Min.</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../widgets/panels/hostdetailpanel.cpp" line="78"/>
        <source>Host state</source>
        <translation>Hostzustand</translation>
    </message>
    <message>
        <location filename="../widgets/panels/hostdetailpanel.cpp" line="83"/>
        <source>Host metrics state</source>
        <translation>Zustand der Hostmetriken</translation>
    </message>
    <message>
        <location filename="../widgets/panels/hostdetailpanel.cpp" line="88"/>
        <source>Agent warnings</source>
        <translation>Warnungen des Agenten</translation>
    </message>
    <message>
        <location filename="../widgets/panels/hostdetailpanel.cpp" line="93"/>
        <location filename="../widgets/panels/hostdetailpanel.cpp" line="126"/>
        <location filename="../widgets/panels/hostdetailpanel.cpp" line="129"/>
        <source>Failure risk</source>
        <translation>Ausfallrisiko</translation>
    </message>
    <message>
        <location filename="../widgets/panels/hostdetailpanel.cpp" line="98"/>
        <source>CPU and memory (%)</source>
        <translation>CPU und Speicher (%)</translation>
    </message>
    <message>
        <location filename="../widgets/panels/hostdetailpanel.cpp" line="99"/>
        <source>CPU and memory chart</source>
        <translation>Diagramm CPU und Speicher</translation>
    </message>
    <message>
        <location filename="../widgets/panels/hostdetailpanel.cpp" line="101"/>
        <source>CPU busy</source>
        <translation>CPU ausgelastet</translation>
    </message>
    <message>
        <location filename="../widgets/panels/hostdetailpanel.cpp" line="102"/>
        <source>I/O wait</source>
        <translation>I/O-Wartezeit</translation>
    </message>
    <message>
        <location filename="../widgets/panels/hostdetailpanel.cpp" line="103"/>
        <source>Memory used</source>
        <translation>Speicher belegt</translation>
    </message>
    <message>
        <location filename="../widgets/panels/hostdetailpanel.cpp" line="104"/>
        <source>Swap used</source>
        <translation>Swap belegt</translation>
    </message>
    <message>
        <location filename="../widgets/panels/hostdetailpanel.cpp" line="106"/>
        <source>Load average</source>
        <translation>Systemlast</translation>
    </message>
    <message>
        <location filename="../widgets/panels/hostdetailpanel.cpp" line="107"/>
        <source>Load chart</source>
        <translation>Diagramm Systemlast</translation>
    </message>
    <message>
        <location filename="../widgets/panels/hostdetailpanel.cpp" line="109"/>
        <source>1 min</source>
        <translation>1 Min.</translation>
    </message>
    <message>
        <location filename="../widgets/panels/hostdetailpanel.cpp" line="109"/>
        <source>15 min</source>
        <translation>15 Min.</translation>
    </message>
    <message>
        <location filename="../widgets/panels/hostdetailpanel.cpp" line="111"/>
        <source>Disk</source>
        <translation>Datenträger</translation>
    </message>
    <message>
        <location filename="../widgets/panels/hostdetailpanel.cpp" line="112"/>
        <source>Disk chart</source>
        <translation>Diagramm Datenträger</translation>
    </message>
    <message>
        <location filename="../widgets/panels/hostdetailpanel.cpp" line="114"/>
        <source>Read</source>
        <translation>Lesen</translation>
    </message>
    <message>
        <location filename="../widgets/panels/hostdetailpanel.cpp" line="114"/>
        <source>Write</source>
        <translation>Schreiben</translation>
    </message>
    <message>
        <location filename="../widgets/panels/hostdetailpanel.cpp" line="116"/>
        <source>Network</source>
        <translation>Netzwerk</translation>
    </message>
    <message>
        <location filename="../widgets/panels/hostdetailpanel.cpp" line="117"/>
        <source>Network chart</source>
        <translation>Diagramm Netzwerk</translation>
    </message>
    <message>
        <location filename="../widgets/panels/hostdetailpanel.cpp" line="119"/>
        <source>Received</source>
        <translation>Empfangen</translation>
    </message>
    <message>
        <location filename="../widgets/panels/hostdetailpanel.cpp" line="120"/>
        <source>Sent</source>
        <translation>Gesendet</translation>
    </message>
    <message>
        <location filename="../widgets/panels/hostdetailpanel.cpp" line="121"/>
        <source>Receive errors</source>
        <translation>Empfangsfehler</translation>
    </message>
    <message>
        <location filename="../widgets/panels/hostdetailpanel.cpp" line="122"/>
        <source>Send errors</source>
        <translation>Sendefehler</translation>
    </message>
    <message>
        <location filename="../widgets/panels/hostdetailpanel.cpp" line="123"/>
        <source>Drops</source>
        <translation>Verworfene Pakete</translation>
    </message>
    <message>
        <location filename="../widgets/panels/hostdetailpanel.cpp" line="124"/>
        <source>errors/s</source>
        <translation>Fehler/s</translation>
    </message>
    <message>
        <location filename="../widgets/panels/hostdetailpanel.cpp" line="127"/>
        <source>Failure risk chart</source>
        <translation>Diagramm Ausfallrisiko</translation>
    </message>
    <message>
        <location filename="../widgets/panels/hostdetailpanel.cpp" line="139"/>
        <source>Agent:</source>
        <translation>Agent:</translation>
    </message>
    <message>
        <location filename="../widgets/panels/hostdetailpanel.cpp" line="343"/>
        <source>%1 (%2)</source>
        <translation>%1 (%2)</translation>
    </message>
    <message>
        <location filename="../widgets/panels/hostdetailpanel.cpp" line="379"/>
        <source>No agent chosen.</source>
        <translation>Kein Agent ausgewählt.</translation>
    </message>
    <message>
        <location filename="../widgets/panels/hostdetailpanel.cpp" line="379"/>
        <source>No agents yet.</source>
        <translation>Noch keine Agenten.</translation>
    </message>
    <message>
        <location filename="../widgets/panels/hostdetailpanel.cpp" line="385"/>
        <source>Agent %1 is no longer in the cluster; its history is kept.</source>
        <translation>Agent %1 gehört nicht mehr zum Cluster; sein Verlauf bleibt erhalten.</translation>
    </message>
    <message>
        <location filename="../widgets/panels/hostdetailpanel.cpp" line="386"/>
        <source>Agent %1 is not in the cluster.</source>
        <translation>Agent %1 gehört nicht zum Cluster.</translation>
    </message>
    <message>
        <location filename="../widgets/panels/hostdetailpanel.cpp" line="397"/>
        <source>%1: %2</source>
        <translation>%1: %2</translation>
    </message>
    <message>
        <location filename="../widgets/panels/hostdetailpanel.cpp" line="399"/>
        <source>%1: never heard</source>
        <translation>%1: nie gemeldet</translation>
    </message>
    <message>
        <location filename="../widgets/panels/hostdetailpanel.cpp" line="401"/>
        <source>%1: SUSPECTED (phi %2), heard %3 ms ago</source>
        <translation>%1: AUSFALLVERDACHT (phi %2), zuletzt vor %3 ms gemeldet</translation>
    </message>
    <message>
        <location filename="../widgets/panels/hostdetailpanel.cpp" line="404"/>
        <source>%1: heard %2 ms ago</source>
        <translation>%1: zuletzt vor %2 ms gemeldet</translation>
    </message>
    <message>
        <location filename="../widgets/panels/hostdetailpanel.cpp" line="406"/>
        <source>%1 (maintenance)</source>
        <translation>%1 (Wartung)</translation>
    </message>
    <message>
        <location filename="../widgets/panels/hostdetailpanel.cpp" line="412"/>
        <source>Host %1 — %2</source>
        <translation>Host %1 — %2</translation>
    </message>
    <message>
        <location filename="../widgets/panels/hostdetailpanel.cpp" line="412"/>
        <location filename="../widgets/panels/hostdetailpanel.cpp" line="437"/>
        <source>; </source>
        <translation>; </translation>
    </message>
    <message>
        <location filename="../widgets/panels/hostdetailpanel.cpp" line="430"/>
        <source>Choose an agent to see its host&apos;s metrics.</source>
        <translation>Wählen Sie einen Agenten, um die Metriken seines Hosts zu sehen.</translation>
    </message>
    <message>
        <location filename="../widgets/panels/hostdetailpanel.cpp" line="431"/>
        <source>No metrics yet from %1: its heartbeats have not carried host metrics.</source>
        <translation>Noch keine Metriken von %1: Seine Heartbeats enthielten bisher keine Hostmetriken.</translation>
    </message>
    <message>
        <location filename="../widgets/panels/hostdetailpanel.cpp" line="438"/>
        <source>The agent reports: %1</source>
        <translation>Der Agent meldet: %1</translation>
    </message>
    <message>
        <location filename="../widgets/panels/hostdetailpanel.cpp" line="451"/>
        <source>Failure risk: no prediction yet.</source>
        <translation>Ausfallrisiko: noch keine Vorhersage.</translation>
    </message>
    <message>
        <location filename="../widgets/panels/hostdetailpanel.cpp" line="454"/>
        <source>Failure risk: %1 at %2</source>
        <translation>Ausfallrisiko: %1 um %2</translation>
    </message>
    <message>
        <location filename="../widgets/panels/hostdetailpanel.cpp" line="484"/>
        <source>B/s</source>
        <translation>B/s</translation>
    </message>
    <message>
        <location filename="../widgets/panels/hostdetailpanel.cpp" line="484"/>
        <source>KiB/s</source>
        <translation>KiB/s</translation>
    </message>
    <message>
        <location filename="../widgets/panels/hostdetailpanel.cpp" line="484"/>
        <source>MiB/s</source>
        <translation>MiB/s</translation>
    </message>
    <message>
        <location filename="../widgets/panels/hostdetailpanel.cpp" line="484"/>
        <source>GiB/s</source>
        <translation>GiB/s</translation>
    </message>
</context>
<context>
    <name>foresight::widgets::MainWindow</name>
    <message>
        <location filename="../widgets/mainwindow/mainwindow.cpp" line="35"/>
        <source>Foresight</source>
        <translation>Foresight</translation>
    </message>
    <message>
        <location filename="../widgets/mainwindow/mainwindow.cpp" line="67"/>
        <source>&amp;View</source>
        <translation>&amp;Ansicht</translation>
    </message>
    <message>
        <location filename="../widgets/mainwindow/mainwindow.cpp" line="72"/>
        <source>Replicas</source>
        <translation>Replikate</translation>
    </message>
    <message>
        <location filename="../widgets/mainwindow/mainwindow.cpp" line="75"/>
        <location filename="../widgets/mainwindow/mainwindow.cpp" line="219"/>
        <source>Events and alerts</source>
        <translation>Ereignisse und Alarme</translation>
    </message>
    <message>
        <location filename="../widgets/mainwindow/mainwindow.cpp" line="78"/>
        <source>Host detail</source>
        <translation>Hostdetails</translation>
    </message>
    <message>
        <location filename="../widgets/mainwindow/mainwindow.cpp" line="121"/>
        <source>&amp;File</source>
        <translation>&amp;Datei</translation>
    </message>
    <message>
        <location filename="../widgets/mainwindow/mainwindow.cpp" line="122"/>
        <source>&amp;Open cluster configuration…</source>
        <translation>Clusterkonfiguration ö&amp;ffnen…</translation>
    </message>
    <message>
        <location filename="../widgets/mainwindow/mainwindow.cpp" line="126"/>
        <source>Open cluster configuration</source>
        <translation>Clusterkonfiguration öffnen</translation>
    </message>
    <message>
        <location filename="../widgets/mainwindow/mainwindow.cpp" line="128"/>
        <source>Cluster configurations (*.json);;All files (*)</source>
        <translation>Clusterkonfigurationen (*.json);;Alle Dateien (*)</translation>
    </message>
    <message>
        <location filename="../widgets/mainwindow/mainwindow.cpp" line="133"/>
        <source>&amp;Quit</source>
        <translation>&amp;Beenden</translation>
    </message>
    <message>
        <location filename="../widgets/mainwindow/mainwindow.cpp" line="137"/>
        <source>&amp;Cluster</source>
        <translation>&amp;Cluster</translation>
    </message>
    <message>
        <location filename="../widgets/mainwindow/mainwindow.cpp" line="142"/>
        <source>&amp;Help</source>
        <translation>&amp;Hilfe</translation>
    </message>
    <message>
        <location filename="../widgets/mainwindow/mainwindow.cpp" line="143"/>
        <source>&amp;About Foresight</source>
        <translation>Ü&amp;ber Foresight</translation>
    </message>
    <message>
        <location filename="../widgets/mainwindow/mainwindow.cpp" line="145"/>
        <source>About Foresight</source>
        <translation>Über Foresight</translation>
    </message>
    <message>
        <location filename="../widgets/mainwindow/mainwindow.cpp" line="146"/>
        <source>Foresight keeps applications&apos; state alive through host failures: replication in hot, warm and cold tiers, failure detection and failover.</source>
        <translation>Foresight erhält den Zustand von Anwendungen über Hostausfälle hinweg: Replikation in den Stufen Hot, Warm und Cold, Ausfallerkennung und Failover.</translation>
    </message>
    <message>
        <location filename="../widgets/mainwindow/mainwindow.cpp" line="159"/>
        <source>&amp;Promote…</source>
        <translation>&amp;Hochstufen…</translation>
    </message>
    <message>
        <location filename="../widgets/mainwindow/mainwindow.cpp" line="160"/>
        <source>&amp;Switch over…</source>
        <translation>&amp;Switchover…</translation>
    </message>
    <message>
        <location filename="../widgets/mainwindow/mainwindow.cpp" line="161"/>
        <source>Start &amp;maintenance…</source>
        <translation>&amp;Wartung beginnen…</translation>
    </message>
    <message>
        <location filename="../widgets/mainwindow/mainwindow.cpp" line="162"/>
        <source>&amp;End maintenance…</source>
        <translation>Wartung b&amp;eenden…</translation>
    </message>
    <message>
        <location filename="../widgets/mainwindow/mainwindow.cpp" line="163"/>
        <source>&amp;Acknowledge failover…</source>
        <translation>Failover &amp;quittieren…</translation>
    </message>
    <message>
        <location filename="../widgets/mainwindow/mainwindow.cpp" line="189"/>
        <source>Select an application&apos;s copy in the replicas table first.</source>
        <translation>Wählen Sie zuerst eine Kopie einer Anwendung in der Replikattabelle aus.</translation>
    </message>
    <message>
        <location filename="../widgets/mainwindow/mainwindow.cpp" line="208"/>
        <source>No cluster open: File &gt; Open cluster configuration (Ctrl+O)</source>
        <translation>Kein Cluster geöffnet: Datei &gt; Clusterkonfiguration öffnen (Strg+O)</translation>
    </message>
    <message>
        <location filename="../widgets/mainwindow/mainwindow.cpp" line="212"/>
        <location filename="../widgets/mainwindow/mainwindow.cpp" line="218"/>
        <source>No open alerts</source>
        <translation>Keine offenen Alarme</translation>
    </message>
    <message numerus="yes">
        <location filename="../widgets/mainwindow/mainwindow.cpp" line="218"/>
        <source>%n open alert(s)</source>
        <translation>
            <numerusform>%n offener Alarm</numerusform>
            <numerusform>%n offene Alarme</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../widgets/mainwindow/mainwindow.cpp" line="219"/>
        <source>Events and alerts (%1)</source>
        <translation>Ereignisse und Alarme (%1)</translation>
    </message>
    <message>
        <location filename="../widgets/mainwindow/mainwindow.cpp" line="237"/>
        <source>Foresight — %1</source>
        <translation>Foresight — %1</translation>
    </message>
    <message>
        <location filename="../widgets/mainwindow/mainwindow.cpp" line="239"/>
        <source>Cluster %1: engine running, snapshot of %2</source>
        <translation>Cluster %1: Engine läuft, Stand %2</translation>
    </message>
    <message>
        <location filename="../widgets/mainwindow/mainwindow.cpp" line="244"/>
        <source>Agents: %1 of %2 connected, %3 suspected</source>
        <translation>Agenten: %1 von %2 verbunden, %3 unter Ausfallverdacht</translation>
    </message>
    <message>
        <location filename="../widgets/mainwindow/mainwindow.cpp" line="245"/>
        <source>Agents: %1 of %2 connected</source>
        <translation>Agenten: %1 von %2 verbunden</translation>
    </message>
</context>
<context>
    <name>foresight::widgets::ReplicasModel</name>
    <message>
        <location filename="../widgets/models/replicasmodel.cpp" line="31"/>
        <source>never heard</source>
        <translation>nie gemeldet</translation>
    </message>
    <message>
        <location filename="../widgets/models/replicasmodel.cpp" line="33"/>
        <source>SUSPECTED</source>
        <translation>AUSFALLVERDACHT</translation>
    </message>
    <message>
        <location filename="../widgets/models/replicasmodel.cpp" line="41"/>
        <source>not writable</source>
        <translation>nicht beschreibbar</translation>
    </message>
    <message>
        <location filename="../widgets/models/replicasmodel.cpp" line="57"/>
        <source>INTEGRITY</source>
        <translation>INTEGRITÄT</translation>
    </message>
    <message>
        <location filename="../widgets/models/replicasmodel.cpp" line="59"/>
        <source>disconnected</source>
        <translation>getrennt</translation>
    </message>
    <message>
        <location filename="../widgets/models/replicasmodel.cpp" line="61"/>
        <source>lagging</source>
        <translation>im Rückstand</translation>
    </message>
    <message>
        <location filename="../widgets/models/replicasmodel.cpp" line="67"/>
        <location filename="../widgets/models/replicasmodel.cpp" line="147"/>
        <source>ok</source>
        <translation>OK</translation>
    </message>
    <message>
        <location filename="../widgets/models/replicasmodel.cpp" line="137"/>
        <source>primary</source>
        <translation>Primary</translation>
    </message>
    <message>
        <location filename="../widgets/models/replicasmodel.cpp" line="137"/>
        <source>replica</source>
        <translation>Replikat</translation>
    </message>
    <message>
        <location filename="../widgets/models/replicasmodel.cpp" line="147"/>
        <source>mismatch</source>
        <translation>Abweichung</translation>
    </message>
    <message>
        <location filename="../widgets/models/replicasmodel.cpp" line="149"/>
        <source>never</source>
        <translation>nie</translation>
    </message>
    <message>
        <location filename="../widgets/models/replicasmodel.cpp" line="195"/>
        <source>Status</source>
        <translation>Status</translation>
    </message>
    <message>
        <location filename="../widgets/models/replicasmodel.cpp" line="197"/>
        <source>Application</source>
        <translation>Anwendung</translation>
    </message>
    <message>
        <location filename="../widgets/models/replicasmodel.cpp" line="199"/>
        <source>Agent (host)</source>
        <translation>Agent (Host)</translation>
    </message>
    <message>
        <location filename="../widgets/models/replicasmodel.cpp" line="201"/>
        <source>Role</source>
        <translation>Rolle</translation>
    </message>
    <message>
        <location filename="../widgets/models/replicasmodel.cpp" line="203"/>
        <source>Tier</source>
        <translation>Stufe</translation>
    </message>
    <message>
        <location filename="../widgets/models/replicasmodel.cpp" line="205"/>
        <source>Lag (seqs)</source>
        <translation>Rückstand (Seq.)</translation>
    </message>
    <message>
        <location filename="../widgets/models/replicasmodel.cpp" line="207"/>
        <source>RTT (ms)</source>
        <translation>RTT (ms)</translation>
    </message>
    <message>
        <location filename="../widgets/models/replicasmodel.cpp" line="209"/>
        <source>Divergence</source>
        <translation>Divergenz</translation>
    </message>
    <message>
        <location filename="../widgets/models/replicasmodel.cpp" line="211"/>
        <source>Integrity</source>
        <translation>Integrität</translation>
    </message>
    <message>
        <location filename="../widgets/models/replicasmodel.cpp" line="213"/>
        <source>Heartbeat (ms ago)</source>
        <translation>Heartbeat-Alter (ms)</translation>
    </message>
    <message>
        <location filename="../widgets/models/replicasmodel.cpp" line="215"/>
        <source>Failure risk</source>
        <translation>Ausfallrisiko</translation>
    </message>
</context>
<context>
    <name>foresight::widgets::ReplicasPanel</name>
    <message>
        <location filename="../widgets/panels/replicaspanel.cpp" line="39"/>
        <source>Filter by application, agent, status…</source>
        <translation>Nach Anwendung, Agent, Status filtern…</translation>
    </message>
    <message>
        <location filename="../widgets/panels/replicaspanel.cpp" line="41"/>
        <source>Replica filter</source>
        <translation>Replikatfilter</translation>
    </message>
    <message>
        <location filename="../widgets/panels/replicaspanel.cpp" line="47"/>
        <source>Replicas</source>
        <translation>Replikate</translation>
    </message>
</context>
<context>
    <name>foresight::widgets::ThemeMenu</name>
    <message>
        <location filename="../widgets/theme/thememenu.cpp" line="10"/>
        <source>&amp;Theme</source>
        <translation>&amp;Farbschema</translation>
    </message>
    <message>
        <location filename="../widgets/theme/thememenu.cpp" line="20"/>
        <source>&amp;System</source>
        <translation>&amp;System</translation>
    </message>
    <message>
        <location filename="../widgets/theme/thememenu.cpp" line="20"/>
        <source>Use the desktop&apos;s colours and style</source>
        <translation>Farben und Stil des Desktops verwenden</translation>
    </message>
    <message>
        <location filename="../widgets/theme/thememenu.cpp" line="21"/>
        <source>&amp;Light</source>
        <translation>&amp;Hell</translation>
    </message>
    <message>
        <location filename="../widgets/theme/thememenu.cpp" line="21"/>
        <source>Dark text on light backgrounds</source>
        <translation>Dunkle Schrift auf hellem Hintergrund</translation>
    </message>
    <message>
        <location filename="../widgets/theme/thememenu.cpp" line="22"/>
        <source>&amp;Dark</source>
        <translation>&amp;Dunkel</translation>
    </message>
    <message>
        <location filename="../widgets/theme/thememenu.cpp" line="22"/>
        <source>Light text on dark backgrounds, for dim control rooms</source>
        <translation>Helle Schrift auf dunklem Hintergrund, für abgedunkelte Leitstände</translation>
    </message>
</context>
<context>
    <name>foresight::widgets::TopologyScene</name>
    <message>
        <location filename="../widgets/topology/topologyscene.cpp" line="93"/>
        <source>⚠ SUSPECTED</source>
        <translation>⚠ AUSFALLVERDACHT</translation>
    </message>
    <message numerus="yes">
        <location filename="../widgets/topology/topologyscene.cpp" line="216"/>
        <source>%1 and %n more</source>
        <translation>
            <numerusform>%1 und %n weiterer</numerusform>
            <numerusform>%1 und %n weitere</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../widgets/topology/topologyscene.cpp" line="366"/>
        <source>primary: %1</source>
        <translation>Primary: %1</translation>
    </message>
    <message numerus="yes">
        <location filename="../widgets/topology/topologyscene.cpp" line="368"/>
        <source>primary of %n apps</source>
        <translation>
            <numerusform>Primary für %n Anwendung</numerusform>
            <numerusform>Primary für %n Anwendungen</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../widgets/topology/topologyscene.cpp" line="417"/>
        <source>P</source>
        <comment>badge: primary</comment>
        <translation>P</translation>
    </message>
    <message>
        <location filename="../widgets/topology/topologyscene.cpp" line="418"/>
        <source>P%1</source>
        <comment>badge: primary of n apps</comment>
        <translation>P%1</translation>
    </message>
    <message>
        <location filename="../widgets/topology/topologyscene.cpp" line="425"/>
        <source>%1 on %2</source>
        <translation>%1 auf %2</translation>
    </message>
    <message>
        <location filename="../widgets/topology/topologyscene.cpp" line="426"/>
        <source>State: %1</source>
        <translation>Zustand: %1</translation>
    </message>
    <message>
        <location filename="../widgets/topology/topologyscene.cpp" line="428"/>
        <source>In maintenance</source>
        <translation>In Wartung</translation>
    </message>
    <message>
        <location filename="../widgets/topology/topologyscene.cpp" line="430"/>
        <source>Cannot watch: %1</source>
        <translation>Nicht überwachbar: %1</translation>
    </message>
    <message>
        <location filename="../widgets/topology/topologyscene.cpp" line="434"/>
        <source>Primary of: %1</source>
        <translation>Primary für: %1</translation>
    </message>
    <message>
        <location filename="../widgets/topology/topologyscene.cpp" line="436"/>
        <source>Replica of: %1</source>
        <translation>Replikat von: %1</translation>
    </message>
    <message>
        <location filename="../widgets/topology/topologyscene.cpp" line="489"/>
        <source>healthy</source>
        <translation>gesund</translation>
    </message>
    <message>
        <location filename="../widgets/topology/topologyscene.cpp" line="491"/>
        <source>maintenance</source>
        <translation>Wartung</translation>
    </message>
    <message>
        <location filename="../widgets/topology/topologyscene.cpp" line="493"/>
        <source>cannot watch</source>
        <translation>nicht überwachbar</translation>
    </message>
    <message>
        <location filename="../widgets/topology/topologyscene.cpp" line="495"/>
        <source>never heard</source>
        <translation>nie gemeldet</translation>
    </message>
    <message>
        <location filename="../widgets/topology/topologyscene.cpp" line="497"/>
        <source>SUSPECTED</source>
        <translation>AUSFALLVERDACHT</translation>
    </message>
    <message>
        <location filename="../widgets/topology/topologyscene.cpp" line="506"/>
        <source>ok</source>
        <translation>OK</translation>
    </message>
    <message>
        <location filename="../widgets/topology/topologyscene.cpp" line="508"/>
        <source>lagging</source>
        <translation>im Rückstand</translation>
    </message>
    <message>
        <location filename="../widgets/topology/topologyscene.cpp" line="510"/>
        <source>disconnected</source>
        <translation>getrennt</translation>
    </message>
    <message>
        <location filename="../widgets/topology/topologyscene.cpp" line="512"/>
        <source>integrity mismatch</source>
        <translation>Integritätsabweichung</translation>
    </message>
    <message>
        <location filename="../widgets/topology/topologyscene.cpp" line="596"/>
        <source>%1 (%2)</source>
        <translation>%1 (%2)</translation>
    </message>
    <message>
        <location filename="../widgets/topology/topologyscene.cpp" line="751"/>
        <source>%1: %2 replica on %3 → primary %4</source>
        <translation>%1: %2-Replikat auf %3 → Primary %4</translation>
    </message>
    <message>
        <location filename="../widgets/topology/topologyscene.cpp" line="753"/>
        <source>Lag: %1 seqs</source>
        <translation>Rückstand: %1 Seq.</translation>
    </message>
    <message>
        <location filename="../widgets/topology/topologyscene.cpp" line="754"/>
        <source>Round trip: not measured</source>
        <translation>Umlaufzeit: nicht gemessen</translation>
    </message>
    <message>
        <location filename="../widgets/topology/topologyscene.cpp" line="755"/>
        <source>Round trip: %1 ms</source>
        <translation>Umlaufzeit: %1 ms</translation>
    </message>
    <message>
        <location filename="../widgets/topology/topologyscene.cpp" line="757"/>
        <source>Link: %1</source>
        <translation>Verbindung: %1</translation>
    </message>
    <message>
        <location filename="../widgets/topology/topologyscene.cpp" line="828"/>
        <source>Host %1</source>
        <translation>Host %1</translation>
    </message>
</context>
<context>
    <name>foresight::widgets::TopologyView</name>
    <message>
        <location filename="../widgets/topology/topologyview.cpp" line="99"/>
        <source>hot replica</source>
        <translation>Hot-Replikat</translation>
    </message>
    <message>
        <location filename="../widgets/topology/topologyview.cpp" line="100"/>
        <source>warm replica</source>
        <translation>Warm-Replikat</translation>
    </message>
    <message>
        <location filename="../widgets/topology/topologyview.cpp" line="101"/>
        <source>cold replica</source>
        <translation>Cold-Replikat</translation>
    </message>
    <message>
        <location filename="../widgets/topology/topologyview.cpp" line="102"/>
        <source>lagging (≥ %1 seqs)</source>
        <translation>im Rückstand (≥ %1 Seq.)</translation>
    </message>
    <message>
        <location filename="../widgets/topology/topologyview.cpp" line="103"/>
        <source>disconnected</source>
        <translation>getrennt</translation>
    </message>
    <message>
        <location filename="../widgets/topology/topologyview.cpp" line="104"/>
        <source>integrity mismatch</source>
        <translation>Integritätsabweichung</translation>
    </message>
    <message>
        <location filename="../widgets/topology/topologyview.cpp" line="125"/>
        <source>P: primary</source>
        <translation>P: Primary</translation>
    </message>
    <message>
        <location filename="../widgets/topology/topologyview.cpp" line="138"/>
        <source>Cluster topology</source>
        <translation>Clustertopologie</translation>
    </message>
    <message>
        <location filename="../widgets/topology/topologyview.cpp" line="139"/>
        <source>Agents as nodes and replication links as arrows from each replica to its primary.</source>
        <translation>Agenten als Knoten, Replikationsverbindungen als Pfeile von jedem Replikat zu seinem Primary.</translation>
    </message>
    <message>
        <location filename="../widgets/topology/topologyview.cpp" line="307"/>
        <source>The cluster has no agents.</source>
        <translation>Der Cluster hat keine Agenten.</translation>
    </message>
    <message>
        <location filename="../widgets/topology/topologyview.cpp" line="307"/>
        <source>No cluster open.</source>
        <translation>Kein Cluster geöffnet.</translation>
    </message>
</context>
</TS>
