<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en_US">
<context>
    <name>AppointmentModel</name>
    <message>
        <location filename="../../advisor_app/ui/models.py" line="128"/>
        <source>Zeit</source>
        <translation>Time</translation>
    </message>
    <message>
        <location filename="../../advisor_app/ui/models.py" line="129"/>
        <source>Kunde</source>
        <translation>Customer</translation>
    </message>
    <message>
        <location filename="../../advisor_app/ui/models.py" line="130"/>
        <source>Status</source>
        <translation>Status</translation>
    </message>
    <message>
        <location filename="../../advisor_app/ui/models.py" line="144"/>
        <source>Tag</source>
        <translation>Day</translation>
    </message>
</context>
<context>
    <name>AudioInput</name>
    <message>
        <location filename="../../advisor_app/media/capture.py" line="232"/>
        <source>Das Mikrofon lässt sich nicht öffnen.</source>
        <translation>The microphone cannot be opened.</translation>
    </message>
    <message>
        <location filename="../../advisor_app/media/capture.py" line="235"/>
        <source>Das gewählte Mikrofon ist nicht angeschlossen.</source>
        <translation>The chosen microphone is not connected.</translation>
    </message>
</context>
<context>
    <name>BookingDialog</name>
    <message>
        <location filename="../../advisor_app/ui/booking.py" line="38"/>
        <location filename="../../advisor_app/ui/booking.py" line="87"/>
        <source>Termin buchen</source>
        <translation>Book appointment</translation>
    </message>
    <message>
        <location filename="../../advisor_app/ui/booking.py" line="49"/>
        <source>ohne Thema</source>
        <translation>no topic</translation>
    </message>
    <message>
        <location filename="../../advisor_app/ui/booking.py" line="55"/>
        <source>Deutsch</source>
        <translation>German</translation>
    </message>
    <message>
        <location filename="../../advisor_app/ui/booking.py" line="56"/>
        <source>Englisch</source>
        <translation>English</translation>
    </message>
    <message>
        <location filename="../../advisor_app/ui/booking.py" line="61"/>
        <source>Name</source>
        <translation>Name</translation>
    </message>
    <message>
        <location filename="../../advisor_app/ui/booking.py" line="62"/>
        <source>E-Mail</source>
        <translation>E-mail</translation>
    </message>
    <message>
        <location filename="../../advisor_app/ui/booking.py" line="63"/>
        <source>Telefon</source>
        <translation>Phone</translation>
    </message>
    <message>
        <location filename="../../advisor_app/ui/booking.py" line="64"/>
        <source>Datum und Uhrzeit</source>
        <translation>Date and time</translation>
    </message>
    <message>
        <location filename="../../advisor_app/ui/booking.py" line="65"/>
        <source>Thema</source>
        <translation>Topic</translation>
    </message>
    <message>
        <location filename="../../advisor_app/ui/booking.py" line="66"/>
        <source>Sprache</source>
        <translation>Language</translation>
    </message>
    <message>
        <location filename="../../advisor_app/ui/booking.py" line="77"/>
        <source>Der Kunde erhält die Bestätigung mit dem Link per E-Mail.</source>
        <translation>The customer receives the confirmation with the link by e-mail.</translation>
    </message>
    <message>
        <location filename="../../advisor_app/ui/booking.py" line="88"/>
        <source>Abbrechen</source>
        <translation>Cancel</translation>
    </message>
</context>
<context>
    <name>ChatModel</name>
    <message>
        <location filename="../../advisor_app/ui/models.py" line="254"/>
        <source>Sie</source>
        <translation>You</translation>
    </message>
    <message>
        <location filename="../../advisor_app/ui/models.py" line="255"/>
        <source>Kunde</source>
        <translation>Customer</translation>
    </message>
</context>
<context>
    <name>LevelMeter</name>
    <message>
        <location filename="../../advisor_app/ui/level_meter.py" line="27"/>
        <source>Mikrofonpegel</source>
        <translation>Microphone level</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <location filename="../../advisor_app/ui/main_window.py" line="70"/>
        <source>Videoberatung – Berater-Konsole</source>
        <translation>Videoberatung – advisor console</translation>
    </message>
    <message>
        <location filename="../../advisor_app/ui/main_window.py" line="76"/>
        <source>Aktionen</source>
        <translation>Actions</translation>
    </message>
    <message>
        <location filename="../../advisor_app/ui/main_window.py" line="79"/>
        <source>Termin buchen …</source>
        <translation>Book appointment …</translation>
    </message>
    <message>
        <location filename="../../advisor_app/ui/main_window.py" line="82"/>
        <source>Einstellungen …</source>
        <translation>Settings …</translation>
    </message>
    <message>
        <location filename="../../advisor_app/ui/main_window.py" line="90"/>
        <source>Abmelden</source>
        <translation>Sign out</translation>
    </message>
    <message>
        <location filename="../../advisor_app/ui/main_window.py" line="93"/>
        <source>Beenden</source>
        <translation>Quit</translation>
    </message>
    <message>
        <location filename="../../advisor_app/ui/main_window.py" line="97"/>
        <source>&amp;Konsole</source>
        <translation>&amp;Console</translation>
    </message>
    <message>
        <location filename="../../advisor_app/ui/main_window.py" line="107"/>
        <source>Annehmen</source>
        <translation>Accept</translation>
    </message>
    <message>
        <location filename="../../advisor_app/ui/main_window.py" line="116"/>
        <source>Wartende Kunden</source>
        <translation>Waiting customers</translation>
    </message>
    <message>
        <location filename="../../advisor_app/ui/main_window.py" line="124"/>
        <source>Termine</source>
        <translation>Appointments</translation>
    </message>
    <message>
        <location filename="../../advisor_app/ui/main_window.py" line="138"/>
        <source>Gespräch</source>
        <translation>Session</translation>
    </message>
    <message>
        <location filename="../../advisor_app/ui/main_window.py" line="151"/>
        <source>Verbinde …</source>
        <translation>Connecting …</translation>
    </message>
    <message>
        <location filename="../../advisor_app/ui/main_window.py" line="184"/>
        <source>Wartende Kunden ({count})</source>
        <translation>Waiting customers ({count})</translation>
    </message>
    <message>
        <location filename="../../advisor_app/ui/main_window.py" line="190"/>
        <source>Heute ({count})</source>
        <translation>Today ({count})</translation>
    </message>
    <message>
        <location filename="../../advisor_app/ui/main_window.py" line="195"/>
        <source>Nächste Tage ({count})</source>
        <translation>Next days ({count})</translation>
    </message>
    <message>
        <location filename="../../advisor_app/ui/main_window.py" line="198"/>
        <source>Nachrichten ({count})</source>
        <translation>Messages ({count})</translation>
    </message>
    <message>
        <location filename="../../advisor_app/ui/main_window.py" line="199"/>
        <source>Nachrichten</source>
        <translation>Messages</translation>
    </message>
    <message>
        <location filename="../../advisor_app/ui/main_window.py" line="203"/>
        <source>Verbunden</source>
        <translation>Connected</translation>
    </message>
    <message>
        <location filename="../../advisor_app/ui/main_window.py" line="204"/>
        <source>Verbindung unterbrochen – verbinde neu …</source>
        <translation>Connection lost – reconnecting …</translation>
    </message>
</context>
<context>
    <name>MessageModel</name>
    <message>
        <location filename="../../advisor_app/ui/models.py" line="190"/>
        <source>Eingang</source>
        <translation>Received</translation>
    </message>
    <message>
        <location filename="../../advisor_app/ui/models.py" line="191"/>
        <source>Kunde</source>
        <translation>Customer</translation>
    </message>
    <message>
        <location filename="../../advisor_app/ui/models.py" line="192"/>
        <source>Rückrufnummer</source>
        <translation>Call-back number</translation>
    </message>
    <message>
        <location filename="../../advisor_app/ui/models.py" line="193"/>
        <source>Nachricht</source>
        <translation>Message</translation>
    </message>
    <message>
        <location filename="../../advisor_app/ui/models.py" line="194"/>
        <source>Status</source>
        <translation>Status</translation>
    </message>
    <message>
        <location filename="../../advisor_app/ui/models.py" line="205"/>
        <source>erledigt</source>
        <translation>done</translation>
    </message>
    <message>
        <location filename="../../advisor_app/ui/models.py" line="206"/>
        <source>neu</source>
        <translation>new</translation>
    </message>
</context>
<context>
    <name>MessagesView</name>
    <message>
        <location filename="../../advisor_app/ui/messages.py" line="56"/>
        <source>Erledigt</source>
        <translation>Done</translation>
    </message>
    <message>
        <location filename="../../advisor_app/ui/messages.py" line="101"/>
        <source>Keine Nachricht ausgewählt</source>
        <translation>No message selected</translation>
    </message>
    <message>
        <location filename="../../advisor_app/ui/messages.py" line="105"/>
        <source>{name} – Rückruf unter {phone}</source>
        <translation>{name} – call back on {phone}</translation>
    </message>
</context>
<context>
    <name>SessionView</name>
    <message>
        <location filename="../../advisor_app/ui/session_view.py" line="55"/>
        <source>Verbindung gut</source>
        <translation>Good connection</translation>
    </message>
    <message>
        <location filename="../../advisor_app/ui/session_view.py" line="56"/>
        <source>Verbindung schwach</source>
        <translation>Weak connection</translation>
    </message>
    <message>
        <location filename="../../advisor_app/ui/session_view.py" line="57"/>
        <source>Verbindung sehr schwach</source>
        <translation>Very weak connection</translation>
    </message>
    <message>
        <location filename="../../advisor_app/ui/session_view.py" line="62"/>
        <source>RTT {rtt} · empfangen {down:.0f} kbit/s · gesendet {up:.0f} kbit/s · Verlust {loss:.1f} % · {fps:.0f} Bilder/s</source>
        <translation>RTT {rtt} · received {down:.0f} kbit/s · sent {up:.0f} kbit/s · loss {loss:.1f} % · {fps:.0f} fps</translation>
    </message>
    <message>
        <location filename="../../advisor_app/ui/session_view.py" line="122"/>
        <location filename="../../advisor_app/ui/session_view.py" line="268"/>
        <source>Noch kein Gespräch</source>
        <translation>No session yet</translation>
    </message>
    <message>
        <location filename="../../advisor_app/ui/session_view.py" line="123"/>
        <source>Ihre Kamera</source>
        <translation>Your camera</translation>
    </message>
    <message>
        <location filename="../../advisor_app/ui/session_view.py" line="134"/>
        <source>Verbindungsstatus</source>
        <translation>Connection status</translation>
    </message>
    <message>
        <location filename="../../advisor_app/ui/session_view.py" line="151"/>
        <source>Nachricht an den Kunden …</source>
        <translation>Message to the customer …</translation>
    </message>
    <message>
        <location filename="../../advisor_app/ui/session_view.py" line="153"/>
        <source>Senden</source>
        <translation>Send</translation>
    </message>
    <message>
        <location filename="../../advisor_app/ui/session_view.py" line="157"/>
        <source>Stumm</source>
        <translation>Mute</translation>
    </message>
    <message>
        <location filename="../../advisor_app/ui/session_view.py" line="162"/>
        <source>Kamera aus</source>
        <translation>Camera off</translation>
    </message>
    <message>
        <location filename="../../advisor_app/ui/session_view.py" line="165"/>
        <source>Gespräch beenden</source>
        <translation>End session</translation>
    </message>
    <message>
        <location filename="../../advisor_app/ui/session_view.py" line="171"/>
        <source>Kunde</source>
        <translation>Customer</translation>
    </message>
    <message>
        <location filename="../../advisor_app/ui/session_view.py" line="172"/>
        <source>Rückrufnummer</source>
        <translation>Call-back number</translation>
    </message>
    <message>
        <location filename="../../advisor_app/ui/session_view.py" line="173"/>
        <source>Einwilligung</source>
        <translation>Consent</translation>
    </message>
    <message>
        <location filename="../../advisor_app/ui/session_view.py" line="174"/>
        <source>Freigabe</source>
        <translation>Allowed</translation>
    </message>
    <message>
        <location filename="../../advisor_app/ui/session_view.py" line="205"/>
        <source>Chat</source>
        <translation>Chat</translation>
    </message>
    <message>
        <location filename="../../advisor_app/ui/session_view.py" line="211"/>
        <source>Textgespräch – es werden weder Bild noch Ton übertragen.</source>
        <translation>Text session – no picture and no sound.</translation>
    </message>
    <message>
        <location filename="../../advisor_app/ui/session_view.py" line="264"/>
        <source>Der Kunde überträgt kein Bild.</source>
        <translation>The customer sends no picture.</translation>
    </message>
    <message>
        <location filename="../../advisor_app/ui/session_view.py" line="266"/>
        <source>Der Kunde wählt die Verbindung …</source>
        <translation>The customer is choosing the connection …</translation>
    </message>
    <message>
        <location filename="../../advisor_app/ui/session_view.py" line="278"/>
        <source>Das Gespräch ist beendet.</source>
        <translation>The session has ended.</translation>
    </message>
    <message>
        <location filename="../../advisor_app/ui/session_view.py" line="296"/>
        <source>Bild und Ton werden verbunden …</source>
        <translation>Connecting picture and sound …</translation>
    </message>
    <message>
        <location filename="../../advisor_app/ui/session_view.py" line="298"/>
        <source>Verbindung wird wiederhergestellt … Bild und Ton des Kunden kommen gerade nicht an; der Chat funktioniert weiter.</source>
        <translation>Restoring the connection … The customer&apos;s picture and sound are not arriving right now; the chat keeps working.</translation>
    </message>
    <message>
        <location filename="../../advisor_app/ui/session_view.py" line="301"/>
        <source>Das Bild des Kunden steht: Es kommen keine neuen Bilder an, der Ton schon.</source>
        <translation>The customer&apos;s picture is frozen: no new pictures arrive, the sound does.</translation>
    </message>
</context>
<context>
    <name>SettingsDialog</name>
    <message>
        <location filename="../../advisor_app/ui/settings_dialog.py" line="50"/>
        <source>Einstellungen</source>
        <translation>Settings</translation>
    </message>
    <message>
        <location filename="../../advisor_app/ui/settings_dialog.py" line="59"/>
        <source>Keine Vorschau</source>
        <translation>No preview</translation>
    </message>
    <message>
        <location filename="../../advisor_app/ui/settings_dialog.py" line="63"/>
        <source>Testton abspielen</source>
        <translation>Play test sound</translation>
    </message>
    <message>
        <location filename="../../advisor_app/ui/settings_dialog.py" line="70"/>
        <source>Wie das System</source>
        <translation>As the system</translation>
    </message>
    <message>
        <location filename="../../advisor_app/ui/settings_dialog.py" line="75"/>
        <source>Eine andere Sprache gilt ab dem nächsten Start der Konsole.</source>
        <translation>A different language applies from the next start of the console.</translation>
    </message>
    <message>
        <location filename="../../advisor_app/ui/settings_dialog.py" line="79"/>
        <source>Kamera</source>
        <translation>Camera</translation>
    </message>
    <message>
        <location filename="../../advisor_app/ui/settings_dialog.py" line="81"/>
        <source>Mikrofon</source>
        <translation>Microphone</translation>
    </message>
    <message>
        <location filename="../../advisor_app/ui/settings_dialog.py" line="82"/>
        <source>Pegel</source>
        <translation>Level</translation>
    </message>
    <message>
        <location filename="../../advisor_app/ui/settings_dialog.py" line="86"/>
        <source>Lautsprecher</source>
        <translation>Speaker</translation>
    </message>
    <message>
        <location filename="../../advisor_app/ui/settings_dialog.py" line="88"/>
        <source>Sprache</source>
        <translation>Language</translation>
    </message>
    <message>
        <location filename="../../advisor_app/ui/settings_dialog.py" line="92"/>
        <source>Übernehmen</source>
        <translation>Apply</translation>
    </message>
    <message>
        <location filename="../../advisor_app/ui/settings_dialog.py" line="95"/>
        <source>Abbrechen</source>
        <translation>Cancel</translation>
    </message>
    <message>
        <location filename="../../advisor_app/ui/settings_dialog.py" line="101"/>
        <source>Geräte und Sprache</source>
        <translation>Devices and language</translation>
    </message>
    <message>
        <location filename="../../advisor_app/ui/settings_dialog.py" line="126"/>
        <source>Sie sollten jetzt einen Klang hören.</source>
        <translation>You should hear a sound now.</translation>
    </message>
    <message>
        <location filename="../../advisor_app/ui/settings_dialog.py" line="127"/>
        <source>Kein Lautsprecher gefunden – der Testton kann nicht abgespielt werden.</source>
        <translation>No speaker found – the test sound cannot be played.</translation>
    </message>
</context>
<context>
    <name>SignInDialog</name>
    <message>
        <location filename="../../advisor_app/ui/sign_in.py" line="27"/>
        <source>Videoberatung – Anmeldung</source>
        <translation>Videoberatung – sign in</translation>
    </message>
    <message>
        <location filename="../../advisor_app/ui/sign_in.py" line="30"/>
        <source>Anmeldung für Beraterinnen und Berater</source>
        <translation>Sign in for advisors</translation>
    </message>
    <message>
        <location filename="../../advisor_app/ui/sign_in.py" line="37"/>
        <source>Angemeldet bleiben</source>
        <translation>Stay signed in</translation>
    </message>
    <message>
        <location filename="../../advisor_app/ui/sign_in.py" line="40"/>
        <source>Das Passwort wird im Schlüsselbund des Systems gespeichert, nie in einer Datei.</source>
        <translation>The password is kept in the system&apos;s keyring, never in a file.</translation>
    </message>
    <message>
        <location filename="../../advisor_app/ui/sign_in.py" line="48"/>
        <source>Server</source>
        <translation>Server</translation>
    </message>
    <message>
        <location filename="../../advisor_app/ui/sign_in.py" line="49"/>
        <source>Benutzername</source>
        <translation>User name</translation>
    </message>
    <message>
        <location filename="../../advisor_app/ui/sign_in.py" line="50"/>
        <source>Passwort</source>
        <translation>Password</translation>
    </message>
    <message>
        <location filename="../../advisor_app/ui/sign_in.py" line="56"/>
        <location filename="../../advisor_app/ui/sign_in.py" line="80"/>
        <source>Anmelden</source>
        <translation>Sign in</translation>
    </message>
    <message>
        <location filename="../../advisor_app/ui/sign_in.py" line="57"/>
        <source>Beenden</source>
        <translation>Quit</translation>
    </message>
    <message>
        <location filename="../../advisor_app/ui/sign_in.py" line="80"/>
        <source>Anmeldung läuft …</source>
        <translation>Signing in …</translation>
    </message>
</context>
<context>
    <name>Texts</name>
    <message>
        <location filename="../../advisor_app/ui/texts.py" line="27"/>
        <source>gebucht</source>
        <translation>booked</translation>
    </message>
    <message>
        <location filename="../../advisor_app/ui/texts.py" line="28"/>
        <source>wartet</source>
        <translation>waiting</translation>
    </message>
    <message>
        <location filename="../../advisor_app/ui/texts.py" line="29"/>
        <source>im Gespräch</source>
        <translation>in session</translation>
    </message>
    <message>
        <location filename="../../advisor_app/ui/texts.py" line="30"/>
        <source>erledigt</source>
        <translation>done</translation>
    </message>
    <message>
        <location filename="../../advisor_app/ui/texts.py" line="31"/>
        <source>verpasst</source>
        <translation>missed</translation>
    </message>
    <message>
        <location filename="../../advisor_app/ui/texts.py" line="32"/>
        <source>abgesagt</source>
        <translation>cancelled</translation>
    </message>
    <message>
        <location filename="../../advisor_app/ui/texts.py" line="45"/>
        <source>Benutzername oder Passwort ist falsch. Bitte prüfen Sie Ihre Eingabe.</source>
        <translation>The user name or password is wrong. Please check what you typed.</translation>
    </message>
    <message>
        <location filename="../../advisor_app/ui/texts.py" line="48"/>
        <source>Der Server ist nicht erreichbar. Bitte prüfen Sie die Adresse und Ihre Netzwerkverbindung.</source>
        <translation>The server cannot be reached. Please check the address and your network connection.</translation>
    </message>
    <message>
        <location filename="../../advisor_app/ui/texts.py" line="56"/>
        <source>Zu viele fehlgeschlagene Anmeldungen. Bitte versuchen Sie es in einer Minute erneut.</source>
        <translation>Too many failed sign-ins. Please try again in one minute.</translation>
    </message>
    <message>
        <location filename="../../advisor_app/ui/texts.py" line="59"/>
        <source>Zu viele fehlgeschlagene Anmeldungen. Bitte versuchen Sie es in {minutes} Minuten erneut.</source>
        <translation>Too many failed sign-ins. Please try again in {minutes} minutes.</translation>
    </message>
    <message>
        <location filename="../../advisor_app/ui/texts.py" line="62"/>
        <source>Die Anmeldung ist fehlgeschlagen: {message}</source>
        <translation>Signing in failed: {message}</translation>
    </message>
    <message>
        <location filename="../../advisor_app/ui/texts.py" line="84"/>
        <source>Bitte geben Sie die Adresse des Servers ein.</source>
        <translation>Please enter the server&apos;s address.</translation>
    </message>
    <message>
        <location filename="../../advisor_app/ui/texts.py" line="86"/>
        <source>Die Serveradresse muss mit http:// oder https:// beginnen.</source>
        <translation>The server address must start with http:// or https://.</translation>
    </message>
    <message>
        <location filename="../../advisor_app/ui/texts.py" line="89"/>
        <source>Ein entfernter Server muss mit https:// erreicht werden: Ihr Passwort und die Daten der Kunden dürfen nicht unverschlüsselt übertragen werden.</source>
        <translation>A remote server must be reached with https://: your password and the customers&apos; data must not travel unencrypted.</translation>
    </message>
    <message>
        <location filename="../../advisor_app/ui/texts.py" line="93"/>
        <source>Bitte geben Sie Ihren Benutzernamen ein.</source>
        <translation>Please enter your user name.</translation>
    </message>
    <message>
        <location filename="../../advisor_app/ui/texts.py" line="95"/>
        <source>Bitte geben Sie Ihr Passwort ein.</source>
        <translation>Please enter your password.</translation>
    </message>
    <message>
        <location filename="../../advisor_app/ui/texts.py" line="102"/>
        <source>Textgespräch: Der Kunde überträgt weder Bild noch Ton.</source>
        <translation>Text session: the customer sends neither picture nor sound.</translation>
    </message>
    <message>
        <location filename="../../advisor_app/ui/texts.py" line="105"/>
        <source>Der Kunde wählt gerade die Verbindung.</source>
        <translation>The customer is choosing the connection.</translation>
    </message>
    <message>
        <location filename="../../advisor_app/ui/texts.py" line="108"/>
        <source>Der Kunde überträgt kein Bild.</source>
        <translation>The customer sends no picture.</translation>
    </message>
    <message>
        <location filename="../../advisor_app/ui/texts.py" line="110"/>
        <source>Der Kunde möchte Sie nicht sehen.</source>
        <translation>The customer does not want to see you.</translation>
    </message>
    <message>
        <location filename="../../advisor_app/ui/texts.py" line="112"/>
        <source>Bild und Ton in beide Richtungen.</source>
        <translation>Picture and sound both ways.</translation>
    </message>
    <message>
        <location filename="../../advisor_app/ui/texts.py" line="133"/>
        <source>Mo</source>
        <translation>Mon</translation>
    </message>
    <message>
        <location filename="../../advisor_app/ui/texts.py" line="134"/>
        <source>Di</source>
        <translation>Tue</translation>
    </message>
    <message>
        <location filename="../../advisor_app/ui/texts.py" line="135"/>
        <source>Mi</source>
        <translation>Wed</translation>
    </message>
    <message>
        <location filename="../../advisor_app/ui/texts.py" line="136"/>
        <source>Do</source>
        <translation>Thu</translation>
    </message>
    <message>
        <location filename="../../advisor_app/ui/texts.py" line="137"/>
        <source>Fr</source>
        <translation>Fri</translation>
    </message>
    <message>
        <location filename="../../advisor_app/ui/texts.py" line="138"/>
        <source>Sa</source>
        <translation>Sat</translation>
    </message>
    <message>
        <location filename="../../advisor_app/ui/texts.py" line="139"/>
        <source>So</source>
        <translation>Sun</translation>
    </message>
</context>
<context>
    <name>VideoInput</name>
    <message>
        <location filename="../../advisor_app/media/capture.py" line="138"/>
        <source>Die gewählte Kamera ist nicht angeschlossen.</source>
        <translation>The chosen camera is not connected.</translation>
    </message>
    <message>
        <location filename="../../advisor_app/media/capture.py" line="160"/>
        <source>Die Kamera meldet einen Fehler: {text}</source>
        <translation>The camera reports an error: {text}</translation>
    </message>
</context>
<context>
    <name>WaitingAlert</name>
    <message>
        <location filename="../../advisor_app/ui/alerts.py" line="82"/>
        <source>Kunde wartet</source>
        <translation>Customer waiting</translation>
    </message>
    <message>
        <location filename="../../advisor_app/ui/alerts.py" line="83"/>
        <source>{name} wartet auf Sie.</source>
        <translation>{name} is waiting for you.</translation>
    </message>
</context>
<context>
    <name>WaitingModel</name>
    <message>
        <location filename="../../advisor_app/ui/models.py" line="160"/>
        <source>Kunde</source>
        <translation>Customer</translation>
    </message>
    <message>
        <location filename="../../advisor_app/ui/models.py" line="161"/>
        <source>Termin</source>
        <translation>Appointment</translation>
    </message>
    <message>
        <location filename="../../advisor_app/ui/models.py" line="162"/>
        <source>Wartet seit</source>
        <translation>Waiting for</translation>
    </message>
    <message>
        <location filename="../../advisor_app/ui/models.py" line="172"/>
        <source>ohne Termin</source>
        <translation>walk-in</translation>
    </message>
</context>
<context>
    <name>devices</name>
    <message>
        <location filename="../../advisor_app/media/devices.py" line="66"/>
        <source>Testbild (keine Kamera)</source>
        <translation>Test picture (no camera)</translation>
    </message>
    <message>
        <location filename="../../advisor_app/media/devices.py" line="73"/>
        <source>Testton (kein Mikrofon)</source>
        <translation>Test tone (no microphone)</translation>
    </message>
    <message>
        <location filename="../../advisor_app/media/devices.py" line="80"/>
        <source>Stumm (kein Lautsprecher)</source>
        <translation>Silent (no speaker)</translation>
    </message>
</context>
</TS>
