<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="de" sourcelanguage="en">
<context>
    <name>QObject</name>
    <message>
        <location filename="../app/console/windowdemo.cpp" line="41"/>
        <source>Memory leak</source>
        <translation>Speicherleck</translation>
    </message>
    <message>
        <location filename="../app/console/windowdemo.cpp" line="43"/>
        <source>Disk errors</source>
        <translation>Plattenfehler</translation>
    </message>
    <message>
        <location filename="../app/console/windowdemo.cpp" line="45"/>
        <source>Latency creep</source>
        <translation>Schleichende Latenz</translation>
    </message>
    <message>
        <location filename="../app/console/windowdemo.cpp" line="47"/>
        <source>CPU saturation</source>
        <translation>CPU-Sättigung</translation>
    </message>
    <message>
        <location filename="../app/console/windowdemo.cpp" line="68"/>
        <source>&amp;Demo</source>
        <translation>De&amp;mo</translation>
    </message>
    <message>
        <location filename="../app/console/windowdemo.cpp" line="69"/>
        <source>&amp;Kill agent (kill -9)</source>
        <translation>Agent &amp;abschießen (kill -9)</translation>
    </message>
    <message>
        <location filename="../app/console/windowdemo.cpp" line="70"/>
        <source>&amp;Restart agent</source>
        <translation>Agent &amp;neu starten</translation>
    </message>
    <message>
        <location filename="../app/console/windowdemo.cpp" line="71"/>
        <source>&amp;Freeze agent for 10 s (SIGSTOP)</source>
        <translation>Agent 10 s &amp;einfrieren (SIGSTOP)</translation>
    </message>
    <message>
        <location filename="../app/console/windowdemo.cpp" line="72"/>
        <source>&amp;Degrade host</source>
        <translation>Host &amp;verschlechtern</translation>
    </message>
    <message>
        <location filename="../app/console/windowdemo.cpp" line="73"/>
        <source>Re&amp;pair host</source>
        <translation>Host re&amp;parieren</translation>
    </message>
    <message>
        <location filename="../app/console/windowdemo.cpp" line="75"/>
        <source>Par&amp;tition</source>
        <translation>Ne&amp;tzwerk trennen</translation>
    </message>
    <message>
        <location filename="../app/console/windowdemo.cpp" line="84"/>
        <source>Killed %1 (kill -9)</source>
        <translation>%1 abgeschossen (kill -9)</translation>
    </message>
    <message>
        <location filename="../app/console/windowdemo.cpp" line="88"/>
        <source>%1 is running</source>
        <translation>%1 läuft</translation>
    </message>
    <message>
        <location filename="../app/console/windowdemo.cpp" line="93"/>
        <source>Restarted %1</source>
        <translation>%1 neu gestartet</translation>
    </message>
    <message>
        <location filename="../app/console/windowdemo.cpp" line="94"/>
        <source>Cannot restart %1: %2</source>
        <translation>%1 kann nicht neu gestartet werden: %2</translation>
    </message>
    <message>
        <location filename="../app/console/windowdemo.cpp" line="102"/>
        <source>Froze %1 for 10 s</source>
        <translation>%1 für 10 s eingefroren</translation>
    </message>
    <message>
        <location filename="../app/console/windowdemo.cpp" line="115"/>
        <source>%1 on %2&apos;s host, worsening over a minute</source>
        <translation>%1 auf dem Host von %2, schlimmer werdend über eine Minute</translation>
    </message>
    <message>
        <location filename="../app/console/windowdemo.cpp" line="120"/>
        <source>Repaired %1&apos;s host</source>
        <translation>Host von %1 repariert</translation>
    </message>
    <message>
        <location filename="../app/console/windowdemo.cpp" line="125"/>
        <source>Cut %1 off from the rest for 30 s</source>
        <translation>%1 für 30 s vom Rest abtrennen</translation>
    </message>
    <message>
        <location filename="../app/console/windowdemo.cpp" line="131"/>
        <source>Cut %1 off from the rest of the network for 30 s</source>
        <translation>%1 für 30 s vom übrigen Netz abgetrennt</translation>
    </message>
    <message>
        <location filename="../app/console/windowdemo.cpp" line="137"/>
        <source>&amp;Heal all partitions</source>
        <translation>Alle Netztrennungen &amp;aufheben</translation>
    </message>
    <message>
        <location filename="../app/console/windowdemo.cpp" line="142"/>
        <source>Healed all partitions</source>
        <translation>Alle Netztrennungen aufgehoben</translation>
    </message>
    <message>
        <location filename="../app/console/windowdemo.cpp" line="185"/>
        <source>The scenario cannot start: %1</source>
        <translation>Das Szenario kann nicht starten: %1</translation>
    </message>
    <message>
        <location filename="../app/console/windowdemo.cpp" line="241"/>
        <source>Scoring: reading back every acknowledged write...</source>
        <translation>Bewertung: jeder bestätigte Schreibvorgang wird zurückgelesen...</translation>
    </message>
    <message>
        <location filename="../app/console/windowdemo.cpp" line="301"/>
        <source>Training</source>
        <translation>Training</translation>
    </message>
    <message>
        <location filename="../app/console/windowdemo.cpp" line="345"/>
        <source>%1 thawed</source>
        <translation>%1 aufgetaut</translation>
    </message>
    <message>
        <location filename="../app/console/windowrunner.cpp" line="49"/>
        <source>Cannot open the cluster</source>
        <translation>Der Cluster kann nicht geöffnet werden</translation>
    </message>
</context>
<context>
    <name>foresight::widgets::CommandDialog</name>
    <message>
        <location filename="../widgets/dialogs/commanddialog.cpp" line="65"/>
        <source>Force: promote although acknowledged writes would be lost</source>
        <translation>Erzwingen: hochstufen, obwohl bestätigte Schreibvorgänge verloren gingen</translation>
    </message>
    <message>
        <location filename="../widgets/dialogs/commanddialog.cpp" line="72"/>
        <source>Promote a replica of %1</source>
        <translation>Ein Replikat von %1 hochstufen</translation>
    </message>
    <message>
        <location filename="../widgets/dialogs/commanddialog.cpp" line="73"/>
        <source>&amp;Promote</source>
        <translation>&amp;Hochstufen</translation>
    </message>
    <message>
        <location filename="../widgets/dialogs/commanddialog.cpp" line="76"/>
        <source>Switch over %1</source>
        <translation>Switchover für %1</translation>
    </message>
    <message>
        <location filename="../widgets/dialogs/commanddialog.cpp" line="77"/>
        <source>&amp;Switch over</source>
        <translation>Switchover &amp;ausführen</translation>
    </message>
    <message>
        <location filename="../widgets/dialogs/commanddialog.cpp" line="80"/>
        <source>Maintenance on %1</source>
        <translation>Wartung auf %1</translation>
    </message>
    <message>
        <location filename="../widgets/dialogs/commanddialog.cpp" line="81"/>
        <source>&amp;Start maintenance</source>
        <translation>Wartung &amp;beginnen</translation>
    </message>
    <message>
        <location filename="../widgets/dialogs/commanddialog.cpp" line="84"/>
        <source>End maintenance on %1</source>
        <translation>Wartung auf %1 beenden</translation>
    </message>
    <message>
        <location filename="../widgets/dialogs/commanddialog.cpp" line="85"/>
        <source>&amp;End maintenance</source>
        <translation>Wartung b&amp;eenden</translation>
    </message>
    <message>
        <location filename="../widgets/dialogs/commanddialog.cpp" line="88"/>
        <source>Acknowledge the failover of %1</source>
        <translation>Failover von %1 quittieren</translation>
    </message>
    <message>
        <location filename="../widgets/dialogs/commanddialog.cpp" line="89"/>
        <source>&amp;Acknowledge</source>
        <translation>&amp;Quittieren</translation>
    </message>
    <message>
        <location filename="../widgets/dialogs/commanddialog.cpp" line="92"/>
        <source>Create a shadow of %1</source>
        <translation>Shadow von %1 anlegen</translation>
    </message>
    <message>
        <location filename="../widgets/dialogs/commanddialog.cpp" line="93"/>
        <source>Create a shadow of %1 on %2</source>
        <translation>Shadow von %1 auf %2 anlegen</translation>
    </message>
    <message>
        <location filename="../widgets/dialogs/commanddialog.cpp" line="94"/>
        <source>&amp;Create shadow</source>
        <translation>Shadow an&amp;legen</translation>
    </message>
    <message>
        <location filename="../widgets/dialogs/commanddialog.cpp" line="97"/>
        <source>Swap %1 onto its shadow</source>
        <translation>Swap von %1 auf seinen Shadow</translation>
    </message>
    <message>
        <location filename="../widgets/dialogs/commanddialog.cpp" line="98"/>
        <source>S&amp;wap</source>
        <translation>S&amp;wap</translation>
    </message>
    <message>
        <location filename="../widgets/dialogs/commanddialog.cpp" line="101"/>
        <source>Promote the shadow of %1</source>
        <translation>Shadow von %1 hochstufen</translation>
    </message>
    <message>
        <location filename="../widgets/dialogs/commanddialog.cpp" line="102"/>
        <source>&amp;Promote shadow</source>
        <translation>Shadow &amp;hochstufen</translation>
    </message>
    <message>
        <location filename="../widgets/dialogs/commanddialog.cpp" line="105"/>
        <source>Retire the shadow of %1</source>
        <translation>Shadow von %1 auflösen</translation>
    </message>
    <message>
        <location filename="../widgets/dialogs/commanddialog.cpp" line="106"/>
        <source>&amp;Retire shadow</source>
        <translation>Shadow a&amp;uflösen</translation>
    </message>
    <message>
        <location filename="../widgets/dialogs/commanddialog.cpp" line="109"/>
        <source>Update %1 through its shadow</source>
        <translation>%1 über seinen Shadow aktualisieren</translation>
    </message>
    <message>
        <location filename="../widgets/dialogs/commanddialog.cpp" line="110"/>
        <source>&amp;Update</source>
        <translation>&amp;Aktualisieren</translation>
    </message>
    <message>
        <location filename="../widgets/dialogs/commanddialog.cpp" line="121"/>
        <source>The keys of %1&apos;s process that change, as JSON (command, arguments, environment, workingDirectory, validateCommand, ...). The new version starts on the shadow, the validation command runs against it, and only if it passes is the shadow swapped in; the old version stays ready on the former primary.</source>
        <translation>Die Schlüssel des Prozesses von %1, die sich ändern, als JSON (command, arguments, environment, workingDirectory, validateCommand, ...). Die neue Version startet auf dem Shadow, das Validierungskommando läuft gegen sie, und nur wenn es besteht, wird der Shadow eingewechselt; die alte Version bleibt auf dem bisherigen Primary bereit.</translation>
    </message>
    <message>
        <location filename="../widgets/dialogs/commanddialog.cpp" line="131"/>
        <source>Process changes</source>
        <translation>Prozessänderungen</translation>
    </message>
    <message>
        <location filename="../widgets/dialogs/commanddialog.cpp" line="136"/>
        <source>&amp;Check with the engine</source>
        <translation>Mit der Engine &amp;prüfen</translation>
    </message>
    <message>
        <location filename="../widgets/dialogs/commanddialog.cpp" line="146"/>
        <source>Check the update with the engine before confirming it.</source>
        <translation>Prüfen Sie die Aktualisierung mit der Engine, bevor Sie sie bestätigen.</translation>
    </message>
    <message>
        <location filename="../widgets/dialogs/commanddialog.cpp" line="170"/>
        <source>Write the changes, then check them with the engine before confirming.</source>
        <translation>Schreiben Sie die Änderungen und prüfen Sie sie mit der Engine, bevor Sie bestätigen.</translation>
    </message>
    <message>
        <location filename="../widgets/dialogs/commanddialog.cpp" line="173"/>
        <source>%1 will never be promoted and will get no new replica roles until maintenance ends. Replicas it holds keep replicating.</source>
        <translation>%1 wird bis zum Ende der Wartung nicht hochgestuft und erhält keine neuen Replikatrollen. Seine Replikate replizieren weiter.</translation>
    </message>
    <message>
        <location filename="../widgets/dialogs/commanddialog.cpp" line="179"/>
        <source>%1 may be promoted and given replica roles again.</source>
        <translation>%1 kann wieder hochgestuft werden und Replikatrollen erhalten.</translation>
    </message>
    <message>
        <location filename="../widgets/dialogs/commanddialog.cpp" line="183"/>
        <source>The last failover of %1 is acknowledged: the anti-flapping block ends and the engine may fail %1 over automatically again.</source>
        <translation>Das letzte Failover von %1 wird quittiert: Die Flapping-Sperre endet, und die Engine darf für %1 wieder automatisch ein Failover ausführen.</translation>
    </message>
    <message>
        <location filename="../widgets/dialogs/commanddialog.cpp" line="215"/>
        <source>The changes are not JSON: %1 at character %2.</source>
        <translation>Die Änderungen sind kein JSON: %1 bei Zeichen %2.</translation>
    </message>
    <message>
        <location filename="../widgets/dialogs/commanddialog.cpp" line="218"/>
        <source>The changes must be a JSON object with at least one key of the process, such as {&quot;arguments&quot;: [&quot;--release&quot;, &quot;2&quot;]}.</source>
        <translation>Die Änderungen müssen ein JSON-Objekt mit mindestens einem Schlüssel des Prozesses sein, etwa {&quot;arguments&quot;: [&quot;--release&quot;, &quot;2&quot;]}.</translation>
    </message>
    <message>
        <location filename="../widgets/dialogs/commanddialog.cpp" line="246"/>
        <source>Asking the engine what would happen…</source>
        <translation>Die Engine prüft, was geschehen würde…</translation>
    </message>
    <message>
        <location filename="../widgets/dialogs/commanddialog.cpp" line="285"/>
        <source>Candidate %1 (rank %2): %3</source>
        <translation>Kandidat %1 (Rang %2): %3</translation>
    </message>
    <message>
        <location filename="../widgets/dialogs/commanddialog.cpp" line="291"/>
        <source>Data at risk: %1 writes the candidate does not hold would be lost.</source>
        <translation>Gefährdete Daten: %1 Schreibvorgänge, die dem Kandidaten fehlen, gingen verloren.</translation>
    </message>
    <message>
        <location filename="../widgets/dialogs/commanddialog.cpp" line="292"/>
        <source>Data at risk: none; the candidate holds every acknowledged write.</source>
        <translation>Gefährdete Daten: keine; der Kandidat hat jeden bestätigten Schreibvorgang.</translation>
    </message>
    <message>
        <location filename="../widgets/dialogs/commanddialog.cpp" line="341"/>
        <location filename="../widgets/dialogs/commanddialog.cpp" line="342"/>
        <source>Refused: %1</source>
        <translation>Abgelehnt: %1</translation>
    </message>
    <message>
        <location filename="../widgets/dialogs/commanddialog.cpp" line="355"/>
        <source>Done: %1</source>
        <translation>Erledigt: %1</translation>
    </message>
    <message>
        <location filename="../widgets/dialogs/commanddialog.cpp" line="355"/>
        <source>Failed: %1</source>
        <translation>Fehlgeschlagen: %1</translation>
    </message>
    <message>
        <location filename="../widgets/dialogs/commanddialog.cpp" line="358"/>
        <source>&amp;Close</source>
        <translation>&amp;Schließen</translation>
    </message>
    <message>
        <location filename="../widgets/dialogs/commanddialog.cpp" line="372"/>
        <source>Swapping: waiting for the engine to finish the swap…</source>
        <translation>Swap läuft: warte, bis die Engine ihn beendet hat…</translation>
    </message>
    <message>
        <location filename="../widgets/dialogs/commanddialog.cpp" line="373"/>
        <source>Updating: the new version starts on the shadow, its validation runs, then the swap (this can take minutes); the Shadows panel shows each step…</source>
        <translation>Aktualisierung läuft: Die neue Version startet auf dem Shadow, ihre Validierung läuft, dann der Swap (das kann Minuten dauern); das Shadows-Panel zeigt jeden Schritt…</translation>
    </message>
    <message>
        <location filename="../widgets/dialogs/commanddialog.cpp" line="376"/>
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
        <location filename="../widgets/models/eventsmodel.cpp" line="62"/>
        <source>critical</source>
        <translation>kritisch</translation>
    </message>
    <message>
        <location filename="../widgets/models/eventsmodel.cpp" line="64"/>
        <source>warning</source>
        <translation>Warnung</translation>
    </message>
    <message>
        <location filename="../widgets/models/eventsmodel.cpp" line="68"/>
        <source>info</source>
        <translation>Info</translation>
    </message>
    <message>
        <location filename="../widgets/models/eventsmodel.cpp" line="238"/>
        <source>acknowledged</source>
        <translation>quittiert</translation>
    </message>
    <message>
        <location filename="../widgets/models/eventsmodel.cpp" line="238"/>
        <source>open</source>
        <translation>offen</translation>
    </message>
    <message>
        <location filename="../widgets/models/eventsmodel.cpp" line="310"/>
        <source>Time</source>
        <translation>Zeit</translation>
    </message>
    <message>
        <location filename="../widgets/models/eventsmodel.cpp" line="312"/>
        <source>Severity</source>
        <translation>Schweregrad</translation>
    </message>
    <message>
        <location filename="../widgets/models/eventsmodel.cpp" line="314"/>
        <source>Alert</source>
        <translation>Alarm</translation>
    </message>
    <message>
        <location filename="../widgets/models/eventsmodel.cpp" line="316"/>
        <source>Kind</source>
        <translation>Art</translation>
    </message>
    <message>
        <location filename="../widgets/models/eventsmodel.cpp" line="318"/>
        <source>Application</source>
        <translation>Anwendung</translation>
    </message>
    <message>
        <location filename="../widgets/models/eventsmodel.cpp" line="320"/>
        <source>Agent</source>
        <translation>Agent</translation>
    </message>
    <message>
        <location filename="../widgets/models/eventsmodel.cpp" line="322"/>
        <source>Actor</source>
        <translation>Auslöser</translation>
    </message>
    <message>
        <location filename="../widgets/models/eventsmodel.cpp" line="324"/>
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
        <location filename="../widgets/panels/eventspanel.cpp" line="146"/>
        <source>Acknowledge the selected alerts</source>
        <translation>Ausgewählte Alarme quittieren</translation>
    </message>
    <message>
        <location filename="../widgets/panels/eventspanel.cpp" line="147"/>
        <source>Acknowledge all shown alerts</source>
        <translation>Alle angezeigten Alarme quittieren</translation>
    </message>
    <message>
        <location filename="../widgets/panels/eventspanel.cpp" line="217"/>
        <source>No open alerts</source>
        <translation>Keine offenen Alarme</translation>
    </message>
    <message numerus="yes">
        <location filename="../widgets/panels/eventspanel.cpp" line="217"/>
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
        <location filename="../widgets/panels/hostdetailpanel.cpp" line="66"/>
        <source>Host detail</source>
        <translation>Hostdetails</translation>
    </message>
    <message>
        <location filename="../widgets/panels/hostdetailpanel.cpp" line="69"/>
        <source>Agent</source>
        <translation>Agent</translation>
    </message>
    <message>
        <location filename="../widgets/panels/hostdetailpanel.cpp" line="70"/>
        <source>The agent whose host is shown</source>
        <translation>Der Agent, dessen Host angezeigt wird</translation>
    </message>
    <message>
        <location filename="../widgets/panels/hostdetailpanel.cpp" line="73"/>
        <source>Time window</source>
        <translation>Zeitfenster</translation>
    </message>
    <message numerus="yes">
        <location filename="../widgets/panels/hostdetailpanel.cpp" line="75"/>
        <location filename="../widgets/panels/hostdetailpanel.cpp" line="333"/>
        <source>Last %n min</source>
        <translation>
            <numerusform>Letzte %n Min.</numerusform>
            <numerusform>Letzte %n Min.</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../widgets/panels/hostdetailpanel.cpp" line="79"/>
        <source>Host state</source>
        <translation>Hostzustand</translation>
    </message>
    <message>
        <location filename="../widgets/panels/hostdetailpanel.cpp" line="84"/>
        <source>Host metrics state</source>
        <translation>Zustand der Hostmetriken</translation>
    </message>
    <message>
        <location filename="../widgets/panels/hostdetailpanel.cpp" line="89"/>
        <source>Agent warnings</source>
        <translation>Warnungen des Agenten</translation>
    </message>
    <message>
        <location filename="../widgets/panels/hostdetailpanel.cpp" line="94"/>
        <location filename="../widgets/panels/hostdetailpanel.cpp" line="132"/>
        <location filename="../widgets/panels/hostdetailpanel.cpp" line="135"/>
        <source>Failure risk</source>
        <translation>Ausfallrisiko</translation>
    </message>
    <message>
        <location filename="../widgets/panels/hostdetailpanel.cpp" line="97"/>
        <source>Host inventory</source>
        <translation>Host-Inventar</translation>
    </message>
    <message>
        <location filename="../widgets/panels/hostdetailpanel.cpp" line="104"/>
        <source>CPU and memory (%)</source>
        <translation>CPU und Speicher (%)</translation>
    </message>
    <message>
        <location filename="../widgets/panels/hostdetailpanel.cpp" line="105"/>
        <source>CPU and memory chart</source>
        <translation>Diagramm CPU und Speicher</translation>
    </message>
    <message>
        <location filename="../widgets/panels/hostdetailpanel.cpp" line="107"/>
        <source>CPU busy</source>
        <translation>CPU ausgelastet</translation>
    </message>
    <message>
        <location filename="../widgets/panels/hostdetailpanel.cpp" line="108"/>
        <source>I/O wait</source>
        <translation>I/O-Wartezeit</translation>
    </message>
    <message>
        <location filename="../widgets/panels/hostdetailpanel.cpp" line="109"/>
        <source>Memory used</source>
        <translation>Speicher belegt</translation>
    </message>
    <message>
        <location filename="../widgets/panels/hostdetailpanel.cpp" line="110"/>
        <source>Swap used</source>
        <translation>Swap belegt</translation>
    </message>
    <message>
        <location filename="../widgets/panels/hostdetailpanel.cpp" line="112"/>
        <source>Load average</source>
        <translation>Systemlast</translation>
    </message>
    <message>
        <location filename="../widgets/panels/hostdetailpanel.cpp" line="113"/>
        <source>Load chart</source>
        <translation>Diagramm Systemlast</translation>
    </message>
    <message>
        <location filename="../widgets/panels/hostdetailpanel.cpp" line="115"/>
        <source>1 min</source>
        <translation>1 Min.</translation>
    </message>
    <message>
        <location filename="../widgets/panels/hostdetailpanel.cpp" line="115"/>
        <source>15 min</source>
        <translation>15 Min.</translation>
    </message>
    <message>
        <location filename="../widgets/panels/hostdetailpanel.cpp" line="117"/>
        <source>Disk</source>
        <translation>Datenträger</translation>
    </message>
    <message>
        <location filename="../widgets/panels/hostdetailpanel.cpp" line="118"/>
        <source>Disk chart</source>
        <translation>Diagramm Datenträger</translation>
    </message>
    <message>
        <location filename="../widgets/panels/hostdetailpanel.cpp" line="120"/>
        <source>Read</source>
        <translation>Lesen</translation>
    </message>
    <message>
        <location filename="../widgets/panels/hostdetailpanel.cpp" line="120"/>
        <source>Write</source>
        <translation>Schreiben</translation>
    </message>
    <message>
        <location filename="../widgets/panels/hostdetailpanel.cpp" line="122"/>
        <source>Network</source>
        <translation>Netzwerk</translation>
    </message>
    <message>
        <location filename="../widgets/panels/hostdetailpanel.cpp" line="123"/>
        <source>Network chart</source>
        <translation>Diagramm Netzwerk</translation>
    </message>
    <message>
        <location filename="../widgets/panels/hostdetailpanel.cpp" line="125"/>
        <source>Received</source>
        <translation>Empfangen</translation>
    </message>
    <message>
        <location filename="../widgets/panels/hostdetailpanel.cpp" line="126"/>
        <source>Sent</source>
        <translation>Gesendet</translation>
    </message>
    <message>
        <location filename="../widgets/panels/hostdetailpanel.cpp" line="127"/>
        <source>Receive errors</source>
        <translation>Empfangsfehler</translation>
    </message>
    <message>
        <location filename="../widgets/panels/hostdetailpanel.cpp" line="128"/>
        <source>Send errors</source>
        <translation>Sendefehler</translation>
    </message>
    <message>
        <location filename="../widgets/panels/hostdetailpanel.cpp" line="129"/>
        <source>Drops</source>
        <translation>Verworfene Pakete</translation>
    </message>
    <message>
        <location filename="../widgets/panels/hostdetailpanel.cpp" line="130"/>
        <source>errors/s</source>
        <translation>Fehler/s</translation>
    </message>
    <message>
        <location filename="../widgets/panels/hostdetailpanel.cpp" line="133"/>
        <source>Failure risk chart</source>
        <translation>Diagramm Ausfallrisiko</translation>
    </message>
    <message>
        <location filename="../widgets/panels/hostdetailpanel.cpp" line="145"/>
        <source>Agent:</source>
        <translation>Agent:</translation>
    </message>
    <message>
        <location filename="../widgets/panels/hostdetailpanel.cpp" line="350"/>
        <location filename="../widgets/panels/hostinventorytext.cpp" line="23"/>
        <source>%1 (%2)</source>
        <translation>%1 (%2)</translation>
    </message>
    <message>
        <location filename="../widgets/panels/hostdetailpanel.cpp" line="393"/>
        <source>No agent chosen.</source>
        <translation>Kein Agent ausgewählt.</translation>
    </message>
    <message>
        <location filename="../widgets/panels/hostdetailpanel.cpp" line="393"/>
        <source>No agents yet.</source>
        <translation>Noch keine Agenten.</translation>
    </message>
    <message>
        <location filename="../widgets/panels/hostdetailpanel.cpp" line="401"/>
        <source>Agent %1 is no longer in the cluster; its history is kept.</source>
        <translation>Agent %1 gehört nicht mehr zum Cluster; sein Verlauf bleibt erhalten.</translation>
    </message>
    <message>
        <location filename="../widgets/panels/hostdetailpanel.cpp" line="402"/>
        <source>Agent %1 is not in the cluster.</source>
        <translation>Agent %1 gehört nicht zum Cluster.</translation>
    </message>
    <message>
        <location filename="../widgets/panels/hostdetailpanel.cpp" line="414"/>
        <source>%1: %2</source>
        <translation>%1: %2</translation>
    </message>
    <message>
        <location filename="../widgets/panels/hostdetailpanel.cpp" line="416"/>
        <source>%1: never heard</source>
        <translation>%1: nie gemeldet</translation>
    </message>
    <message>
        <location filename="../widgets/panels/hostdetailpanel.cpp" line="418"/>
        <source>%1: SUSPECTED (phi %2), heard %3 ms ago</source>
        <translation>%1: AUSFALLVERDACHT (phi %2), zuletzt vor %3 ms gemeldet</translation>
    </message>
    <message>
        <location filename="../widgets/panels/hostdetailpanel.cpp" line="421"/>
        <source>%1: heard %2 ms ago</source>
        <translation>%1: zuletzt vor %2 ms gemeldet</translation>
    </message>
    <message>
        <location filename="../widgets/panels/hostdetailpanel.cpp" line="423"/>
        <source>%1 (maintenance)</source>
        <translation>%1 (Wartung)</translation>
    </message>
    <message>
        <location filename="../widgets/panels/hostdetailpanel.cpp" line="429"/>
        <source>Host %1 — %2</source>
        <translation>Host %1 — %2</translation>
    </message>
    <message>
        <location filename="../widgets/panels/hostdetailpanel.cpp" line="429"/>
        <location filename="../widgets/panels/hostdetailpanel.cpp" line="454"/>
        <source>; </source>
        <translation>; </translation>
    </message>
    <message>
        <location filename="../widgets/panels/hostdetailpanel.cpp" line="447"/>
        <source>Choose an agent to see its host&apos;s metrics.</source>
        <translation>Wählen Sie einen Agenten, um die Metriken seines Hosts zu sehen.</translation>
    </message>
    <message>
        <location filename="../widgets/panels/hostdetailpanel.cpp" line="448"/>
        <source>No metrics yet from %1: its heartbeats have not carried host metrics.</source>
        <translation>Noch keine Metriken von %1: Seine Heartbeats enthielten bisher keine Hostmetriken.</translation>
    </message>
    <message>
        <location filename="../widgets/panels/hostdetailpanel.cpp" line="455"/>
        <source>The agent reports: %1</source>
        <translation>Der Agent meldet: %1</translation>
    </message>
    <message>
        <location filename="../widgets/panels/hostdetailpanel.cpp" line="468"/>
        <source>Failure risk: no prediction yet.</source>
        <translation>Ausfallrisiko: noch keine Vorhersage.</translation>
    </message>
    <message>
        <location filename="../widgets/panels/hostdetailpanel.cpp" line="471"/>
        <source>Failure risk: %1 at %2</source>
        <translation>Ausfallrisiko: %1 um %2</translation>
    </message>
    <message>
        <location filename="../widgets/panels/hostdetailpanel.cpp" line="501"/>
        <source>B/s</source>
        <translation>B/s</translation>
    </message>
    <message>
        <location filename="../widgets/panels/hostdetailpanel.cpp" line="501"/>
        <source>KiB/s</source>
        <translation>KiB/s</translation>
    </message>
    <message>
        <location filename="../widgets/panels/hostdetailpanel.cpp" line="501"/>
        <source>MiB/s</source>
        <translation>MiB/s</translation>
    </message>
    <message>
        <location filename="../widgets/panels/hostdetailpanel.cpp" line="501"/>
        <source>GiB/s</source>
        <translation>GiB/s</translation>
    </message>
    <message>
        <location filename="../widgets/panels/hostinventorytext.cpp" line="14"/>
        <source>Inventory: not received yet from %1.</source>
        <translation>Inventar: von %1 noch nicht erhalten.</translation>
    </message>
    <message>
        <location filename="../widgets/panels/hostinventorytext.cpp" line="15"/>
        <source>Inventory: not received from %1: %2</source>
        <translation>Inventar: von %1 nicht erhalten: %2</translation>
    </message>
    <message>
        <location filename="../widgets/panels/hostinventorytext.cpp" line="22"/>
        <source>%1 CPUs</source>
        <translation>%1 CPUs</translation>
    </message>
    <message>
        <location filename="../widgets/panels/hostinventorytext.cpp" line="22"/>
        <source>1 CPU</source>
        <translation>1 CPU</translation>
    </message>
    <message>
        <location filename="../widgets/panels/hostinventorytext.cpp" line="24"/>
        <source>%1 memory</source>
        <translation>%1 Arbeitsspeicher</translation>
    </message>
    <message>
        <location filename="../widgets/panels/hostinventorytext.cpp" line="26"/>
        <source>%1 swap</source>
        <translation>%1 Swap</translation>
    </message>
    <message>
        <location filename="../widgets/panels/hostinventorytext.cpp" line="29"/>
        <source>%1 %2</source>
        <translation>%1 %2</translation>
    </message>
    <message>
        <location filename="../widgets/panels/hostinventorytext.cpp" line="30"/>
        <source>Inventory: %1; interfaces %2; disks %3</source>
        <translation>Inventar: %1; Schnittstellen %2; Datenträger %3</translation>
    </message>
    <message>
        <location filename="../widgets/panels/hostinventorytext.cpp" line="31"/>
        <location filename="../widgets/panels/hostinventorytext.cpp" line="32"/>
        <location filename="../widgets/panels/hostinventorytext.cpp" line="33"/>
        <source>, </source>
        <translation>, </translation>
    </message>
    <message>
        <location filename="../widgets/panels/hostinventorytext.cpp" line="32"/>
        <location filename="../widgets/panels/hostinventorytext.cpp" line="33"/>
        <source>none</source>
        <translation>keine</translation>
    </message>
    <message>
        <location filename="../widgets/panels/hostinventorytext.cpp" line="35"/>
        <source>; kernel %1</source>
        <translation>; Kernel %1</translation>
    </message>
    <message>
        <location filename="../widgets/panels/hostinventorytext.cpp" line="39"/>
        <source> (changed on the host: updating)</source>
        <translation> (auf dem Host geändert: wird aktualisiert)</translation>
    </message>
    <message>
        <location filename="../widgets/panels/hostinventorytext.cpp" line="40"/>
        <source> (changed on the host; fetching failed: %1)</source>
        <translation> (auf dem Host geändert; Abruf fehlgeschlagen: %1)</translation>
    </message>
</context>
<context>
    <name>foresight::widgets::MainWindow</name>
    <message>
        <location filename="../widgets/mainwindow/mainwindow.cpp" line="46"/>
        <source>Foresight</source>
        <translation>Foresight</translation>
    </message>
    <message>
        <location filename="../widgets/mainwindow/mainwindow.cpp" line="78"/>
        <source>&amp;View</source>
        <translation>&amp;Ansicht</translation>
    </message>
    <message>
        <location filename="../widgets/mainwindow/mainwindow.cpp" line="83"/>
        <source>Replicas</source>
        <translation>Replikate</translation>
    </message>
    <message>
        <location filename="../widgets/mainwindow/mainwindow.cpp" line="86"/>
        <source>Shadows</source>
        <translation>Shadows</translation>
    </message>
    <message>
        <location filename="../widgets/mainwindow/mainwindow.cpp" line="90"/>
        <source>Staleness</source>
        <translation>Veraltung</translation>
    </message>
    <message>
        <location filename="../widgets/mainwindow/mainwindow.cpp" line="94"/>
        <source>Mirrors</source>
        <translation>Spiegel</translation>
    </message>
    <message>
        <location filename="../widgets/mainwindow/mainwindow.cpp" line="109"/>
        <location filename="../widgets/mainwindow/mainwindow.cpp" line="278"/>
        <source>Events and alerts</source>
        <translation>Ereignisse und Alarme</translation>
    </message>
    <message>
        <location filename="../widgets/mainwindow/mainwindow.cpp" line="112"/>
        <source>Host detail</source>
        <translation>Hostdetails</translation>
    </message>
    <message>
        <location filename="../widgets/mainwindow/mainwindow.cpp" line="166"/>
        <source>&amp;File</source>
        <translation>&amp;Datei</translation>
    </message>
    <message>
        <location filename="../widgets/mainwindow/mainwindow.cpp" line="167"/>
        <source>&amp;Open cluster configuration…</source>
        <translation>Clusterkonfiguration ö&amp;ffnen…</translation>
    </message>
    <message>
        <location filename="../widgets/mainwindow/mainwindow.cpp" line="171"/>
        <source>Open cluster configuration</source>
        <translation>Clusterkonfiguration öffnen</translation>
    </message>
    <message>
        <location filename="../widgets/mainwindow/mainwindow.cpp" line="173"/>
        <source>Cluster configurations (*.json);;All files (*)</source>
        <translation>Clusterkonfigurationen (*.json);;Alle Dateien (*)</translation>
    </message>
    <message>
        <location filename="../widgets/mainwindow/mainwindow.cpp" line="177"/>
        <source>&amp;Export incident report…</source>
        <translation>Vorfallbericht &amp;exportieren…</translation>
    </message>
    <message>
        <location filename="../widgets/mainwindow/mainwindow.cpp" line="185"/>
        <source>&amp;Quit</source>
        <translation>&amp;Beenden</translation>
    </message>
    <message>
        <location filename="../widgets/mainwindow/mainwindow.cpp" line="189"/>
        <source>&amp;Cluster</source>
        <translation>&amp;Cluster</translation>
    </message>
    <message>
        <location filename="../widgets/mainwindow/mainwindow.cpp" line="194"/>
        <source>&amp;Help</source>
        <translation>&amp;Hilfe</translation>
    </message>
    <message>
        <location filename="../widgets/mainwindow/mainwindow.cpp" line="195"/>
        <source>&amp;About Foresight</source>
        <translation>Ü&amp;ber Foresight</translation>
    </message>
    <message>
        <location filename="../widgets/mainwindow/mainwindow.cpp" line="197"/>
        <source>About Foresight</source>
        <translation>Über Foresight</translation>
    </message>
    <message>
        <location filename="../widgets/mainwindow/mainwindow.cpp" line="198"/>
        <source>Foresight keeps applications&apos; state alive through host failures: replication in hot, warm and cold tiers, failure detection and failover.</source>
        <translation>Foresight erhält den Zustand von Anwendungen über Hostausfälle hinweg: Replikation in den Stufen Hot, Warm und Cold, Ausfallerkennung und Failover.</translation>
    </message>
    <message>
        <location filename="../widgets/mainwindow/mainwindow.cpp" line="211"/>
        <source>&amp;Promote…</source>
        <translation>&amp;Hochstufen…</translation>
    </message>
    <message>
        <location filename="../widgets/mainwindow/mainwindow.cpp" line="212"/>
        <source>&amp;Switch over…</source>
        <translation>&amp;Switchover…</translation>
    </message>
    <message>
        <location filename="../widgets/mainwindow/mainwindow.cpp" line="213"/>
        <source>Start &amp;maintenance…</source>
        <translation>&amp;Wartung beginnen…</translation>
    </message>
    <message>
        <location filename="../widgets/mainwindow/mainwindow.cpp" line="214"/>
        <source>&amp;End maintenance…</source>
        <translation>Wartung b&amp;eenden…</translation>
    </message>
    <message>
        <location filename="../widgets/mainwindow/mainwindow.cpp" line="215"/>
        <source>&amp;Acknowledge failover…</source>
        <translation>Failover &amp;quittieren…</translation>
    </message>
    <message>
        <location filename="../widgets/mainwindow/mainwindow.cpp" line="241"/>
        <source>Select an application&apos;s copy in the replicas table first.</source>
        <translation>Wählen Sie zuerst eine Kopie einer Anwendung in der Replikattabelle aus.</translation>
    </message>
    <message>
        <location filename="../widgets/mainwindow/mainwindow.cpp" line="267"/>
        <source>No cluster open: File &gt; Open cluster configuration (Ctrl+O)</source>
        <translation>Kein Cluster geöffnet: Datei &gt; Clusterkonfiguration öffnen (Strg+O)</translation>
    </message>
    <message>
        <location filename="../widgets/mainwindow/mainwindow.cpp" line="271"/>
        <location filename="../widgets/mainwindow/mainwindow.cpp" line="277"/>
        <source>No open alerts</source>
        <translation>Keine offenen Alarme</translation>
    </message>
    <message numerus="yes">
        <location filename="../widgets/mainwindow/mainwindow.cpp" line="277"/>
        <source>%n open alert(s)</source>
        <translation>
            <numerusform>%n offener Alarm</numerusform>
            <numerusform>%n offene Alarme</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../widgets/mainwindow/mainwindow.cpp" line="278"/>
        <source>Events and alerts (%1)</source>
        <translation>Ereignisse und Alarme (%1)</translation>
    </message>
    <message>
        <location filename="../widgets/mainwindow/mainwindow.cpp" line="305"/>
        <source>Foresight — %1</source>
        <translation>Foresight — %1</translation>
    </message>
    <message>
        <location filename="../widgets/mainwindow/mainwindow.cpp" line="307"/>
        <source>Cluster %1: engine running, snapshot of %2</source>
        <translation>Cluster %1: Engine läuft, Stand %2</translation>
    </message>
    <message>
        <location filename="../widgets/mainwindow/mainwindow.cpp" line="312"/>
        <source>Agents: %1 of %2 connected, %3 suspected</source>
        <translation>Agenten: %1 von %2 verbunden, %3 unter Ausfallverdacht</translation>
    </message>
    <message>
        <location filename="../widgets/mainwindow/mainwindow.cpp" line="313"/>
        <source>Agents: %1 of %2 connected</source>
        <translation>Agenten: %1 von %2 verbunden</translation>
    </message>
</context>
<context>
    <name>foresight::widgets::MirrorsModel</name>
    <message>
        <location filename="../widgets/models/mirrorsmodel.cpp" line="98"/>
        <source>(unnamed)</source>
        <translation>(ohne Namen)</translation>
    </message>
    <message>
        <location filename="../widgets/models/mirrorsmodel.cpp" line="102"/>
        <source>%1 %</source>
        <translation>%1 %</translation>
    </message>
    <message>
        <location filename="../widgets/models/mirrorsmodel.cpp" line="108"/>
        <source>%1 ms</source>
        <translation>%1 ms</translation>
    </message>
    <message>
        <location filename="../widgets/models/mirrorsmodel.cpp" line="110"/>
        <source>≤ %1 µs</source>
        <translation>≤ %1 µs</translation>
    </message>
    <message>
        <location filename="../widgets/models/mirrorsmodel.cpp" line="114"/>
        <source>none judged</source>
        <translation>keine bewertet</translation>
    </message>
    <message>
        <location filename="../widgets/models/mirrorsmodel.cpp" line="115"/>
        <source>%1 % of %2</source>
        <translation>%1 % von %2</translation>
    </message>
    <message>
        <location filename="../widgets/models/mirrorsmodel.cpp" line="127"/>
        <source>live</source>
        <translation>aktiv</translation>
    </message>
    <message>
        <location filename="../widgets/models/mirrorsmodel.cpp" line="127"/>
        <source>off</source>
        <translation>aus</translation>
    </message>
    <message>
        <location filename="../widgets/models/mirrorsmodel.cpp" line="129"/>
        <source>%1 s ago</source>
        <translation>vor %1 s</translation>
    </message>
    <message>
        <location filename="../widgets/models/mirrorsmodel.cpp" line="184"/>
        <source>How old the copies were, on average, when they served a read: the mirror&apos;s freshness</source>
        <translation>Wie alt die Kopien im Mittel waren, als sie einen Lesezugriff bedienten: die Frische des Spiegels</translation>
    </message>
    <message>
        <location filename="../widgets/models/mirrorsmodel.cpp" line="186"/>
        <source>99th percentile of a refresh from the source, as the upper bound of its latency bucket</source>
        <translation>99. Perzentil einer Auffrischung von der Quelle, als Obergrenze ihres Latenzbereichs</translation>
    </message>
    <message>
        <location filename="../widgets/models/mirrorsmodel.cpp" line="188"/>
        <source>Refreshes made ahead of a forecast change: right when the change came inside the window (%1 right, %2 missed)</source>
        <translation>Auffrischungen vor einer vorhergesagten Änderung: richtig, wenn die Änderung im Fenster kam (%1 richtig, %2 verfehlt)</translation>
    </message>
    <message>
        <location filename="../widgets/models/mirrorsmodel.cpp" line="193"/>
        <source>Changes a refresh for age found that no change event and no forecast had announced: reads before that refresh may have served the older value</source>
        <translation>Änderungen, die eine Auffrischung wegen Alters fand und die weder ein Änderungsereignis noch eine Vorhersage angekündigt hatte: Lesezugriffe davor können den älteren Wert geliefert haben</translation>
    </message>
    <message>
        <location filename="../widgets/models/mirrorsmodel.cpp" line="196"/>
        <source>Reads sent to the source because the key&apos;s copy was out of sync</source>
        <translation>Lesezugriffe, die an die Quelle gingen, weil die Kopie des Schlüssels nicht synchron war</translation>
    </message>
    <message>
        <location filename="../widgets/models/mirrorsmodel.cpp" line="198"/>
        <source>Change events skipped in the sequence or overflowed: each forces a re-sync</source>
        <translation>Übersprungene oder übergelaufene Änderungsereignisse: jedes erzwingt eine Neusynchronisierung</translation>
    </message>
    <message>
        <location filename="../widgets/models/mirrorsmodel.cpp" line="200"/>
        <source>Change events arrive: copies last until an event names them</source>
        <translation>Änderungsereignisse kommen an: Kopien gelten, bis ein Ereignis sie nennt</translation>
    </message>
    <message>
        <location filename="../widgets/models/mirrorsmodel.cpp" line="201"/>
        <source>No change events: copies last their max age only (docs/mirrors.md)</source>
        <translation>Keine Änderungsereignisse: Kopien gelten nur bis zu ihrem Höchstalter (docs/mirrors.md)</translation>
    </message>
    <message>
        <location filename="../widgets/models/mirrorsmodel.cpp" line="230"/>
        <source>Application</source>
        <translation>Anwendung</translation>
    </message>
    <message>
        <location filename="../widgets/models/mirrorsmodel.cpp" line="232"/>
        <source>Client</source>
        <translation>Client</translation>
    </message>
    <message>
        <location filename="../widgets/models/mirrorsmodel.cpp" line="234"/>
        <source>Reads</source>
        <translation>Lesezugriffe</translation>
    </message>
    <message>
        <location filename="../widgets/models/mirrorsmodel.cpp" line="236"/>
        <source>Hit ratio</source>
        <translation>Trefferquote</translation>
    </message>
    <message>
        <location filename="../widgets/models/mirrorsmodel.cpp" line="238"/>
        <source>Polls saved</source>
        <translation>Gesparte Abfragen</translation>
    </message>
    <message>
        <location filename="../widgets/models/mirrorsmodel.cpp" line="240"/>
        <source>Copies</source>
        <translation>Kopien</translation>
    </message>
    <message>
        <location filename="../widgets/models/mirrorsmodel.cpp" line="242"/>
        <source>Mean age</source>
        <translation>Mittleres Alter</translation>
    </message>
    <message>
        <location filename="../widgets/models/mirrorsmodel.cpp" line="244"/>
        <source>Refresh p99</source>
        <translation>Auffrischung p99</translation>
    </message>
    <message>
        <location filename="../widgets/models/mirrorsmodel.cpp" line="246"/>
        <source>Forecasts right</source>
        <translation>Richtige Vorhersagen</translation>
    </message>
    <message>
        <location filename="../widgets/models/mirrorsmodel.cpp" line="248"/>
        <source>Stale reads detected</source>
        <translation>Erkannte veraltete Lesezugriffe</translation>
    </message>
    <message>
        <location filename="../widgets/models/mirrorsmodel.cpp" line="250"/>
        <source>Source fallbacks</source>
        <translation>Rückgriffe auf die Quelle</translation>
    </message>
    <message>
        <location filename="../widgets/models/mirrorsmodel.cpp" line="252"/>
        <source>Missed events</source>
        <translation>Verpasste Ereignisse</translation>
    </message>
    <message>
        <location filename="../widgets/models/mirrorsmodel.cpp" line="254"/>
        <source>Re-syncs</source>
        <translation>Neusynchronisierungen</translation>
    </message>
    <message>
        <location filename="../widgets/models/mirrorsmodel.cpp" line="256"/>
        <source>Events</source>
        <translation>Ereignisse</translation>
    </message>
    <message>
        <location filename="../widgets/models/mirrorsmodel.cpp" line="258"/>
        <source>Reported</source>
        <translation>Gemeldet</translation>
    </message>
</context>
<context>
    <name>foresight::widgets::MirrorsPanel</name>
    <message>
        <location filename="../widgets/panels/mirrorspanel.cpp" line="27"/>
        <source>Filter by application, client…</source>
        <translation>Nach Anwendung, Client filtern…</translation>
    </message>
    <message>
        <location filename="../widgets/panels/mirrorspanel.cpp" line="29"/>
        <source>Mirror filter</source>
        <translation>Spiegelfilter</translation>
    </message>
    <message>
        <location filename="../widgets/panels/mirrorspanel.cpp" line="37"/>
        <source>Mirrors</source>
        <translation>Spiegel</translation>
    </message>
    <message>
        <location filename="../widgets/panels/mirrorspanel.cpp" line="73"/>
        <source>%1 (primary %2) — change-event subscriptions: %3, events sent: %4, clients reporting: %5</source>
        <translation>%1 (Primary %2) — Abonnements für Änderungsereignisse: %3, gesendete Ereignisse: %4, meldende Clients: %5</translation>
    </message>
    <message>
        <location filename="../widgets/panels/mirrorspanel.cpp" line="82"/>
        <source>No client reports its mirrors. Clients that read through sdk::MirroredClient report to the primary every 5 s (docs/mirrors.md); foresightctl mirrors APP shows the same figures.</source>
        <translation>Kein Client meldet seine Spiegel. Clients, die über sdk::MirroredClient lesen, melden sie alle 5 s an den Primary (docs/mirrors.md); foresightctl mirrors APP zeigt dieselben Zahlen.</translation>
    </message>
</context>
<context>
    <name>foresight::widgets::PartitionsModel</name>
    <message>
        <location filename="../widgets/models/partitionsmodel.cpp" line="20"/>
        <source>not held</source>
        <translation>nicht gehalten</translation>
    </message>
    <message>
        <location filename="../widgets/models/partitionsmodel.cpp" line="24"/>
        <source>current</source>
        <translation>aktuell</translation>
    </message>
    <message>
        <location filename="../widgets/models/partitionsmodel.cpp" line="26"/>
        <source>%1 · within</source>
        <translation>%1 · im Rahmen</translation>
    </message>
    <message>
        <location filename="../widgets/models/partitionsmodel.cpp" line="28"/>
        <source>%1 · over</source>
        <translation>%1 · darüber</translation>
    </message>
    <message>
        <location filename="../widgets/models/partitionsmodel.cpp" line="30"/>
        <source>%1 · far over</source>
        <translation>%1 · weit darüber</translation>
    </message>
    <message>
        <location filename="../widgets/models/partitionsmodel.cpp" line="265"/>
        <source>%1/s</source>
        <translation>%1/s</translation>
    </message>
    <message>
        <location filename="../widgets/models/partitionsmodel.cpp" line="268"/>
        <source>never</source>
        <translation>nie</translation>
    </message>
    <message>
        <location filename="../widgets/models/partitionsmodel.cpp" line="269"/>
        <source>%1 ago</source>
        <translation>vor %1</translation>
    </message>
    <message>
        <location filename="../widgets/models/partitionsmodel.cpp" line="318"/>
        <source>The cold partition of the %1 keys no cluster took.</source>
        <translation>Die kalte Partition der Schlüssel der Klasse %1, die kein Cluster aufgenommen hat.</translation>
    </message>
    <message>
        <location filename="../widgets/models/partitionsmodel.cpp" line="320"/>
        <source>Partition %1.</source>
        <translation>Partition %1.</translation>
    </message>
    <message>
        <location filename="../widgets/models/partitionsmodel.cpp" line="322"/>
        <source>%1 Most used keys: %2</source>
        <translation>%1 Meistgenutzte Schlüssel: %2</translation>
    </message>
    <message>
        <location filename="../widgets/models/partitionsmodel.cpp" line="325"/>
        <source>The staleness-impact score on its stalest replica that holds it: class weight × frequency factor × staleness / tolerated staleness; 0 when every such replica is current.</source>
        <translation>Der Staleness-Impact-Score auf dem am stärksten veralteten Replikat, das sie hält: Klassengewicht × Frequenzfaktor × Veraltung / tolerierte Veraltung; 0, wenn jedes solche Replikat aktuell ist.</translation>
    </message>
    <message>
        <location filename="../widgets/models/partitionsmodel.cpp" line="328"/>
        <source>The staleness this partition&apos;s strictest key tolerates (the application&apos;s impact function).</source>
        <translation>Die Veraltung, die der strengste Schlüssel dieser Partition toleriert (die Impact-Funktion der Anwendung).</translation>
    </message>
    <message>
        <location filename="../widgets/models/partitionsmodel.cpp" line="335"/>
        <source>%1 is not listed as a replica of this partition.</source>
        <translation>%1 ist nicht als Replikat dieser Partition aufgeführt.</translation>
    </message>
    <message>
        <location filename="../widgets/models/partitionsmodel.cpp" line="337"/>
        <source>%1&apos;s %2 replica does not carry this partition yet (a warm replica carries the critical partitions only until its scheduled stream starts): a promotion would not have it.</source>
        <translation>Das %2-Replikat auf %1 führt diese Partition noch nicht (ein Warm-Replikat führt nur die kritischen Partitionen, bis sein geplanter Strom beginnt): nach einer Hochstufung fehlte sie.</translation>
    </message>
    <message>
        <location filename="../widgets/models/partitionsmodel.cpp" line="342"/>
        <source>%1 holds every change of this partition.</source>
        <translation>%1 hält jede Änderung dieser Partition.</translation>
    </message>
    <message>
        <location filename="../widgets/models/partitionsmodel.cpp" line="343"/>
        <source>%1 has lacked a change of this partition for %2; it tolerates %3 (%4×): %5. Score %6.</source>
        <translation>Auf %1 fehlt seit %2 eine Änderung dieser Partition; sie toleriert %3 (%4×): %5. Score %6.</translation>
    </message>
    <message>
        <location filename="../widgets/models/partitionsmodel.cpp" line="395"/>
        <source>%1 (%2)</source>
        <translation>%1 (%2)</translation>
    </message>
    <message>
        <location filename="../widgets/models/partitionsmodel.cpp" line="397"/>
        <source>How long %1&apos;s %2 replica has lacked a change of each partition, against the partition&apos;s tolerated staleness.</source>
        <translation>Wie lange dem %2-Replikat auf %1 eine Änderung jeder Partition fehlt, gemessen an der tolerierten Veraltung der Partition.</translation>
    </message>
    <message>
        <location filename="../widgets/models/partitionsmodel.cpp" line="410"/>
        <source>Partition</source>
        <translation>Partition</translation>
    </message>
    <message>
        <location filename="../widgets/models/partitionsmodel.cpp" line="412"/>
        <source>Impact</source>
        <translation>Auswirkung</translation>
    </message>
    <message>
        <location filename="../widgets/models/partitionsmodel.cpp" line="414"/>
        <source>Tolerated</source>
        <translation>Toleriert</translation>
    </message>
    <message>
        <location filename="../widgets/models/partitionsmodel.cpp" line="416"/>
        <source>Keys</source>
        <translation>Schlüssel</translation>
    </message>
    <message>
        <location filename="../widgets/models/partitionsmodel.cpp" line="418"/>
        <source>Size</source>
        <translation>Größe</translation>
    </message>
    <message>
        <location filename="../widgets/models/partitionsmodel.cpp" line="420"/>
        <source>Access rate</source>
        <translation>Zugriffsrate</translation>
    </message>
    <message>
        <location filename="../widgets/models/partitionsmodel.cpp" line="422"/>
        <source>Last access</source>
        <translation>Letzter Zugriff</translation>
    </message>
    <message>
        <location filename="../widgets/models/partitionsmodel.cpp" line="424"/>
        <source>Score</source>
        <translation>Score</translation>
    </message>
</context>
<context>
    <name>foresight::widgets::ReplicasModel</name>
    <message>
        <location filename="../widgets/models/replicasmodel.cpp" line="37"/>
        <source>never heard</source>
        <translation>nie gemeldet</translation>
    </message>
    <message>
        <location filename="../widgets/models/replicasmodel.cpp" line="38"/>
        <source>SUSPECTED</source>
        <translation>AUSFALLVERDACHT</translation>
    </message>
    <message>
        <location filename="../widgets/models/replicasmodel.cpp" line="39"/>
        <source>not writable</source>
        <translation>nicht beschreibbar</translation>
    </message>
    <message>
        <location filename="../widgets/models/replicasmodel.cpp" line="40"/>
        <source>INTEGRITY</source>
        <translation>INTEGRITÄT</translation>
    </message>
    <message>
        <location filename="../widgets/models/replicasmodel.cpp" line="41"/>
        <source>disconnected</source>
        <translation>getrennt</translation>
    </message>
    <message>
        <location filename="../widgets/models/replicasmodel.cpp" line="42"/>
        <source>lagging</source>
        <translation>im Rückstand</translation>
    </message>
    <message>
        <location filename="../widgets/models/replicasmodel.cpp" line="43"/>
        <location filename="../widgets/models/replicasmodel.cpp" line="239"/>
        <source>ok</source>
        <translation>OK</translation>
    </message>
    <message>
        <location filename="../widgets/models/replicasmodel.cpp" line="229"/>
        <source>primary</source>
        <translation>Primary</translation>
    </message>
    <message>
        <location filename="../widgets/models/replicasmodel.cpp" line="229"/>
        <source>replica</source>
        <translation>Replikat</translation>
    </message>
    <message>
        <location filename="../widgets/models/replicasmodel.cpp" line="239"/>
        <source>mismatch</source>
        <translation>Abweichung</translation>
    </message>
    <message>
        <location filename="../widgets/models/replicasmodel.cpp" line="241"/>
        <source>never</source>
        <translation>nie</translation>
    </message>
    <message>
        <location filename="../widgets/models/replicasmodel.cpp" line="287"/>
        <source>Status</source>
        <translation>Status</translation>
    </message>
    <message>
        <location filename="../widgets/models/replicasmodel.cpp" line="289"/>
        <source>Application</source>
        <translation>Anwendung</translation>
    </message>
    <message>
        <location filename="../widgets/models/replicasmodel.cpp" line="291"/>
        <source>Agent (host)</source>
        <translation>Agent (Host)</translation>
    </message>
    <message>
        <location filename="../widgets/models/replicasmodel.cpp" line="293"/>
        <source>Role</source>
        <translation>Rolle</translation>
    </message>
    <message>
        <location filename="../widgets/models/replicasmodel.cpp" line="295"/>
        <source>Tier</source>
        <translation>Stufe</translation>
    </message>
    <message>
        <location filename="../widgets/models/replicasmodel.cpp" line="297"/>
        <source>Lag (seqs)</source>
        <translation>Rückstand (Seq.)</translation>
    </message>
    <message>
        <location filename="../widgets/models/replicasmodel.cpp" line="299"/>
        <source>RTT (ms)</source>
        <translation>RTT (ms)</translation>
    </message>
    <message>
        <location filename="../widgets/models/replicasmodel.cpp" line="301"/>
        <source>Divergence</source>
        <translation>Divergenz</translation>
    </message>
    <message>
        <location filename="../widgets/models/replicasmodel.cpp" line="303"/>
        <source>Integrity</source>
        <translation>Integrität</translation>
    </message>
    <message>
        <location filename="../widgets/models/replicasmodel.cpp" line="305"/>
        <source>Heartbeat (ms ago)</source>
        <translation>Heartbeat-Alter (ms)</translation>
    </message>
    <message>
        <location filename="../widgets/models/replicasmodel.cpp" line="307"/>
        <source>Failure risk</source>
        <translation>Ausfallrisiko</translation>
    </message>
</context>
<context>
    <name>foresight::widgets::ReplicasPanel</name>
    <message>
        <location filename="../widgets/panels/replicaspanel.cpp" line="47"/>
        <source>Filter by application, agent, status…</source>
        <translation>Nach Anwendung, Agent, Status filtern…</translation>
    </message>
    <message>
        <location filename="../widgets/panels/replicaspanel.cpp" line="49"/>
        <source>Replica filter</source>
        <translation>Replikatfilter</translation>
    </message>
    <message>
        <location filename="../widgets/panels/replicaspanel.cpp" line="55"/>
        <source>Replicas</source>
        <translation>Replikate</translation>
    </message>
</context>
<context>
    <name>foresight::widgets::ReportExportDialog</name>
    <message>
        <location filename="../widgets/dialogs/reportexportdialog.cpp" line="30"/>
        <source>unknown</source>
        <translation>unbekannt</translation>
    </message>
    <message>
        <location filename="../widgets/dialogs/reportexportdialog.cpp" line="40"/>
        <location filename="../widgets/dialogs/reportexportdialog.cpp" line="182"/>
        <source>Export incident report</source>
        <translation>Vorfallbericht exportieren</translation>
    </message>
    <message>
        <location filename="../widgets/dialogs/reportexportdialog.cpp" line="46"/>
        <source>Incident</source>
        <translation>Vorfall</translation>
    </message>
    <message>
        <location filename="../widgets/dialogs/reportexportdialog.cpp" line="46"/>
        <source>Application</source>
        <translation>Anwendung</translation>
    </message>
    <message>
        <location filename="../widgets/dialogs/reportexportdialog.cpp" line="46"/>
        <source>From</source>
        <translation>Von</translation>
    </message>
    <message>
        <location filename="../widgets/dialogs/reportexportdialog.cpp" line="46"/>
        <source>To</source>
        <translation>Nach</translation>
    </message>
    <message>
        <location filename="../widgets/dialogs/reportexportdialog.cpp" line="46"/>
        <source>Detected</source>
        <translation>Erkannt</translation>
    </message>
    <message>
        <location filename="../widgets/dialogs/reportexportdialog.cpp" line="46"/>
        <source>Writes lost</source>
        <translation>Verlorene Schreibvorgänge</translation>
    </message>
    <message>
        <location filename="../widgets/dialogs/reportexportdialog.cpp" line="52"/>
        <source>Incidents</source>
        <translation>Vorfälle</translation>
    </message>
    <message>
        <location filename="../widgets/dialogs/reportexportdialog.cpp" line="55"/>
        <source>PDF, laid out for reading</source>
        <translation>PDF, zum Lesen gesetzt</translation>
    </message>
    <message>
        <location filename="../widgets/dialogs/reportexportdialog.cpp" line="56"/>
        <source>HTML page</source>
        <translation>HTML-Seite</translation>
    </message>
    <message>
        <location filename="../widgets/dialogs/reportexportdialog.cpp" line="57"/>
        <source>JSON, for scripts</source>
        <translation>JSON, für Skripte</translation>
    </message>
    <message>
        <location filename="../widgets/dialogs/reportexportdialog.cpp" line="58"/>
        <source>Format</source>
        <translation>Format</translation>
    </message>
    <message>
        <location filename="../widgets/dialogs/reportexportdialog.cpp" line="65"/>
        <source>&amp;Export…</source>
        <translation>&amp;Exportieren…</translation>
    </message>
    <message>
        <location filename="../widgets/dialogs/reportexportdialog.cpp" line="66"/>
        <source>&amp;Refresh</source>
        <translation>&amp;Aktualisieren</translation>
    </message>
    <message>
        <location filename="../widgets/dialogs/reportexportdialog.cpp" line="74"/>
        <source>Format:</source>
        <translation>Format:</translation>
    </message>
    <message>
        <location filename="../widgets/dialogs/reportexportdialog.cpp" line="87"/>
        <source>Wrote %1.</source>
        <translation>%1 geschrieben.</translation>
    </message>
    <message>
        <location filename="../widgets/dialogs/reportexportdialog.cpp" line="88"/>
        <source>Could not export the report: %1</source>
        <translation>Der Bericht konnte nicht exportiert werden: %1</translation>
    </message>
    <message>
        <location filename="../widgets/dialogs/reportexportdialog.cpp" line="116"/>
        <source>Reading the incidents…</source>
        <translation>Die Vorfälle werden gelesen…</translation>
    </message>
    <message>
        <location filename="../widgets/dialogs/reportexportdialog.cpp" line="125"/>
        <source>Cannot read the incidents: %1</source>
        <translation>Die Vorfälle können nicht gelesen werden: %1</translation>
    </message>
    <message>
        <location filename="../widgets/dialogs/reportexportdialog.cpp" line="150"/>
        <source>No incidents yet: an incident is recorded when an application fails over.</source>
        <translation>Noch keine Vorfälle: Ein Vorfall wird aufgezeichnet, wenn eine Anwendung umschaltet (Failover).</translation>
    </message>
    <message numerus="yes">
        <location filename="../widgets/dialogs/reportexportdialog.cpp" line="151"/>
        <source>%n incident(s), newest first.</source>
        <translation>
            <numerusform>%n Vorfall, neuester zuerst.</numerusform>
            <numerusform>%n Vorfälle, neueste zuerst.</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../widgets/dialogs/reportexportdialog.cpp" line="178"/>
        <source>PDF documents (*.pdf)</source>
        <translation>PDF-Dokumente (*.pdf)</translation>
    </message>
    <message>
        <location filename="../widgets/dialogs/reportexportdialog.cpp" line="179"/>
        <source>HTML pages (*.html)</source>
        <translation>HTML-Seiten (*.html)</translation>
    </message>
    <message>
        <location filename="../widgets/dialogs/reportexportdialog.cpp" line="180"/>
        <source>JSON files (*.json)</source>
        <translation>JSON-Dateien (*.json)</translation>
    </message>
    <message>
        <location filename="../widgets/dialogs/reportexportdialog.cpp" line="195"/>
        <source>Writing the report of incident %1 to %2…</source>
        <translation>Der Bericht zu Vorfall %1 wird nach %2 geschrieben…</translation>
    </message>
</context>
<context>
    <name>foresight::widgets::ShadowsModel</name>
    <message>
        <location filename="../widgets/models/shadowsmodel.cpp" line="20"/>
        <source>catching up</source>
        <translation>holt auf</translation>
    </message>
    <message>
        <location filename="../widgets/models/shadowsmodel.cpp" line="22"/>
        <source>ready</source>
        <translation>bereit</translation>
    </message>
    <message>
        <location filename="../widgets/models/shadowsmodel.cpp" line="24"/>
        <source>swapping</source>
        <translation>Swap läuft</translation>
    </message>
    <message>
        <location filename="../widgets/models/shadowsmodel.cpp" line="26"/>
        <source>retiring</source>
        <translation>wird aufgelöst</translation>
    </message>
    <message>
        <location filename="../widgets/models/shadowsmodel.cpp" line="34"/>
        <source>low</source>
        <translation>niedrig</translation>
    </message>
    <message>
        <location filename="../widgets/models/shadowsmodel.cpp" line="36"/>
        <source>medium</source>
        <translation>mittel</translation>
    </message>
    <message>
        <location filename="../widgets/models/shadowsmodel.cpp" line="38"/>
        <source>high</source>
        <translation>hoch</translation>
    </message>
    <message>
        <location filename="../widgets/models/shadowsmodel.cpp" line="40"/>
        <source>critical</source>
        <translation>kritisch</translation>
    </message>
    <message>
        <location filename="../widgets/models/shadowsmodel.cpp" line="49"/>
        <source>predicted failure</source>
        <translation>vorhergesagter Ausfall</translation>
    </message>
    <message>
        <location filename="../widgets/models/shadowsmodel.cpp" line="51"/>
        <source>operator</source>
        <translation>Operator</translation>
    </message>
    <message>
        <location filename="../widgets/models/shadowsmodel.cpp" line="53"/>
        <source>previous version</source>
        <translation>vorherige Version</translation>
    </message>
    <message>
        <location filename="../widgets/models/shadowsmodel.cpp" line="137"/>
        <location filename="../widgets/models/shadowsmodel.cpp" line="142"/>
        <source>none</source>
        <translation>keiner</translation>
    </message>
    <message>
        <location filename="../widgets/models/shadowsmodel.cpp" line="139"/>
        <source>no prediction</source>
        <translation>keine Vorhersage</translation>
    </message>
    <message>
        <location filename="../widgets/models/shadowsmodel.cpp" line="145"/>
        <source>%1 (%2)</source>
        <translation>%1 (%2)</translation>
    </message>
    <message>
        <location filename="../widgets/models/shadowsmodel.cpp" line="156"/>
        <source>unknown</source>
        <translation>unbekannt</translation>
    </message>
    <message>
        <location filename="../widgets/models/shadowsmodel.cpp" line="161"/>
        <source>at least %1 keys, %2</source>
        <translation>mindestens %1 Schlüssel, %2</translation>
    </message>
    <message>
        <location filename="../widgets/models/shadowsmodel.cpp" line="161"/>
        <source>%1 keys, %2</source>
        <translation>%1 Schlüssel, %2</translation>
    </message>
    <message>
        <location filename="../widgets/models/shadowsmodel.cpp" line="182"/>
        <source>Failure risk of the primary&apos;s host (the engine&apos;s figure behind shadow deployment)</source>
        <translation>Ausfallrisiko des Hosts des Primary (der Wert, nach dem die Engine Shadows bereitstellt)</translation>
    </message>
    <message>
        <location filename="../widgets/models/shadowsmodel.cpp" line="184"/>
        <source>Distinct keys, and the bytes of their values, among the writes the shadow has not acknowledged yet</source>
        <translation>Verschiedene Schlüssel und die Bytes ihrer Werte unter den Schreibvorgängen, die der Shadow noch nicht bestätigt hat</translation>
    </message>
    <message>
        <location filename="../widgets/models/shadowsmodel.cpp" line="212"/>
        <source>Application</source>
        <translation>Anwendung</translation>
    </message>
    <message>
        <location filename="../widgets/models/shadowsmodel.cpp" line="214"/>
        <source>Criticality</source>
        <translation>Kritikalität</translation>
    </message>
    <message>
        <location filename="../widgets/models/shadowsmodel.cpp" line="216"/>
        <source>Primary</source>
        <translation>Primary</translation>
    </message>
    <message>
        <location filename="../widgets/models/shadowsmodel.cpp" line="218"/>
        <source>Host risk</source>
        <translation>Host-Risiko</translation>
    </message>
    <message>
        <location filename="../widgets/models/shadowsmodel.cpp" line="220"/>
        <source>Shadow</source>
        <translation>Shadow</translation>
    </message>
    <message>
        <location filename="../widgets/models/shadowsmodel.cpp" line="222"/>
        <source>State</source>
        <translation>Zustand</translation>
    </message>
    <message>
        <location filename="../widgets/models/shadowsmodel.cpp" line="224"/>
        <source>Origin</source>
        <translation>Herkunft</translation>
    </message>
    <message>
        <location filename="../widgets/models/shadowsmodel.cpp" line="226"/>
        <source>Discrepancy</source>
        <translation>Abweichung</translation>
    </message>
    <message>
        <location filename="../widgets/models/shadowsmodel.cpp" line="228"/>
        <source>Keys, bytes behind</source>
        <translation>Rückstand Schlüssel, Bytes</translation>
    </message>
    <message>
        <location filename="../widgets/models/shadowsmodel.cpp" line="230"/>
        <source>Last swap</source>
        <translation>Letzter Swap</translation>
    </message>
</context>
<context>
    <name>foresight::widgets::ShadowsPanel</name>
    <message>
        <location filename="../widgets/panels/shadowspanel.cpp" line="67"/>
        <location filename="../widgets/panels/shadowspanel.cpp" line="116"/>
        <source>Validation output</source>
        <translation>Validierungsausgabe</translation>
    </message>
    <message>
        <location filename="../widgets/panels/shadowspanel.cpp" line="70"/>
        <source>Create shadow…</source>
        <translation>Shadow anlegen…</translation>
    </message>
    <message>
        <location filename="../widgets/panels/shadowspanel.cpp" line="71"/>
        <source>Swap…</source>
        <translation>Swap…</translation>
    </message>
    <message>
        <location filename="../widgets/panels/shadowspanel.cpp" line="72"/>
        <source>Promote shadow…</source>
        <translation>Shadow hochstufen…</translation>
    </message>
    <message>
        <location filename="../widgets/panels/shadowspanel.cpp" line="73"/>
        <source>Retire shadow…</source>
        <translation>Shadow auflösen…</translation>
    </message>
    <message>
        <location filename="../widgets/panels/shadowspanel.cpp" line="74"/>
        <source>Update…</source>
        <translation>Aktualisieren…</translation>
    </message>
    <message>
        <location filename="../widgets/panels/shadowspanel.cpp" line="77"/>
        <location filename="../widgets/panels/shadowspanel.cpp" line="80"/>
        <source>Shadows</source>
        <translation>Shadows</translation>
    </message>
    <message>
        <location filename="../widgets/panels/shadowspanel.cpp" line="101"/>
        <source>Application</source>
        <translation>Anwendung</translation>
    </message>
    <message>
        <location filename="../widgets/panels/shadowspanel.cpp" line="105"/>
        <source>Shadow state</source>
        <translation>Shadow-Zustand</translation>
    </message>
    <message>
        <location filename="../widgets/panels/shadowspanel.cpp" line="106"/>
        <source>Discrepancy</source>
        <translation>Abweichung</translation>
    </message>
    <message>
        <location filename="../widgets/panels/shadowspanel.cpp" line="107"/>
        <source>Transfer</source>
        <translation>Übertragung</translation>
    </message>
    <message>
        <location filename="../widgets/panels/shadowspanel.cpp" line="109"/>
        <source>Transfer progress</source>
        <translation>Fortschritt der Übertragung</translation>
    </message>
    <message>
        <location filename="../widgets/panels/shadowspanel.cpp" line="111"/>
        <source>%p% shipped</source>
        <translation>%p% übertragen</translation>
    </message>
    <message>
        <location filename="../widgets/panels/shadowspanel.cpp" line="112"/>
        <source>Last swap</source>
        <translation>Letzter Swap</translation>
    </message>
    <message>
        <location filename="../widgets/panels/shadowspanel.cpp" line="113"/>
        <source>Last shadow event</source>
        <translation>Letztes Shadow-Ereignis</translation>
    </message>
    <message>
        <location filename="../widgets/panels/shadowspanel.cpp" line="130"/>
        <source>Seq gap (writes the shadow lacks)</source>
        <translation>Seq-Abstand (Schreibvorgänge, die dem Shadow fehlen)</translation>
    </message>
    <message>
        <location filename="../widgets/panels/shadowspanel.cpp" line="146"/>
        <source>Seq gap</source>
        <translation>Seq-Abstand</translation>
    </message>
    <message>
        <location filename="../widgets/panels/shadowspanel.cpp" line="152"/>
        <source>Seq gap chart</source>
        <translation>Diagramm Seq-Abstand</translation>
    </message>
    <message>
        <location filename="../widgets/panels/shadowspanel.cpp" line="157"/>
        <source>Shadow host</source>
        <translation>Shadow-Host</translation>
    </message>
    <message>
        <location filename="../widgets/panels/shadowspanel.cpp" line="158"/>
        <source>Where Create puts the shadow: the engine&apos;s choice (another host, low risk, low load, close to the primary) or an agent you pick</source>
        <translation>Wohin „Shadow anlegen“ den Shadow legt: nach Wahl der Engine (anderer Host, geringes Risiko, geringe Last, nah am Primary) oder auf einen Agenten Ihrer Wahl</translation>
    </message>
    <message>
        <location filename="../widgets/panels/shadowspanel.cpp" line="161"/>
        <source>Engine&apos;s choice of host</source>
        <translation>Host nach Wahl der Engine</translation>
    </message>
    <message>
        <location filename="../widgets/panels/shadowspanel.cpp" line="119"/>
        <source>Validation command output</source>
        <translation>Ausgabe des Validierungskommandos</translation>
    </message>
    <message>
        <location filename="../widgets/panels/shadowspanel.cpp" line="350"/>
        <source>%1 (%2)</source>
        <translation>%1 (%2)</translation>
    </message>
    <message>
        <location filename="../widgets/panels/shadowspanel.cpp" line="370"/>
        <source>No application selected.</source>
        <translation>Keine Anwendung ausgewählt.</translation>
    </message>
    <message>
        <location filename="../widgets/panels/shadowspanel.cpp" line="370"/>
        <source>No cluster open.</source>
        <translation>Kein Cluster geöffnet.</translation>
    </message>
    <message>
        <location filename="../widgets/panels/shadowspanel.cpp" line="382"/>
        <source>Last shadow event, %1: %2</source>
        <translation>Letztes Shadow-Ereignis, %1: %2</translation>
    </message>
    <message>
        <location filename="../widgets/panels/shadowspanel.cpp" line="387"/>
        <source>%1 — criticality %2; no primary</source>
        <translation>%1 — Kritikalität %2; kein Primary</translation>
    </message>
    <message>
        <location filename="../widgets/panels/shadowspanel.cpp" line="394"/>
        <source>%1 — criticality %2; primary %3 on host %4, host failure risk %5</source>
        <translation>%1 — Kritikalität %2; Primary %3 auf Host %4, Ausfallrisiko des Hosts %5</translation>
    </message>
    <message>
        <location filename="../widgets/panels/shadowspanel.cpp" line="399"/>
        <source>not predicted yet</source>
        <translation>noch nicht vorhergesagt</translation>
    </message>
    <message>
        <location filename="../widgets/panels/shadowspanel.cpp" line="403"/>
        <source>No shadow. A shadow is a caught-up copy on another host, ready to take over before the primary&apos;s host fails; the engine deploys one when that host&apos;s risk rises, or create one now.</source>
        <translation>Kein Shadow. Ein Shadow ist eine aufgeholte Kopie auf einem anderen Host, bereit zur Übernahme, bevor der Host des Primary ausfällt; die Engine stellt einen bereit, wenn das Risiko dieses Hosts steigt, oder Sie legen jetzt einen an.</translation>
    </message>
    <message>
        <location filename="../widgets/panels/shadowspanel.cpp" line="417"/>
        <source>%1 (host %2)</source>
        <translation>%1 (Host %2)</translation>
    </message>
    <message>
        <location filename="../widgets/panels/shadowspanel.cpp" line="418"/>
        <source>Shadow on %1: %2.</source>
        <translation>Shadow auf %1: %2.</translation>
    </message>
    <message>
        <location filename="../widgets/panels/shadowspanel.cpp" line="422"/>
        <source>Deployed by the engine at %1, ahead of a predicted failure: %2</source>
        <translation>Von der Engine um %1 vor einem vorhergesagten Ausfall bereitgestellt: %2</translation>
    </message>
    <message>
        <location filename="../widgets/panels/shadowspanel.cpp" line="425"/>
        <source>Created by an operator at %1: %2</source>
        <translation>Von einem Operator um %1 angelegt: %2</translation>
    </message>
    <message>
        <location filename="../widgets/panels/shadowspanel.cpp" line="428"/>
        <source>Kept at %1 after an update: %2</source>
        <translation>Um %1 nach einer Aktualisierung behalten: %2</translation>
    </message>
    <message>
        <location filename="../widgets/panels/shadowspanel.cpp" line="433"/>
        <source>It runs the version before the last update, %1: a swap onto it rolls the update back.</source>
        <translation>Er führt die Version vor der letzten Aktualisierung aus, %1: Ein Swap auf ihn rollt die Aktualisierung zurück.</translation>
    </message>
    <message>
        <location filename="../widgets/panels/shadowspanel.cpp" line="435"/>
        <source>It runs another version than the primary: %1.</source>
        <translation>Er führt eine andere Version als der Primary aus: %1.</translation>
    </message>
    <message>
        <location filename="../widgets/panels/shadowspanel.cpp" line="437"/>
        <source>Its copy is new: retiring the shadow releases it.</source>
        <translation>Seine Kopie ist neu: Das Auflösen des Shadows gibt sie frei.</translation>
    </message>
    <message>
        <location filename="../widgets/panels/shadowspanel.cpp" line="438"/>
        <source>%1 held a %2 replica before: retiring the shadow returns it to that.</source>
        <translation>%1 hielt vorher ein %2-Replikat: Das Auflösen des Shadows stellt es wieder her.</translation>
    </message>
    <message>
        <location filename="../widgets/panels/shadowspanel.cpp" line="442"/>
        <source>Discrepancy: %1. A swap needs it at most %2 writes behind with its digest agreeing.</source>
        <translation>Abweichung: %1. Ein Swap verlangt höchstens %2 Schreibvorgänge Rückstand bei übereinstimmendem Digest.</translation>
    </message>
    <message>
        <location filename="../widgets/panels/shadowspanel.cpp" line="455"/>
        <source>Swap under way: waiting for the shadow&apos;s figures.</source>
        <translation>Swap läuft: warte auf die Werte des Shadows.</translation>
    </message>
    <message>
        <location filename="../widgets/panels/shadowspanel.cpp" line="456"/>
        <source>Swap under way: the primary&apos;s writes are paused; %1 of %2 remaining writes shipped, %3 left.</source>
        <translation>Swap läuft: Schreibvorgänge am Primary pausiert; %1 von %2 verbleibenden Schreibvorgängen übertragen, %3 übrig.</translation>
    </message>
    <message>
        <location filename="../widgets/panels/shadowspanel.cpp" line="463"/>
        <source>Last swap: none onto this shadow yet.</source>
        <translation>Letzter Swap: noch keiner auf diesen Shadow.</translation>
    </message>
    <message>
        <location filename="../widgets/panels/shadowspanel.cpp" line="464"/>
        <source>Last swap: %1</source>
        <translation>Letzter Swap: %1</translation>
    </message>
    <message>
        <location filename="../widgets/panels/shadowspanel.cpp" line="478"/>
        <location filename="../widgets/panels/shadowspanel.cpp" line="519"/>
        <source>Select an application first.</source>
        <translation>Wählen Sie zuerst eine Anwendung.</translation>
    </message>
    <message>
        <location filename="../widgets/panels/shadowspanel.cpp" line="480"/>
        <source>%1 already has a shadow; retire it to create another.</source>
        <translation>%1 hat bereits einen Shadow; lösen Sie ihn auf, um einen anderen anzulegen.</translation>
    </message>
    <message>
        <location filename="../widgets/panels/shadowspanel.cpp" line="482"/>
        <source>A shadow is deployed beside a healthy primary; %1 is %2.</source>
        <translation>Ein Shadow wird neben einem gesunden Primary bereitgestellt; %1 ist %2.</translation>
    </message>
    <message>
        <location filename="../widgets/panels/shadowspanel.cpp" line="486"/>
        <source>Deploy a shadow of %1 on another host (the engine&apos;s dry run comes first).</source>
        <translation>Einen Shadow von %1 auf einem anderen Host bereitstellen (zuerst kommt der Probelauf der Engine).</translation>
    </message>
    <message>
        <location filename="../widgets/panels/shadowspanel.cpp" line="491"/>
        <source>No shadow to swap onto: create one first.</source>
        <translation>Kein Shadow für einen Swap: Legen Sie zuerst einen an.</translation>
    </message>
    <message>
        <location filename="../widgets/panels/shadowspanel.cpp" line="493"/>
        <source>A swap is under way.</source>
        <translation>Ein Swap läuft.</translation>
    </message>
    <message>
        <location filename="../widgets/panels/shadowspanel.cpp" line="495"/>
        <source>The shadow is not ready: a swap needs it caught up to at most %1 writes behind, with its digest agreeing.</source>
        <translation>Der Shadow ist nicht bereit: Ein Swap verlangt höchstens %1 Schreibvorgänge Rückstand bei übereinstimmendem Digest.</translation>
    </message>
    <message>
        <location filename="../widgets/panels/shadowspanel.cpp" line="499"/>
        <source>Move %1&apos;s primary onto its shadow: writes pause, the rest ships, roles swap; any failure rolls back.</source>
        <translation>Den Primary von %1 auf seinen Shadow verlegen: Schreibvorgänge pausieren, der Rest wird übertragen, die Rollen wechseln; jeder Fehler wird zurückgerollt.</translation>
    </message>
    <message>
        <location filename="../widgets/panels/shadowspanel.cpp" line="506"/>
        <source>No shadow: create one first.</source>
        <translation>Kein Shadow: Legen Sie zuerst einen an.</translation>
    </message>
    <message>
        <location filename="../widgets/panels/shadowspanel.cpp" line="507"/>
        <source>Not while the shadow is %1.</source>
        <translation>Nicht, solange der Shadow im Zustand „%1“ ist.</translation>
    </message>
    <message>
        <location filename="../widgets/panels/shadowspanel.cpp" line="508"/>
        <source>Make the shadow the primary now, as a failover would (a lagging shadow only with force).</source>
        <translation>Den Shadow jetzt zum Primary machen, wie es ein Failover täte (einen zurückliegenden Shadow nur erzwungen).</translation>
    </message>
    <message>
        <location filename="../widgets/panels/shadowspanel.cpp" line="511"/>
        <source>Retire the shadow: its agent goes back to what it held before.</source>
        <translation>Den Shadow auflösen: Sein Agent hält wieder, was er vorher hielt.</translation>
    </message>
    <message>
        <location filename="../widgets/panels/shadowspanel.cpp" line="521"/>
        <source>%1 runs no process (config.process): there is no version to update.</source>
        <translation>%1 führt keinen Prozess aus (config.process): Es gibt keine Version zu aktualisieren.</translation>
    </message>
    <message>
        <location filename="../widgets/panels/shadowspanel.cpp" line="523"/>
        <source>An update of %1 is under way.</source>
        <translation>Eine Aktualisierung von %1 läuft.</translation>
    </message>
    <message>
        <location filename="../widgets/panels/shadowspanel.cpp" line="525"/>
        <source>An update starts on a ready shadow: %1</source>
        <translation>Eine Aktualisierung beginnt auf einem bereiten Shadow: %1</translation>
    </message>
    <message>
        <location filename="../widgets/panels/shadowspanel.cpp" line="527"/>
        <source>Try a new version of %1&apos;s process on the shadow first: it is swapped in only if its validation command passes.</source>
        <translation>Eine neue Version des Prozesses von %1 zuerst auf dem Shadow erproben: Sie wird nur eingewechselt, wenn ihr Validierungskommando besteht.</translation>
    </message>
    <message>
        <location filename="../widgets/panels/shadowspanel.cpp" line="537"/>
        <source>No update tried since the console started. Update starts a new version on the shadow first; its validation command&apos;s result and output show here, and only a passing update is swapped in.</source>
        <translation>Seit dem Start der Konsole wurde keine Aktualisierung erprobt. „Aktualisieren“ startet eine neue Version zuerst auf dem Shadow; Ergebnis und Ausgabe ihres Validierungskommandos erscheinen hier, und nur eine bestandene Aktualisierung wird eingewechselt.</translation>
    </message>
    <message>
        <location filename="../widgets/panels/shadowspanel.cpp" line="540"/>
        <source>No update: an application with a process (config.process) can be updated through its shadow.</source>
        <translation>Keine Aktualisierung: Eine Anwendung mit einem Prozess (config.process) kann über ihren Shadow aktualisiert werden.</translation>
    </message>
    <message>
        <location filename="../widgets/panels/shadowspanel.cpp" line="550"/>
        <source>validating on %1</source>
        <translation>Validierung auf %1</translation>
    </message>
    <message>
        <location filename="../widgets/panels/shadowspanel.cpp" line="552"/>
        <source>validation passed; swapping it in</source>
        <translation>Validierung bestanden; wird eingewechselt</translation>
    </message>
    <message>
        <location filename="../widgets/panels/shadowspanel.cpp" line="554"/>
        <source>swapped in</source>
        <translation>eingewechselt</translation>
    </message>
    <message>
        <location filename="../widgets/panels/shadowspanel.cpp" line="556"/>
        <source>failed</source>
        <translation>fehlgeschlagen</translation>
    </message>
    <message>
        <location filename="../widgets/panels/shadowspanel.cpp" line="559"/>
        <source>Update to %1, asked by %2 at %3: %4.</source>
        <translation>Aktualisierung auf %1, angefordert von %2 um %3: %4.</translation>
    </message>
    <message>
        <location filename="../widgets/panels/shadowspanel.cpp" line="562"/>
        <source>Validation: %1.</source>
        <translation>Validierung: %1.</translation>
    </message>
    <message>
        <location filename="../widgets/panels/shadowspanel.cpp" line="569"/>
        <source>[earlier output dropped]
</source>
        <translation>[frühere Ausgabe verworfen]
</translation>
    </message>
</context>
<context>
    <name>foresight::widgets::Staleness</name>
    <message>
        <location filename="../widgets/models/staleness.cpp" line="35"/>
        <source>current</source>
        <translation>aktuell</translation>
    </message>
    <message>
        <location filename="../widgets/models/staleness.cpp" line="37"/>
        <source>within tolerance</source>
        <translation>im Toleranzrahmen</translation>
    </message>
    <message>
        <location filename="../widgets/models/staleness.cpp" line="39"/>
        <source>over tolerance</source>
        <translation>über der Toleranz</translation>
    </message>
    <message>
        <location filename="../widgets/models/staleness.cpp" line="41"/>
        <source>far over tolerance</source>
        <translation>weit über der Toleranz</translation>
    </message>
    <message>
        <location filename="../widgets/models/staleness.cpp" line="65"/>
        <source>%1 ms</source>
        <translation>%1 ms</translation>
    </message>
    <message>
        <location filename="../widgets/models/staleness.cpp" line="67"/>
        <source>%1 s</source>
        <translation>%1 s</translation>
    </message>
    <message>
        <location filename="../widgets/models/staleness.cpp" line="71"/>
        <source>%1 min</source>
        <translation>%1 min</translation>
    </message>
    <message>
        <location filename="../widgets/models/staleness.cpp" line="72"/>
        <source>%1 min %2 s</source>
        <translation>%1 min %2 s</translation>
    </message>
    <message>
        <location filename="../widgets/models/staleness.cpp" line="74"/>
        <source>%1 h</source>
        <translation>%1 h</translation>
    </message>
    <message>
        <location filename="../widgets/models/staleness.cpp" line="75"/>
        <source>%1 h %2 min</source>
        <translation>%1 h %2 min</translation>
    </message>
    <message>
        <location filename="../widgets/models/staleness.cpp" line="82"/>
        <source>low</source>
        <translation>niedrig</translation>
    </message>
    <message>
        <location filename="../widgets/models/staleness.cpp" line="84"/>
        <source>medium</source>
        <translation>mittel</translation>
    </message>
    <message>
        <location filename="../widgets/models/staleness.cpp" line="86"/>
        <source>high</source>
        <translation>hoch</translation>
    </message>
    <message>
        <location filename="../widgets/models/staleness.cpp" line="88"/>
        <source>critical</source>
        <translation>kritisch</translation>
    </message>
    <message>
        <location filename="../widgets/models/staleness.cpp" line="98"/>
        <source>cold · %1</source>
        <translation>kalt · %1</translation>
    </message>
</context>
<context>
    <name>foresight::widgets::StalenessPanel</name>
    <message>
        <location filename="../widgets/panels/stalenesspanel.cpp" line="38"/>
        <source>k-means</source>
        <translation>k-Means</translation>
    </message>
    <message>
        <location filename="../widgets/panels/stalenesspanel.cpp" line="40"/>
        <source>DBSCAN</source>
        <translation>DBSCAN</translation>
    </message>
    <message>
        <location filename="../widgets/panels/stalenesspanel.cpp" line="51"/>
        <source>&amp;Application:</source>
        <translation>&amp;Anwendung:</translation>
    </message>
    <message>
        <location filename="../widgets/panels/stalenesspanel.cpp" line="57"/>
        <source>Staleness</source>
        <translation>Veraltung</translation>
    </message>
    <message>
        <location filename="../widgets/panels/stalenesspanel.cpp" line="60"/>
        <source>Application</source>
        <translation>Anwendung</translation>
    </message>
    <message>
        <location filename="../widgets/panels/stalenesspanel.cpp" line="69"/>
        <location filename="../widgets/panels/stalenesspanel.cpp" line="80"/>
        <source>Partitions</source>
        <translation>Partitionen</translation>
    </message>
    <message>
        <location filename="../widgets/panels/stalenesspanel.cpp" line="100"/>
        <source>Impact-weighted staleness per replica</source>
        <translation>Gewichtete Veraltung je Replikat</translation>
    </message>
    <message>
        <location filename="../widgets/panels/stalenesspanel.cpp" line="117"/>
        <source>Σ weight × staleness (ms)</source>
        <translation>Σ Gewicht × Veraltung (ms)</translation>
    </message>
    <message>
        <location filename="../widgets/panels/stalenesspanel.cpp" line="121"/>
        <source>Impact-weighted staleness chart</source>
        <translation>Diagramm der gewichteten Veraltung</translation>
    </message>
    <message>
        <location filename="../widgets/panels/stalenesspanel.cpp" line="122"/>
        <source>Per replica, the sum over the partitions it holds of the class weight (low 1, medium 4, high 16, critical 64) times the partition&apos;s staleness in ms: what the synchronization scheduler keeps low.</source>
        <translation>Je Replikat die Summe über die Partitionen, die es hält, aus Klassengewicht (niedrig 1, mittel 4, hoch 16, kritisch 64) mal Veraltung der Partition in ms: was der Synchronisationsplaner niedrig hält.</translation>
    </message>
    <message>
        <location filename="../widgets/panels/stalenesspanel.cpp" line="223"/>
        <source>No cluster open.</source>
        <translation>Kein Cluster geöffnet.</translation>
    </message>
    <message>
        <location filename="../widgets/panels/stalenesspanel.cpp" line="225"/>
        <source>No application in this cluster.</source>
        <translation>Keine Anwendung in diesem Cluster.</translation>
    </message>
    <message>
        <location filename="../widgets/panels/stalenesspanel.cpp" line="228"/>
        <source>%1 has no primary, so no staleness partitions are reported.</source>
        <translation>%1 hat keinen Primary, daher werden keine Veraltungspartitionen gemeldet.</translation>
    </message>
    <message>
        <location filename="../widgets/panels/stalenesspanel.cpp" line="229"/>
        <source>%1&apos;s primary %2 has not reported staleness partitions yet: a primary reports them once it has accepted a write (an agent older than partitions reports none).</source>
        <translation>Der Primary %2 von %1 hat noch keine Veraltungspartitionen gemeldet: Ein Primary meldet sie, sobald er einen Schreibvorgang angenommen hat (ein Agent, der älter ist als die Partitionen, meldet keine).</translation>
    </message>
    <message>
        <location filename="../widgets/panels/stalenesspanel.cpp" line="239"/>
        <source>1 partition, %1 keys tracked</source>
        <translation>1 Partition, %1 Schlüssel erfasst</translation>
    </message>
    <message>
        <location filename="../widgets/panels/stalenesspanel.cpp" line="240"/>
        <source>%1 partitions, %2 keys tracked</source>
        <translation>%1 Partitionen, %2 Schlüssel erfasst</translation>
    </message>
    <message>
        <location filename="../widgets/panels/stalenesspanel.cpp" line="242"/>
        <source>%1 — %2; not clustered yet (%3): every key is in its class&apos;s cold partition.</source>
        <translation>%1 — %2; noch nicht geclustert (%3): jeder Schlüssel liegt in der kalten Partition seiner Klasse.</translation>
    </message>
    <message>
        <location filename="../widgets/panels/stalenesspanel.cpp" line="249"/>
        <source>1 cluster</source>
        <translation>1 Cluster</translation>
    </message>
    <message>
        <location filename="../widgets/panels/stalenesspanel.cpp" line="250"/>
        <source>%1 clusters</source>
        <translation>%1 Cluster</translation>
    </message>
    <message>
        <location filename="../widgets/panels/stalenesspanel.cpp" line="253"/>
        <source>%1, silhouette %2</source>
        <translation>%1, Silhouette %2</translation>
    </message>
    <message>
        <location filename="../widgets/panels/stalenesspanel.cpp" line="255"/>
        <source>%1 — %2, clustered at %3 (%4 ago): %5; %6.</source>
        <translation>%1 — %2, geclustert um %3 (vor %4): %5; %6.</translation>
    </message>
</context>
<context>
    <name>foresight::widgets::StalenessSummary</name>
    <message>
        <location filename="../widgets/models/stalenesssummary.cpp" line="49"/>
        <source>this shadow</source>
        <translation>dieses Shadows</translation>
    </message>
    <message>
        <location filename="../widgets/models/stalenesssummary.cpp" line="53"/>
        <source>this hot replica</source>
        <translation>dieses Hot-Replikats</translation>
    </message>
    <message>
        <location filename="../widgets/models/stalenesssummary.cpp" line="56"/>
        <source>this warm replica</source>
        <translation>dieses Warm-Replikats</translation>
    </message>
    <message>
        <location filename="../widgets/models/stalenesssummary.cpp" line="59"/>
        <source>this cold replica</source>
        <translation>dieses Cold-Replikats</translation>
    </message>
    <message>
        <location filename="../widgets/models/stalenesssummary.cpp" line="62"/>
        <source>this replica</source>
        <translation>dieses Replikats</translation>
    </message>
    <message>
        <location filename="../widgets/models/stalenesssummary.cpp" line="71"/>
        <source>Promoting %1 loses at most %2 of critical state</source>
        <translation>Die Hochstufung %1 verliert höchstens %2 an kritischem Zustand</translation>
    </message>
    <message>
        <location filename="../widgets/models/stalenesssummary.cpp" line="72"/>
        <source>Promoting %1 loses no critical state</source>
        <translation>Die Hochstufung %1 verliert keinen kritischen Zustand</translation>
    </message>
    <message>
        <location filename="../widgets/models/stalenesssummary.cpp" line="75"/>
        <source>Switching over to %1 waits for it to catch up on at most %2 of critical state</source>
        <translation>Ein Switchover zugunsten %1 wartet, bis höchstens %2 an kritischem Zustand aufgeholt sind</translation>
    </message>
    <message>
        <location filename="../widgets/models/stalenesssummary.cpp" line="77"/>
        <source>Switching over to %1 needs no catch-up of critical state</source>
        <translation>Ein Switchover zugunsten %1 muss keinen kritischen Zustand aufholen</translation>
    </message>
    <message>
        <location filename="../widgets/models/stalenesssummary.cpp" line="80"/>
        <source>%1.</source>
        <translation>%1.</translation>
    </message>
    <message>
        <location filename="../widgets/models/stalenesssummary.cpp" line="87"/>
        <source>it does not hold 1 partition (%1 keys, %2)</source>
        <translation>ihm fehlt 1 Partition ganz (%1 Schlüssel, %2)</translation>
    </message>
    <message>
        <location filename="../widgets/models/stalenesssummary.cpp" line="88"/>
        <source>it does not hold %1 partitions (%2 keys, %3)</source>
        <translation>ihm fehlen %1 Partitionen ganz (%2 Schlüssel, %3)</translation>
    </message>
    <message>
        <location filename="../widgets/models/stalenesssummary.cpp" line="89"/>
        <source>%1; %2.</source>
        <translation>%1; %2.</translation>
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
        <location filename="../widgets/topology/nodeitem.cpp" line="77"/>
        <source>⚠ SUSPECTED</source>
        <translation>⚠ AUSFALLVERDACHT</translation>
    </message>
    <message numerus="yes">
        <location filename="../widgets/topology/nodeitem.cpp" line="90"/>
        <source>%1 and %n more</source>
        <translation>
            <numerusform>%1 und %n weiterer</numerusform>
            <numerusform>%1 und %n weitere</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../widgets/topology/nodeitem.cpp" line="221"/>
        <source>primary: %1</source>
        <translation>Primary: %1</translation>
    </message>
    <message numerus="yes">
        <location filename="../widgets/topology/nodeitem.cpp" line="224"/>
        <source>primary of %n apps</source>
        <translation>
            <numerusform>Primary für %n Anwendung</numerusform>
            <numerusform>Primary für %n Anwendungen</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../widgets/topology/nodeitem.cpp" line="270"/>
        <source>S</source>
        <comment>badge: shadow</comment>
        <translation>S</translation>
    </message>
    <message>
        <location filename="../widgets/topology/nodeitem.cpp" line="271"/>
        <source>S%1</source>
        <comment>badge: shadow of n apps</comment>
        <translation>S%1</translation>
    </message>
    <message>
        <location filename="../widgets/topology/nodeitem.cpp" line="293"/>
        <source>P</source>
        <comment>badge: primary</comment>
        <translation>P</translation>
    </message>
    <message>
        <location filename="../widgets/topology/nodeitem.cpp" line="294"/>
        <source>P%1</source>
        <comment>badge: primary of n apps</comment>
        <translation>P%1</translation>
    </message>
    <message>
        <location filename="../widgets/topology/nodeitem.cpp" line="300"/>
        <source>%1 on %2</source>
        <translation>%1 auf %2</translation>
    </message>
    <message>
        <location filename="../widgets/topology/nodeitem.cpp" line="301"/>
        <source>State: %1</source>
        <translation>Zustand: %1</translation>
    </message>
    <message>
        <location filename="../widgets/topology/nodeitem.cpp" line="303"/>
        <source>In maintenance</source>
        <translation>In Wartung</translation>
    </message>
    <message>
        <location filename="../widgets/topology/nodeitem.cpp" line="305"/>
        <source>Cannot watch: %1</source>
        <translation>Nicht überwachbar: %1</translation>
    </message>
    <message>
        <location filename="../widgets/topology/nodeitem.cpp" line="309"/>
        <source>Primary of: %1</source>
        <translation>Primary für: %1</translation>
    </message>
    <message>
        <location filename="../widgets/topology/nodeitem.cpp" line="311"/>
        <source>Shadow of: %1</source>
        <translation>Shadow von: %1</translation>
    </message>
    <message>
        <location filename="../widgets/topology/nodeitem.cpp" line="316"/>
        <source>Replica of: %1</source>
        <translation>Replikat von: %1</translation>
    </message>
    <message>
        <location filename="../widgets/topology/topologyscene.cpp" line="145"/>
        <source>healthy</source>
        <translation>gesund</translation>
    </message>
    <message>
        <location filename="../widgets/topology/topologyscene.cpp" line="147"/>
        <source>maintenance</source>
        <translation>Wartung</translation>
    </message>
    <message>
        <location filename="../widgets/topology/topologyscene.cpp" line="149"/>
        <source>cannot watch</source>
        <translation>nicht überwachbar</translation>
    </message>
    <message>
        <location filename="../widgets/topology/topologyscene.cpp" line="151"/>
        <source>never heard</source>
        <translation>nie gemeldet</translation>
    </message>
    <message>
        <location filename="../widgets/topology/topologyscene.cpp" line="153"/>
        <source>SUSPECTED</source>
        <translation>AUSFALLVERDACHT</translation>
    </message>
    <message>
        <location filename="../widgets/topology/topologyscene.cpp" line="162"/>
        <source>ok</source>
        <translation>OK</translation>
    </message>
    <message>
        <location filename="../widgets/topology/topologyscene.cpp" line="164"/>
        <source>lagging</source>
        <translation>im Rückstand</translation>
    </message>
    <message>
        <location filename="../widgets/topology/topologyscene.cpp" line="166"/>
        <source>disconnected</source>
        <translation>getrennt</translation>
    </message>
    <message>
        <location filename="../widgets/topology/topologyscene.cpp" line="168"/>
        <source>integrity mismatch</source>
        <translation>Integritätsabweichung</translation>
    </message>
    <message>
        <location filename="../widgets/topology/topologyscene.cpp" line="661"/>
        <source>Staleness: it holds none of the partitions</source>
        <translation>Veraltung: es hält keine der Partitionen</translation>
    </message>
    <message>
        <location filename="../widgets/topology/topologyscene.cpp" line="663"/>
        <source>Staleness: every partition it holds is current</source>
        <translation>Veraltung: jede Partition, die es hält, ist aktuell</translation>
    </message>
    <message>
        <location filename="../widgets/topology/topologyscene.cpp" line="664"/>
        <source>Staleness: worst partition %1, %2 behind, %3 tolerated (%4×): %5</source>
        <translation>Veraltung: schlechteste Partition %1, %2 im Rückstand, %3 toleriert (%4×): %5</translation>
    </message>
    <message>
        <location filename="../widgets/topology/nodeitem.cpp" line="315"/>
        <source>%1 (%2)</source>
        <translation>%1 (%2)</translation>
    </message>
    <message>
        <location filename="../widgets/topology/topologyscene.cpp" line="681"/>
        <source>%1: %2 replica on %3 → primary %4</source>
        <translation>%1: %2-Replikat auf %3 → Primary %4</translation>
    </message>
    <message>
        <location filename="../widgets/topology/topologyscene.cpp" line="682"/>
        <source>Lag: %1 seqs</source>
        <translation>Rückstand: %1 Seq.</translation>
    </message>
    <message>
        <location filename="../widgets/topology/topologyscene.cpp" line="683"/>
        <source>Round trip: not measured</source>
        <translation>Umlaufzeit: nicht gemessen</translation>
    </message>
    <message>
        <location filename="../widgets/topology/topologyscene.cpp" line="683"/>
        <source>Round trip: %1 ms</source>
        <translation>Umlaufzeit: %1 ms</translation>
    </message>
    <message>
        <location filename="../widgets/topology/topologyscene.cpp" line="685"/>
        <source>Shadow of %1, %2</source>
        <translation>Shadow von %1, %2</translation>
    </message>
    <message>
        <location filename="../widgets/topology/topologyscene.cpp" line="687"/>
        <source>Link: %1</source>
        <translation>Verbindung: %1</translation>
    </message>
    <message>
        <location filename="../widgets/topology/topologyscene.cpp" line="746"/>
        <source>Host %1</source>
        <translation>Host %1</translation>
    </message>
</context>
<context>
    <name>foresight::widgets::TopologyView</name>
    <message>
        <location filename="../widgets/topology/topologyview.cpp" line="100"/>
        <source>hot replica</source>
        <translation>Hot-Replikat</translation>
    </message>
    <message>
        <location filename="../widgets/topology/topologyview.cpp" line="101"/>
        <source>warm replica</source>
        <translation>Warm-Replikat</translation>
    </message>
    <message>
        <location filename="../widgets/topology/topologyview.cpp" line="102"/>
        <source>cold replica</source>
        <translation>Cold-Replikat</translation>
    </message>
    <message>
        <location filename="../widgets/topology/topologyview.cpp" line="103"/>
        <source>lagging (≥ %1 seqs)</source>
        <translation>im Rückstand (≥ %1 Seq.)</translation>
    </message>
    <message>
        <location filename="../widgets/topology/topologyview.cpp" line="104"/>
        <source>disconnected</source>
        <translation>getrennt</translation>
    </message>
    <message>
        <location filename="../widgets/topology/topologyview.cpp" line="105"/>
        <source>integrity mismatch</source>
        <translation>Integritätsabweichung</translation>
    </message>
    <message>
        <location filename="../widgets/topology/topologyview.cpp" line="106"/>
        <source>shadow → its primary</source>
        <translation>Shadow → sein Primary</translation>
    </message>
    <message>
        <location filename="../widgets/topology/topologyview.cpp" line="108"/>
        <source>partitions within tolerance</source>
        <translation>Partitionen im Toleranzrahmen</translation>
    </message>
    <message>
        <location filename="../widgets/topology/topologyview.cpp" line="109"/>
        <source>partitions over tolerance</source>
        <translation>Partitionen über der Toleranz</translation>
    </message>
    <message>
        <location filename="../widgets/topology/topologyview.cpp" line="111"/>
        <source>partitions far over tolerance</source>
        <translation>Partitionen weit über der Toleranz</translation>
    </message>
    <message>
        <location filename="../widgets/topology/topologyview.cpp" line="133"/>
        <source>P: primary</source>
        <translation>P: Primary</translation>
    </message>
    <message>
        <location filename="../widgets/topology/topologyview.cpp" line="134"/>
        <source>S: holds a shadow</source>
        <translation>S: hält einen Shadow</translation>
    </message>
    <message>
        <location filename="../widgets/topology/topologyview.cpp" line="147"/>
        <source>Cluster topology</source>
        <translation>Clustertopologie</translation>
    </message>
    <message>
        <location filename="../widgets/topology/topologyview.cpp" line="148"/>
        <source>Agents as nodes and replication links as arrows from each replica to its primary.</source>
        <translation>Agenten als Knoten, Replikationsverbindungen als Pfeile von jedem Replikat zu seinem Primary.</translation>
    </message>
    <message>
        <location filename="../widgets/topology/topologyview.cpp" line="320"/>
        <source>The cluster has no agents.</source>
        <translation>Der Cluster hat keine Agenten.</translation>
    </message>
    <message>
        <location filename="../widgets/topology/topologyview.cpp" line="320"/>
        <source>No cluster open.</source>
        <translation>Kein Cluster geöffnet.</translation>
    </message>
</context>
<context>
    <name>foresight::widgets::TrainingPanel</name>
    <message>
        <location filename="../widgets/panels/trainingpanel.cpp" line="23"/>
        <source>Restore service within %1 s</source>
        <translation>Dienst innerhalb von %1 s wiederherstellen</translation>
    </message>
    <message>
        <location filename="../widgets/panels/trainingpanel.cpp" line="25"/>
        <source>Lose no acknowledged write</source>
        <translation>Keinen bestätigten Schreibvorgang verlieren</translation>
    </message>
    <message>
        <location filename="../widgets/panels/trainingpanel.cpp" line="27"/>
        <source>Promote no corrupted replica</source>
        <translation>Kein beschädigtes Replikat hochstufen</translation>
    </message>
    <message>
        <location filename="../widgets/panels/trainingpanel.cpp" line="29"/>
        <source>Move the primary off a failing host before it crashes</source>
        <translation>Den Primärknoten vor dem Absturz von einem ausfallenden Host verlegen</translation>
    </message>
    <message>
        <location filename="../widgets/panels/trainingpanel.cpp" line="60"/>
        <source>Scenario time</source>
        <translation>Zeit im Szenario</translation>
    </message>
    <message>
        <location filename="../widgets/panels/trainingpanel.cpp" line="61"/>
        <source>Scenario objectives</source>
        <translation>Ziele des Szenarios</translation>
    </message>
    <message>
        <location filename="../widgets/panels/trainingpanel.cpp" line="62"/>
        <source>Scenario events</source>
        <translation>Ereignisse des Szenarios</translation>
    </message>
    <message>
        <location filename="../widgets/panels/trainingpanel.cpp" line="63"/>
        <source>Scenario score</source>
        <translation>Bewertung des Szenarios</translation>
    </message>
    <message>
        <location filename="../widgets/panels/trainingpanel.cpp" line="78"/>
        <source>Objectives</source>
        <translation>Ziele</translation>
    </message>
    <message>
        <location filename="../widgets/panels/trainingpanel.cpp" line="80"/>
        <source>Events</source>
        <translation>Ereignisse</translation>
    </message>
    <message>
        <location filename="../widgets/panels/trainingpanel.cpp" line="90"/>
        <source>No scenario</source>
        <translation>Kein Szenario</translation>
    </message>
    <message>
        <location filename="../widgets/panels/trainingpanel.cpp" line="91"/>
        <source>%1 (difficulty %2 of 5)</source>
        <translation>%1 (Schwierigkeit %2 von 5)</translation>
    </message>
    <message>
        <location filename="../widgets/panels/trainingpanel.cpp" line="96"/>
        <source>%1: %2 points</source>
        <translation>%1: %2 Punkte</translation>
    </message>
    <message>
        <location filename="../widgets/panels/trainingpanel.cpp" line="100"/>
        <source>Waiting for the demo application to be healthy; the scenario starts then.</source>
        <translation>Warten, bis die Demo-Anwendung gesund ist; dann beginnt das Szenario.</translation>
    </message>
    <message>
        <location filename="../widgets/panels/trainingpanel.cpp" line="114"/>
        <source>%1 s of %2 s</source>
        <translation>%1 s von %2 s</translation>
    </message>
    <message>
        <location filename="../widgets/panels/trainingpanel.cpp" line="116"/>
        <source>Playing: faults fire at their times; act as you would on a real cluster.</source>
        <translation>Läuft: Fehler treten zu ihren Zeiten ein; handeln Sie wie auf einem echten Cluster.</translation>
    </message>
    <message>
        <location filename="../widgets/panels/trainingpanel.cpp" line="129"/>
        <source>Cut short after %1 s: the score covers only what happened so far.</source>
        <translation>Nach %1 s abgebrochen: die Bewertung umfasst nur, was bis dahin geschah.</translation>
    </message>
    <message>
        <location filename="../widgets/panels/trainingpanel.cpp" line="130"/>
        <source>Finished.</source>
        <translation>Beendet.</translation>
    </message>
    <message>
        <location filename="../widgets/panels/trainingpanel.cpp" line="131"/>
        <source>Score: %1 of %2 points</source>
        <translation>Bewertung: %1 von %2 Punkten</translation>
    </message>
    <message>
        <location filename="../widgets/panels/trainingpanel.cpp" line="135"/>
        <source>Met</source>
        <translation>Erreicht</translation>
    </message>
    <message>
        <location filename="../widgets/panels/trainingpanel.cpp" line="135"/>
        <source>Failed</source>
        <translation>Verfehlt</translation>
    </message>
    <message>
        <location filename="../widgets/panels/trainingpanel.cpp" line="141"/>
        <source>Done well</source>
        <translation>Gut gemacht</translation>
    </message>
    <message>
        <location filename="../widgets/panels/trainingpanel.cpp" line="144"/>
        <source>To improve</source>
        <translation>Zu verbessern</translation>
    </message>
    <message>
        <location filename="../widgets/panels/trainingpanel.cpp" line="146"/>
        <source>Your commands</source>
        <translation>Ihre Befehle</translation>
    </message>
    <message>
        <location filename="../widgets/panels/trainingpanel.cpp" line="148"/>
        <source>None.</source>
        <translation>Keine.</translation>
    </message>
</context>
</TS>
