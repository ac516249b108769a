<?xml version='1.0' encoding='utf-8'?>
<TS version="2.1" language="en_US">
<context>
    <name>AppointmentModel</name>
    <message>
        <location filename="../../advisor_app/ui/models.py" line="79" />
        <source>Zeit</source>
        <translation>Time</translation>
    </message>
    <message>
        <location filename="../../advisor_app/ui/models.py" line="80" />
        <source>Kunde</source>
        <translation>Customer</translation>
    </message>
    <message>
        <location filename="../../advisor_app/ui/models.py" line="81" />
        <source>Status</source>
        <translation>Status</translation>
    </message>
</context>
<context>
    <name>BookingDialog</name>
    <message>
        <location filename="../../advisor_app/ui/booking.py" line="38" />
        <location filename="../../advisor_app/ui/booking.py" line="86" />
        <source>Termin buchen</source>
        <translation>Book appointment</translation>
    </message>
    <message>
        <location filename="../../advisor_app/ui/booking.py" line="48" />
        <source>ohne Thema</source>
        <translation>no topic</translation>
    </message>
    <message>
        <location filename="../../advisor_app/ui/booking.py" line="54" />
        <source>Deutsch</source>
        <translation>German</translation>
    </message>
    <message>
        <location filename="../../advisor_app/ui/booking.py" line="55" />
        <source>Englisch</source>
        <translation>English</translation>
    </message>
    <message>
        <location filename="../../advisor_app/ui/booking.py" line="60" />
        <source>Name</source>
        <translation>Name</translation>
    </message>
    <message>
        <location filename="../../advisor_app/ui/booking.py" line="61" />
        <source>E-Mail</source>
        <translation>E-mail</translation>
    </message>
    <message>
        <location filename="../../advisor_app/ui/booking.py" line="62" />
        <source>Telefon</source>
        <translation>Phone</translation>
    </message>
    <message>
        <location filename="../../advisor_app/ui/booking.py" line="63" />
        <source>Datum und Uhrzeit</source>
        <translation>Date and time</translation>
    </message>
    <message>
        <location filename="../../advisor_app/ui/booking.py" line="64" />
        <source>Thema</source>
        <translation>Topic</translation>
    </message>
    <message>
        <location filename="../../advisor_app/ui/booking.py" line="65" />
        <source>Sprache</source>
        <translation>Language</translation>
    </message>
    <message>
        <location filename="../../advisor_app/ui/booking.py" line="76" />
        <source>Der Kunde erhält die Bestätigung mit dem Link per E-Mail.</source>
        <translation>The customer receives the confirmation with the link by e-mail.</translation>
    </message>
    <message>
        <location filename="../../advisor_app/ui/booking.py" line="87" />
        <source>Abbrechen</source>
        <translation>Cancel</translation>
    </message>
</context>
<context>
    <name>ChatModel</name>
    <message>
        <location filename="../../advisor_app/ui/models.py" line="199" />
        <source>Sie</source>
        <translation>You</translation>
    </message>
    <message>
        <location filename="../../advisor_app/ui/models.py" line="200" />
        <source>Kunde</source>
        <translation>Customer</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <location filename="../../advisor_app/ui/main_window.py" line="58" />
        <source>Videoberatung – Berater-Konsole</source>
        <translation>Videoberatung – advisor console</translation>
    </message>
    <message>
        <location filename="../../advisor_app/ui/main_window.py" line="64" />
        <source>Aktionen</source>
        <translation>Actions</translation>
    </message>
    <message>
        <location filename="../../advisor_app/ui/main_window.py" line="67" />
        <source>Termin buchen …</source>
        <translation>Book appointment …</translation>
    </message>
    <message>
        <location filename="../../advisor_app/ui/main_window.py" line="75" />
        <source>Abmelden</source>
        <translation>Sign out</translation>
    </message>
    <message>
        <location filename="../../advisor_app/ui/main_window.py" line="83" />
        <source>Annehmen</source>
        <translation>Accept</translation>
    </message>
    <message>
        <location filename="../../advisor_app/ui/main_window.py" line="92" />
        <source>Wartende Kunden</source>
        <translation>Waiting customers</translation>
    </message>
    <message>
        <location filename="../../advisor_app/ui/main_window.py" line="100" />
        <source>Termine heute</source>
        <translation>Today's appointments</translation>
    </message>
    <message>
        <location filename="../../advisor_app/ui/main_window.py" line="108" />
        <source>Gespräch</source>
        <translation>Session</translation>
    </message>
    <message>
        <location filename="../../advisor_app/ui/main_window.py" line="120" />
        <source>Verbinde …</source>
        <translation>Connecting …</translation>
    </message>
    <message>
        <location filename="../../advisor_app/ui/main_window.py" line="138" />
        <source>Wartende Kunden ({count})</source>
        <translation>Waiting customers ({count})</translation>
    </message>
    <message>
        <location filename="../../advisor_app/ui/main_window.py" line="145" />
        <source>Nachrichten ({count})</source>
        <translation>Messages ({count})</translation>
    </message>
    <message>
        <location filename="../../advisor_app/ui/main_window.py" line="146" />
        <source>Nachrichten</source>
        <translation>Messages</translation>
    </message>
    <message>
        <location filename="../../advisor_app/ui/main_window.py" line="150" />
        <source>Verbunden</source>
        <translation>Connected</translation>
    </message>
    <message>
        <location filename="../../advisor_app/ui/main_window.py" line="151" />
        <source>Verbindung unterbrochen – verbinde neu …</source>
        <translation>Connection lost – reconnecting …</translation>
    </message>
</context>
<context>
    <name>MessageModel</name>
    <message>
        <location filename="../../advisor_app/ui/models.py" line="138" />
        <source>Eingang</source>
        <translation>Received</translation>
    </message>
    <message>
        <location filename="../../advisor_app/ui/models.py" line="139" />
        <source>Kunde</source>
        <translation>Customer</translation>
    </message>
    <message>
        <location filename="../../advisor_app/ui/models.py" line="140" />
        <source>Rückrufnummer</source>
        <translation>Call-back number</translation>
    </message>
    <message>
        <location filename="../../advisor_app/ui/models.py" line="141" />
        <source>Nachricht</source>
        <translation>Message</translation>
    </message>
    <message>
        <location filename="../../advisor_app/ui/models.py" line="142" />
        <source>Status</source>
        <translation>Status</translation>
    </message>
    <message>
        <location filename="../../advisor_app/ui/models.py" line="153" />
        <source>erledigt</source>
        <translation>done</translation>
    </message>
    <message>
        <location filename="../../advisor_app/ui/models.py" line="154" />
        <source>neu</source>
        <translation>new</translation>
    </message>
</context>
<context>
    <name>MessagesView</name>
    <message>
        <location filename="../../advisor_app/ui/messages.py" line="49" />
        <source>Erledigt</source>
        <translation>Done</translation>
    </message>
    <message>
        <location filename="../../advisor_app/ui/messages.py" line="88" />
        <source>Keine Nachricht ausgewählt</source>
        <translation>No message selected</translation>
    </message>
    <message>
        <location filename="../../advisor_app/ui/messages.py" line="92" />
        <source>{name} – Rückruf unter {phone}</source>
        <translation>{name} – call back on {phone}</translation>
    </message>
</context>
<context>
    <name>SessionView</name>
    <message>
        <location filename="../../advisor_app/ui/session_view.py" line="39" />
        <source>RTT {rtt} · empfangen {down:.0f} kbit/s · gesendet {up:.0f} kbit/s · Verlust {loss:.1f} % · {fps:.0f} Bilder/s</source>
        <translation>RTT {rtt} · received {down:.0f} kbit/s · sent {up:.0f} kbit/s · loss {loss:.1f} % · {fps:.0f} fps</translation>
    </message>
    <message>
        <location filename="../../advisor_app/ui/session_view.py" line="60" />
        <location filename="../../advisor_app/ui/session_view.py" line="175" />
        <source>Noch kein Gespräch</source>
        <translation>No session yet</translation>
    </message>
    <message>
        <location filename="../../advisor_app/ui/session_view.py" line="61" />
        <source>Ihre Kamera</source>
        <translation>Your camera</translation>
    </message>
    <message>
        <location filename="../../advisor_app/ui/session_view.py" line="78" />
        <source>Nachricht an den Kunden …</source>
        <translation>Message to the customer …</translation>
    </message>
    <message>
        <location filename="../../advisor_app/ui/session_view.py" line="80" />
        <source>Senden</source>
        <translation>Send</translation>
    </message>
    <message>
        <location filename="../../advisor_app/ui/session_view.py" line="84" />
        <source>Stumm</source>
        <translation>Mute</translation>
    </message>
    <message>
        <location filename="../../advisor_app/ui/session_view.py" line="87" />
        <source>Kamera aus</source>
        <translation>Camera off</translation>
    </message>
    <message>
        <location filename="../../advisor_app/ui/session_view.py" line="90" />
        <source>Gespräch beenden</source>
        <translation>End session</translation>
    </message>
    <message>
        <location filename="../../advisor_app/ui/session_view.py" line="95" />
        <source>Kunde</source>
        <translation>Customer</translation>
    </message>
    <message>
        <location filename="../../advisor_app/ui/session_view.py" line="96" />
        <source>Rückrufnummer</source>
        <translation>Call-back number</translation>
    </message>
    <message>
        <location filename="../../advisor_app/ui/session_view.py" line="97" />
        <source>Einwilligung</source>
        <translation>Consent</translation>
    </message>
    <message>
        <location filename="../../advisor_app/ui/session_view.py" line="98" />
        <source>Freigabe</source>
        <translation>Allowed</translation>
    </message>
    <message>
        <location filename="../../advisor_app/ui/session_view.py" line="128" />
        <source>Chat</source>
        <translation>Chat</translation>
    </message>
    <message>
        <location filename="../../advisor_app/ui/session_view.py" line="134" />
        <source>Textgespräch – es werden weder Bild noch Ton übertragen.</source>
        <translation>Text session – no picture and no sound.</translation>
    </message>
    <message>
        <location filename="../../advisor_app/ui/session_view.py" line="171" />
        <source>Der Kunde überträgt kein Bild.</source>
        <translation>The customer sends no picture.</translation>
    </message>
    <message>
        <location filename="../../advisor_app/ui/session_view.py" line="173" />
        <source>Der Kunde wählt die Verbindung …</source>
        <translation>The customer is choosing the connection …</translation>
    </message>
    <message>
        <location filename="../../advisor_app/ui/session_view.py" line="184" />
        <source>Das Gespräch ist beendet.</source>
        <translation>The session has ended.</translation>
    </message>
</context>
<context>
    <name>SignInDialog</name>
    <message>
        <location filename="../../advisor_app/ui/sign_in.py" line="27" />
        <source>Videoberatung – Anmeldung</source>
        <translation>Videoberatung – sign in</translation>
    </message>
    <message>
        <location filename="../../advisor_app/ui/sign_in.py" line="30" />
        <source>Anmeldung für Beraterinnen und Berater</source>
        <translation>Sign in for advisors</translation>
    </message>
    <message>
        <location filename="../../advisor_app/ui/sign_in.py" line="37" />
        <source>Angemeldet bleiben</source>
        <translation>Stay signed in</translation>
    </message>
    <message>
        <location filename="../../advisor_app/ui/sign_in.py" line="40" />
        <source>Das Passwort wird im Schlüsselbund des Systems gespeichert, nie in einer Datei.</source>
        <translation>The password is kept in the system's keyring, never in a file.</translation>
    </message>
    <message>
        <location filename="../../advisor_app/ui/sign_in.py" line="48" />
        <source>Server</source>
        <translation>Server</translation>
    </message>
    <message>
        <location filename="../../advisor_app/ui/sign_in.py" line="49" />
        <source>Benutzername</source>
        <translation>User name</translation>
    </message>
    <message>
        <location filename="../../advisor_app/ui/sign_in.py" line="50" />
        <source>Passwort</source>
        <translation>Password</translation>
    </message>
    <message>
        <location filename="../../advisor_app/ui/sign_in.py" line="56" />
        <location filename="../../advisor_app/ui/sign_in.py" line="80" />
        <source>Anmelden</source>
        <translation>Sign in</translation>
    </message>
    <message>
        <location filename="../../advisor_app/ui/sign_in.py" line="57" />
        <source>Beenden</source>
        <translation>Quit</translation>
    </message>
    <message>
        <location filename="../../advisor_app/ui/sign_in.py" line="80" />
        <source>Anmeldung läuft …</source>
        <translation>Signing in …</translation>
    </message>
</context>
<context>
    <name>Texts</name>
    <message>
        <location filename="../../advisor_app/ui/texts.py" line="19" />
        <source>gebucht</source>
        <translation>booked</translation>
    </message>
    <message>
        <location filename="../../advisor_app/ui/texts.py" line="20" />
        <source>wartet</source>
        <translation>waiting</translation>
    </message>
    <message>
        <location filename="../../advisor_app/ui/texts.py" line="21" />
        <source>im Gespräch</source>
        <translation>in session</translation>
    </message>
    <message>
        <location filename="../../advisor_app/ui/texts.py" line="22" />
        <source>erledigt</source>
        <translation>done</translation>
    </message>
    <message>
        <location filename="../../advisor_app/ui/texts.py" line="23" />
        <source>verpasst</source>
        <translation>missed</translation>
    </message>
    <message>
        <location filename="../../advisor_app/ui/texts.py" line="24" />
        <source>abgesagt</source>
        <translation>cancelled</translation>
    </message>
    <message>
        <location filename="../../advisor_app/ui/texts.py" line="38" />
        <source>Benutzername oder Passwort ist falsch. Bitte prüfen Sie Ihre Eingabe.</source>
        <translation>The user name or password is wrong. Please check what you typed.</translation>
    </message>
    <message>
        <location filename="../../advisor_app/ui/texts.py" line="41" />
        <source>Der Server ist nicht erreichbar. Bitte prüfen Sie die Adresse und Ihre Netzwerkverbindung.</source>
        <translation>The server cannot be reached. Please check the address and your network connection.</translation>
    </message>
    <message numerus="yes">
        <location filename="../../advisor_app/ui/texts.py" line="45" />
        <source>Zu viele fehlgeschlagene Anmeldungen. Bitte versuchen Sie es in %n Minute(n) erneut.</source>
        <translation><numerusform>Too many failed sign-ins. Please try again in %n minute.</numerusform><numerusform>Too many failed sign-ins. Please try again in %n minutes.</numerusform></translation>
    </message>
    <message>
        <location filename="../../advisor_app/ui/texts.py" line="48" />
        <source>Die Anmeldung ist fehlgeschlagen: {message}</source>
        <translation>Signing in failed: {message}</translation>
    </message>
    <message>
        <location filename="../../advisor_app/ui/texts.py" line="55" />
        <source>Bitte geben Sie die Adresse des Servers ein.</source>
        <translation>Please enter the server's address.</translation>
    </message>
    <message>
        <location filename="../../advisor_app/ui/texts.py" line="57" />
        <source>Die Serveradresse muss mit http:// oder https:// beginnen.</source>
        <translation>The server address must start with http:// or https://.</translation>
    </message>
    <message>
        <location filename="../../advisor_app/ui/texts.py" line="60" />
        <source>Bitte geben Sie Ihren Benutzernamen ein.</source>
        <translation>Please enter your user name.</translation>
    </message>
    <message>
        <location filename="../../advisor_app/ui/texts.py" line="62" />
        <source>Bitte geben Sie Ihr Passwort ein.</source>
        <translation>Please enter your password.</translation>
    </message>
    <message>
        <location filename="../../advisor_app/ui/texts.py" line="69" />
        <source>Textgespräch: Der Kunde überträgt weder Bild noch Ton.</source>
        <translation>Text session: the customer sends neither picture nor sound.</translation>
    </message>
    <message>
        <location filename="../../advisor_app/ui/texts.py" line="72" />
        <source>Der Kunde wählt gerade die Verbindung.</source>
        <translation>The customer is choosing the connection.</translation>
    </message>
    <message>
        <location filename="../../advisor_app/ui/texts.py" line="75" />
        <source>Der Kunde überträgt kein Bild.</source>
        <translation>The customer sends no picture.</translation>
    </message>
    <message>
        <location filename="../../advisor_app/ui/texts.py" line="77" />
        <source>Der Kunde möchte Sie nicht sehen.</source>
        <translation>The customer does not want to see you.</translation>
    </message>
    <message>
        <location filename="../../advisor_app/ui/texts.py" line="79" />
        <source>Bild und Ton in beide Richtungen.</source>
        <translation>Picture and sound both ways.</translation>
    </message>
</context>
<context>
    <name>WaitingAlert</name>
    <message>
        <location filename="../../advisor_app/ui/alerts.py" line="62" />
        <source>Kunde wartet</source>
        <translation>Customer waiting</translation>
    </message>
    <message>
        <location filename="../../advisor_app/ui/alerts.py" line="63" />
        <source>{name} wartet auf Sie.</source>
        <translation>{name} is waiting for you.</translation>
    </message>
</context>
<context>
    <name>WaitingModel</name>
    <message>
        <location filename="../../advisor_app/ui/models.py" line="107" />
        <source>Kunde</source>
        <translation>Customer</translation>
    </message>
    <message>
        <location filename="../../advisor_app/ui/models.py" line="108" />
        <source>Termin</source>
        <translation>Appointment</translation>
    </message>
    <message>
        <location filename="../../advisor_app/ui/models.py" line="109" />
        <source>Wartet seit</source>
        <translation>Waiting for</translation>
    </message>
    <message>
        <location filename="../../advisor_app/ui/models.py" line="120" />
        <source>ohne Termin</source>
        <translation>walk-in</translation>
    </message>
</context>
</TS>