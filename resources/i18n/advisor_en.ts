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
        <location filename="../../advisor_app/media/capture.py" line="257"/>
        <source>Das Mikrofon lässt sich nicht öffnen.</source>
        <translation>The microphone cannot be opened.</translation>
    </message>
    <message>
        <location filename="../../advisor_app/media/capture.py" line="260"/>
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
        <location filename="../../advisor_app/ui/main_window.py" line="72"/>
        <source>Videoberatung – Berater-Konsole</source>
        <translation>Videoberatung – advisor console</translation>
    </message>
    <message>
        <location filename="../../advisor_app/ui/main_window.py" line="78"/>
        <source>Aktionen</source>
        <translation>Actions</translation>
    </message>
    <message>
        <location filename="../../advisor_app/ui/main_window.py" line="81"/>
        <source>Termin buchen …</source>
        <translation>Book appointment …</translation>
    </message>
    <message>
        <location filename="../../advisor_app/ui/main_window.py" line="84"/>
        <source>Einstellungen …</source>
        <translation>Settings …</translation>
    </message>
    <message>
        <location filename="../../advisor_app/ui/main_window.py" line="92"/>
        <source>Abmelden</source>
        <translation>Sign out</translation>
    </message>
    <message>
        <location filename="../../advisor_app/ui/main_window.py" line="95"/>
        <source>Beenden</source>
        <translation>Quit</translation>
    </message>
    <message>
        <location filename="../../advisor_app/ui/main_window.py" line="99"/>
        <source>&amp;Konsole</source>
        <translation>&amp;Console</translation>
    </message>
    <message>
        <location filename="../../advisor_app/ui/main_window.py" line="111"/>
        <location filename="../../advisor_app/ui/main_window.py" line="123"/>
        <location filename="../../advisor_app/ui/main_window.py" line="173"/>
        <source>Wartende Kunden</source>
        <translation>Waiting customers</translation>
    </message>
    <message>
        <location filename="../../advisor_app/ui/main_window.py" line="112"/>
        <source>Termine heute</source>
        <translation>Today&apos;s appointments</translation>
    </message>
    <message>
        <location filename="../../advisor_app/ui/main_window.py" line="113"/>
        <source>Termine der nächsten Tage</source>
        <translation>Appointments of the next days</translation>
    </message>
    <message>
        <location filename="../../advisor_app/ui/main_window.py" line="114"/>
        <source>&amp;Annehmen</source>
        <translation>&amp;Accept</translation>
    </message>
    <message>
        <location filename="../../advisor_app/ui/main_window.py" line="131"/>
        <source>Termine</source>
        <translation>Appointments</translation>
    </message>
    <message>
        <location filename="../../advisor_app/ui/main_window.py" line="145"/>
        <location filename="../../advisor_app/ui/main_window.py" line="174"/>
        <source>Gespräch</source>
        <translation>Session</translation>
    </message>
    <message>
        <location filename="../../advisor_app/ui/main_window.py" line="159"/>
        <source>Verbinde …</source>
        <translation>Connecting …</translation>
    </message>
    <message>
        <location filename="../../advisor_app/ui/main_window.py" line="171"/>
        <source>A&amp;nsicht</source>
        <translation>&amp;View</translation>
    </message>
    <message>
        <location filename="../../advisor_app/ui/main_window.py" line="223"/>
        <source>Wartende Kunden ({count})</source>
        <translation>Waiting customers ({count})</translation>
    </message>
    <message>
        <location filename="../../advisor_app/ui/main_window.py" line="229"/>
        <source>Heute ({count})</source>
        <translation>Today ({count})</translation>
    </message>
    <message>
        <location filename="../../advisor_app/ui/main_window.py" line="234"/>
        <source>Nächste Tage ({count})</source>
        <translation>Next days ({count})</translation>
    </message>
    <message>
        <location filename="../../advisor_app/ui/main_window.py" line="237"/>
        <source>Nachrichten ({count})</source>
        <translation>Messages ({count})</translation>
    </message>
    <message>
        <location filename="../../advisor_app/ui/main_window.py" line="175"/>
        <location filename="../../advisor_app/ui/main_window.py" line="238"/>
        <source>Nachrichten</source>
        <translation>Messages</translation>
    </message>
    <message>
        <location filename="../../advisor_app/ui/main_window.py" line="242"/>
        <source>Verbunden</source>
        <translation>Connected</translation>
    </message>
    <message>
        <location filename="../../advisor_app/ui/main_window.py" line="243"/>
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
        <location filename="../../advisor_app/ui/messages.py" line="39"/>
        <source>Nachrichten von Kunden</source>
        <translation>Messages from customers</translation>
    </message>
    <message>
        <location filename="../../advisor_app/ui/messages.py" line="58"/>
        <source>Text der Nachricht</source>
        <translation>Text of the message</translation>
    </message>
    <message>
        <location filename="../../advisor_app/ui/messages.py" line="59"/>
        <source>&amp;Erledigt</source>
        <translation>&amp;Done</translation>
    </message>
    <message>
        <location filename="../../advisor_app/ui/messages.py" line="110"/>
        <source>Keine Nachricht ausgewählt</source>
        <translation>No message selected</translation>
    </message>
    <message>
        <location filename="../../advisor_app/ui/messages.py" line="114"/>
        <source>{name} – Rückruf unter {phone}</source>
        <translation>{name} – call back on {phone}</translation>
    </message>
</context>
<context>
    <name>SessionView</name>
    <message>
        <location filename="../../advisor_app/ui/session_view.py" line="61"/>
        <source>Verbindung gut</source>
        <translation>Good connection</translation>
    </message>
    <message>
        <location filename="../../advisor_app/ui/session_view.py" line="62"/>
        <source>Verbindung schwach</source>
        <translation>Weak connection</translation>
    </message>
    <message>
        <location filename="../../advisor_app/ui/session_view.py" line="63"/>
        <source>Verbindung sehr schwach</source>
        <translation>Very weak connection</translation>
    </message>
    <message>
        <location filename="../../advisor_app/ui/session_view.py" line="68"/>
        <source>RTT {rtt} · empfangen {down:.0f} kbit/s · gesendet {up:.0f} kbit/s · Verlust {loss:.1f} % · {fps:.0f} Bilder/s</source>
        <translation>RTT {rtt} · received {down:.0f} kbit/s · sent {up:.0f} kbit/s · loss {loss:.1f} % · {fps:.0f} fps</translation>
    </message>
    <message>
        <location filename="../../advisor_app/ui/session_view.py" line="128"/>
        <location filename="../../advisor_app/ui/session_view.py" line="296"/>
        <source>Noch kein Gespräch</source>
        <translation>No session yet</translation>
    </message>
    <message>
        <location filename="../../advisor_app/ui/session_view.py" line="129"/>
        <source>Ihre Kamera</source>
        <translation>Your camera</translation>
    </message>
    <message>
        <location filename="../../advisor_app/ui/session_view.py" line="142"/>
        <source>Verbindungsstatus</source>
        <translation>Connection status</translation>
    </message>
    <message>
        <location filename="../../advisor_app/ui/session_view.py" line="147"/>
        <source>Verbindung des Kunden</source>
        <translation>Customer&apos;s connection</translation>
    </message>
    <message>
        <location filename="../../advisor_app/ui/session_view.py" line="164"/>
        <source>Chat-Verlauf</source>
        <translation>Chat history</translation>
    </message>
    <message>
        <location filename="../../advisor_app/ui/session_view.py" line="166"/>
        <source>Nachricht an den Kunden …</source>
        <translation>Message to the customer …</translation>
    </message>
    <message>
        <location filename="../../advisor_app/ui/session_view.py" line="168"/>
        <source>Nachricht an den Kunden</source>
        <translation>Message to the customer</translation>
    </message>
    <message>
        <location filename="../../advisor_app/ui/session_view.py" line="169"/>
        <source>Senden</source>
        <translation>Send</translation>
    </message>
    <message>
        <location filename="../../advisor_app/ui/session_view.py" line="173"/>
        <source>&amp;Stumm</source>
        <translation>&amp;Mute</translation>
    </message>
    <message>
        <location filename="../../advisor_app/ui/session_view.py" line="183"/>
        <source>Ka&amp;mera aus</source>
        <translation>Camera o&amp;ff</translation>
    </message>
    <message>
        <location filename="../../advisor_app/ui/session_view.py" line="186"/>
        <source>Gespräch &amp;beenden</source>
        <translation>&amp;End session</translation>
    </message>
    <message>
        <location filename="../../advisor_app/ui/session_view.py" line="192"/>
        <source>Kunde</source>
        <translation>Customer</translation>
    </message>
    <message>
        <location filename="../../advisor_app/ui/session_view.py" line="193"/>
        <source>Rückrufnummer</source>
        <translation>Call-back number</translation>
    </message>
    <message>
        <location filename="../../advisor_app/ui/session_view.py" line="194"/>
        <source>Einwilligung</source>
        <translation>Consent</translation>
    </message>
    <message>
        <location filename="../../advisor_app/ui/session_view.py" line="195"/>
        <source>Freigabe</source>
        <translation>Allowed</translation>
    </message>
    <message>
        <location filename="../../advisor_app/ui/session_view.py" line="228"/>
        <source>Chat</source>
        <translation>Chat</translation>
    </message>
    <message>
        <location filename="../../advisor_app/ui/session_view.py" line="234"/>
        <source>Textgespräch – es werden weder Bild noch Ton übertragen.</source>
        <translation>Text session – no picture and no sound.</translation>
    </message>
    <message>
        <location filename="../../advisor_app/ui/session_view.py" line="292"/>
        <source>Der Kunde überträgt kein Bild.</source>
        <translation>The customer sends no picture.</translation>
    </message>
    <message>
        <location filename="../../advisor_app/ui/session_view.py" line="294"/>
        <source>Der Kunde wählt die Verbindung …</source>
        <translation>The customer is choosing the connection …</translation>
    </message>
    <message>
        <location filename="../../advisor_app/ui/session_view.py" line="315"/>
        <source>Das Gespräch ist beendet.</source>
        <translation>The session has ended.</translation>
    </message>
    <message>
        <location filename="../../advisor_app/ui/session_view.py" line="339"/>
        <source>Bild und Ton werden verbunden …</source>
        <translation>Connecting picture and sound …</translation>
    </message>
    <message>
        <location filename="../../advisor_app/ui/session_view.py" line="341"/>
        <source>Verbindung wird wiederhergestellt … Bild und Ton des Kunden kommen gerade nicht an; der Chat funktioniert weiter.</source>
        <translation>Restoring the connection … The customer&apos;s picture and sound are not arriving right now; the chat keeps working.</translation>
    </message>
    <message>
        <location filename="../../advisor_app/ui/session_view.py" line="344"/>
        <source>Das Bild des Kunden steht: Es kommen keine neuen Bilder an, der Ton schon.</source>
        <translation>The customer&apos;s picture is frozen: no new pictures arrive, the sound does.</translation>
    </message>
    <message>
        <location filename="../../advisor_app/ui/session_view.py" line="362"/>
        <source>Nur Ton: Die Verbindung des Kunden ist zu schwach für Bild. Seine Seite schaltet das Bild von selbst wieder ein, sobald die Verbindung es trägt.</source>
        <translation>Sound only: the customer&apos;s connection is too weak for picture. Their page turns the picture back on by itself once the connection carries it.</translation>
    </message>
    <message>
        <location filename="../../advisor_app/ui/session_view.py" line="366"/>
        <source>Die Verbindung des Kunden ist zu schwach für Bild: Ihm wird „Nur Ton übertragen“ angeboten.</source>
        <translation>The customer&apos;s connection is too weak for picture: they are offered “Sound only”.</translation>
    </message>
</context>
<context>
    <name>SettingsDialog</name>
    <message>
        <location filename="../../advisor_app/ui/settings_dialog.py" line="61"/>
        <source>Einstellungen</source>
        <translation>Settings</translation>
    </message>
    <message>
        <location filename="../../advisor_app/ui/settings_dialog.py" line="70"/>
        <source>Keine Vorschau</source>
        <translation>No preview</translation>
    </message>
    <message>
        <location filename="../../advisor_app/ui/settings_dialog.py" line="74"/>
        <source>Testton abspielen</source>
        <translation>Play test sound</translation>
    </message>
    <message>
        <location filename="../../advisor_app/ui/settings_dialog.py" line="80"/>
        <source>Echo- und Rauschunterdrückung</source>
        <translation>Echo and noise suppression</translation>
    </message>
    <message>
        <location filename="../../advisor_app/ui/settings_dialog.py" line="83"/>
        <source>Entfernt das Echo Ihres Lautsprechers und Hintergrundgeräusche aus dem Mikrofon und gleicht die Lautstärke an.</source>
        <translation>Removes your speaker&apos;s echo and background noise from the microphone and evens out its volume.</translation>
    </message>
    <message>
        <location filename="../../advisor_app/ui/settings_dialog.py" line="86"/>
        <source>Nur mit Headset abschalten.</source>
        <translation>Switch off only with a headset.</translation>
    </message>
    <message>
        <location filename="../../advisor_app/ui/settings_dialog.py" line="89"/>
        <source>Wie das System</source>
        <translation>As the system</translation>
    </message>
    <message>
        <location filename="../../advisor_app/ui/settings_dialog.py" line="94"/>
        <source>Eine andere Sprache gilt ab dem nächsten Start der Konsole.</source>
        <translation>A different language applies from the next start of the console.</translation>
    </message>
    <message>
        <location filename="../../advisor_app/ui/settings_dialog.py" line="98"/>
        <source>Kamera</source>
        <translation>Camera</translation>
    </message>
    <message>
        <location filename="../../advisor_app/ui/settings_dialog.py" line="100"/>
        <source>Mikrofon</source>
        <translation>Microphone</translation>
    </message>
    <message>
        <location filename="../../advisor_app/ui/settings_dialog.py" line="101"/>
        <source>Pegel</source>
        <translation>Level</translation>
    </message>
    <message>
        <location filename="../../advisor_app/ui/settings_dialog.py" line="107"/>
        <source>Lautsprecher</source>
        <translation>Speaker</translation>
    </message>
    <message>
        <location filename="../../advisor_app/ui/settings_dialog.py" line="109"/>
        <source>Sprache</source>
        <translation>Language</translation>
    </message>
    <message>
        <location filename="../../advisor_app/ui/settings_dialog.py" line="113"/>
        <source>Übernehmen</source>
        <translation>Apply</translation>
    </message>
    <message>
        <location filename="../../advisor_app/ui/settings_dialog.py" line="116"/>
        <source>Abbrechen</source>
        <translation>Cancel</translation>
    </message>
    <message>
        <location filename="../../advisor_app/ui/settings_dialog.py" line="122"/>
        <source>Geräte und Sprache</source>
        <translation>Devices and language</translation>
    </message>
    <message>
        <location filename="../../advisor_app/ui/settings_dialog.py" line="154"/>
        <source>Sie sollten jetzt einen Klang hören.</source>
        <translation>You should hear a sound now.</translation>
    </message>
    <message>
        <location filename="../../advisor_app/ui/settings_dialog.py" line="155"/>
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
        <location filename="../../advisor_app/ui/texts.py" line="28"/>
        <source>gebucht</source>
        <translation>booked</translation>
    </message>
    <message>
        <location filename="../../advisor_app/ui/texts.py" line="29"/>
        <source>wartet</source>
        <translation>waiting</translation>
    </message>
    <message>
        <location filename="../../advisor_app/ui/texts.py" line="30"/>
        <source>im Gespräch</source>
        <translation>in session</translation>
    </message>
    <message>
        <location filename="../../advisor_app/ui/texts.py" line="31"/>
        <source>erledigt</source>
        <translation>done</translation>
    </message>
    <message>
        <location filename="../../advisor_app/ui/texts.py" line="32"/>
        <source>verpasst</source>
        <translation>missed</translation>
    </message>
    <message>
        <location filename="../../advisor_app/ui/texts.py" line="33"/>
        <source>abgesagt</source>
        <translation>cancelled</translation>
    </message>
    <message>
        <location filename="../../advisor_app/ui/texts.py" line="46"/>
        <source>Benutzername oder Passwort ist falsch. Bitte prüfen Sie Ihre Eingabe.</source>
        <translation>The user name or password is wrong. Please check what you typed.</translation>
    </message>
    <message>
        <location filename="../../advisor_app/ui/texts.py" line="49"/>
        <source>Der Server ist nicht erreichbar. Bitte prüfen Sie die Adresse und Ihre Netzwerkverbindung.</source>
        <translation>The server cannot be reached. Please check the address and your network connection.</translation>
    </message>
    <message>
        <location filename="../../advisor_app/ui/texts.py" line="57"/>
        <source>Zu viele fehlgeschlagene Anmeldungen. Bitte versuchen Sie es in einer Minute erneut.</source>
        <translation>Too many failed sign-ins. Please try again in one minute.</translation>
    </message>
    <message>
        <location filename="../../advisor_app/ui/texts.py" line="60"/>
        <source>Zu viele fehlgeschlagene Anmeldungen. Bitte versuchen Sie es in {minutes} Minuten erneut.</source>
        <translation>Too many failed sign-ins. Please try again in {minutes} minutes.</translation>
    </message>
    <message>
        <location filename="../../advisor_app/ui/texts.py" line="63"/>
        <source>Die Anmeldung ist fehlgeschlagen: {message}</source>
        <translation>Signing in failed: {message}</translation>
    </message>
    <message>
        <location filename="../../advisor_app/ui/texts.py" line="85"/>
        <source>Bitte geben Sie die Adresse des Servers ein.</source>
        <translation>Please enter the server&apos;s address.</translation>
    </message>
    <message>
        <location filename="../../advisor_app/ui/texts.py" line="87"/>
        <source>Die Serveradresse muss mit http:// oder https:// beginnen.</source>
        <translation>The server address must start with http:// or https://.</translation>
    </message>
    <message>
        <location filename="../../advisor_app/ui/texts.py" line="90"/>
        <source>Ein entfernter Server muss mit https:// erreicht werden: Ihr Passwort und die Daten der Kunden dürfen nicht unverschlüsselt übertragen werden.</source>
        <translation>A remote server must be reached with https://: your password and the customers&apos; data must not travel unencrypted.</translation>
    </message>
    <message>
        <location filename="../../advisor_app/ui/texts.py" line="94"/>
        <source>Bitte geben Sie Ihren Benutzernamen ein.</source>
        <translation>Please enter your user name.</translation>
    </message>
    <message>
        <location filename="../../advisor_app/ui/texts.py" line="96"/>
        <source>Bitte geben Sie Ihr Passwort ein.</source>
        <translation>Please enter your password.</translation>
    </message>
    <message>
        <location filename="../../advisor_app/ui/texts.py" line="103"/>
        <source>Textgespräch: Der Kunde überträgt weder Bild noch Ton.</source>
        <translation>Text session: the customer sends neither picture nor sound.</translation>
    </message>
    <message>
        <location filename="../../advisor_app/ui/texts.py" line="106"/>
        <source>Der Kunde wählt gerade die Verbindung.</source>
        <translation>The customer is choosing the connection.</translation>
    </message>
    <message>
        <location filename="../../advisor_app/ui/texts.py" line="109"/>
        <source>Der Kunde überträgt kein Bild.</source>
        <translation>The customer sends no picture.</translation>
    </message>
    <message>
        <location filename="../../advisor_app/ui/texts.py" line="111"/>
        <source>Der Kunde möchte Sie nicht sehen.</source>
        <translation>The customer does not want to see you.</translation>
    </message>
    <message>
        <location filename="../../advisor_app/ui/texts.py" line="113"/>
        <source>Bild und Ton in beide Richtungen.</source>
        <translation>Picture and sound both ways.</translation>
    </message>
    <message>
        <location filename="../../advisor_app/ui/texts.py" line="134"/>
        <source>Mo</source>
        <translation>Mon</translation>
    </message>
    <message>
        <location filename="../../advisor_app/ui/texts.py" line="135"/>
        <source>Di</source>
        <translation>Tue</translation>
    </message>
    <message>
        <location filename="../../advisor_app/ui/texts.py" line="136"/>
        <source>Mi</source>
        <translation>Wed</translation>
    </message>
    <message>
        <location filename="../../advisor_app/ui/texts.py" line="137"/>
        <source>Do</source>
        <translation>Thu</translation>
    </message>
    <message>
        <location filename="../../advisor_app/ui/texts.py" line="138"/>
        <source>Fr</source>
        <translation>Fri</translation>
    </message>
    <message>
        <location filename="../../advisor_app/ui/texts.py" line="139"/>
        <source>Sa</source>
        <translation>Sat</translation>
    </message>
    <message>
        <location filename="../../advisor_app/ui/texts.py" line="140"/>
        <source>So</source>
        <translation>Sun</translation>
    </message>
    <message>
        <location filename="../../advisor_app/ui/texts.py" line="194"/>
        <source>Sie sind stummgeschaltet.</source>
        <translation>You are muted.</translation>
    </message>
    <message>
        <location filename="../../advisor_app/ui/texts.py" line="196"/>
        <source>Ihr Mikrofon liefert keinen Ton – prüfen Sie die Auswahl in den Einstellungen.</source>
        <translation>Your microphone gives no sound – check the choice in the settings.</translation>
    </message>
    <message>
        <location filename="../../advisor_app/ui/texts.py" line="199"/>
        <source>Ihr Mikrofon übersteuert – sprechen Sie leiser oder verringern Sie die Eingangslautstärke.</source>
        <translation>Your microphone is overloaded – speak more softly or turn down the input volume.</translation>
    </message>
</context>
<context>
    <name>VideoInput</name>
    <message>
        <location filename="../../advisor_app/media/capture.py" line="141"/>
        <source>Die gewählte Kamera ist nicht angeschlossen.</source>
        <translation>The chosen camera is not connected.</translation>
    </message>
    <message>
        <location filename="../../advisor_app/media/capture.py" line="163"/>
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
        <location filename="../../advisor_app/media/devices.py" line="92"/>
        <source>Der Lautsprecher ‚{previous}‘ ist nicht mehr verfügbar – der Ton läuft jetzt über ‚{now}‘.</source>
        <translation>The speaker ‘{previous}’ is no longer available – sound now plays through ‘{now}’.</translation>
    </message>
    <message>
        <location filename="../../advisor_app/media/devices.py" line="94"/>
        <source>Das Mikrofon ‚{previous}‘ ist nicht mehr verfügbar – Ihre Stimme kommt jetzt von ‚{now}‘.</source>
        <translation>The microphone ‘{previous}’ is no longer available – your voice now comes from ‘{now}’.</translation>
    </message>
    <message>
        <location filename="../../advisor_app/media/devices.py" line="96"/>
        <source>Die Kamera ‚{previous}‘ ist nicht mehr verfügbar – Ihr Bild kommt jetzt von ‚{now}‘.</source>
        <translation>The camera ‘{previous}’ is no longer available – your picture now comes from ‘{now}’.</translation>
    </message>
    <message>
        <location filename="../../advisor_app/media/devices.py" line="98"/>
        <source>Der Lautsprecher ‚{now}‘ ist wieder da – der Ton läuft wieder über ihn.</source>
        <translation>The speaker ‘{now}’ is back – sound plays through it again.</translation>
    </message>
    <message>
        <location filename="../../advisor_app/media/devices.py" line="100"/>
        <source>Das Mikrofon ‚{now}‘ ist wieder da – Ihre Stimme kommt wieder von ihm.</source>
        <translation>The microphone ‘{now}’ is back – your voice comes from it again.</translation>
    </message>
    <message>
        <location filename="../../advisor_app/media/devices.py" line="102"/>
        <source>Die Kamera ‚{now}‘ ist wieder da – Ihr Bild kommt wieder von ihr.</source>
        <translation>The camera ‘{now}’ is back – your picture comes from it again.</translation>
    </message>
    <message>
        <location filename="../../advisor_app/media/devices.py" line="118"/>
        <source>Testbild (keine Kamera)</source>
        <translation>Test picture (no camera)</translation>
    </message>
    <message>
        <location filename="../../advisor_app/media/devices.py" line="125"/>
        <source>Testton (kein Mikrofon)</source>
        <translation>Test tone (no microphone)</translation>
    </message>
    <message>
        <location filename="../../advisor_app/media/devices.py" line="132"/>
        <source>Stumm (kein Lautsprecher)</source>
        <translation>Silent (no speaker)</translation>
    </message>
</context>
</TS>
