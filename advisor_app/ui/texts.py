"""Texts the console shows for server values (states, errors, consent), translatable.

Pure functions of plain data, so they are tested without widgets.
"""

from __future__ import annotations

import ipaddress
import math
import re
import unicodedata
from datetime import datetime
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from PySide6.QtCore import QCoreApplication

from advisor_app.media.voice_activity import MicrophoneNotice
from advisor_app.net.rest import ServerError

if TYPE_CHECKING:
    # Only for annotations: the sign-in window loads this module before pydantic.
    from live_protocol.views import VisitView


def appointment_state_label(state: str) -> str:
    labels = {
        "booked": QCoreApplication.translate("Texts", "gebucht"),
        "waiting": QCoreApplication.translate("Texts", "wartet"),
        "in_session": QCoreApplication.translate("Texts", "im Gespräch"),
        "completed": QCoreApplication.translate("Texts", "erledigt"),
        "missed": QCoreApplication.translate("Texts", "verpasst"),
        "cancelled": QCoreApplication.translate("Texts", "abgesagt"),
    }
    return labels.get(state, state)


def throttle_minutes(error: ServerError) -> int:
    """The minutes the server asks to wait (its Retry-After), at least 1."""
    return max(1, math.ceil((error.retry_after or 60) / 60))


def sign_in_problem(error: ServerError) -> str:
    """A clear German (or English) sentence for a failed sign-in."""
    if error.code == "not_authenticated":
        return QCoreApplication.translate(
            "Texts", "Benutzername oder Passwort ist falsch. Bitte prüfen Sie Ihre Eingabe.")
    if error.code == "unreachable":
        return QCoreApplication.translate(
            "Texts", "Der Server ist nicht erreichbar. Bitte prüfen Sie die Adresse und "
            "Ihre Netzwerkverbindung.")
    if error.code == "throttled":
        # German and English share the plural rule (one / other): two plain texts,
        # which lupdate reads from Python (it marks no numerus forms there).
        minutes = throttle_minutes(error)
        if minutes == 1:
            return QCoreApplication.translate(
                "Texts", "Zu viele fehlgeschlagene Anmeldungen. Bitte versuchen Sie es in "
                "einer Minute erneut.")
        return QCoreApplication.translate(
            "Texts", "Zu viele fehlgeschlagene Anmeldungen. Bitte versuchen Sie es in "
            "{minutes} Minuten erneut.").format(minutes=minutes)
    return QCoreApplication.translate(
        "Texts", "Die Anmeldung ist fehlgeschlagen: {message}").format(message=error.message)


def is_secure_server(server_url: str) -> bool:
    """HTTPS, or plain HTTP to this very machine (a demo, a test): the password and the
    customers' data never cross a network unencrypted."""
    parts = urlsplit(server_url)
    if parts.scheme == "https":
        return True
    host = (parts.hostname or "").lower()
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def sign_in_input_problem(server_url: str, username: str, password: str) -> str | None:
    """What is missing or wrong in the sign-in form, or None when it may be sent."""
    if not server_url.strip():
        return QCoreApplication.translate("Texts", "Bitte geben Sie die Adresse des Servers ein.")
    if not re.match(r"^https?://[^\s/]+", server_url.strip()):
        return QCoreApplication.translate(
            "Texts", "Die Serveradresse muss mit http:// oder https:// beginnen.")
    if not is_secure_server(server_url.strip()):
        return QCoreApplication.translate(
            "Texts", "Ein entfernter Server muss mit https:// erreicht werden: Ihr Passwort "
            "und die Daten der Kunden dürfen nicht unverschlüsselt übertragen werden.")
    if not username.strip():
        return QCoreApplication.translate("Texts", "Bitte geben Sie Ihren Benutzernamen ein.")
    if not password:
        return QCoreApplication.translate("Texts", "Bitte geben Sie Ihr Passwort ein.")
    return None


def consent_statements(visit: VisitView) -> list[str]:
    """What the customer allowed, in plain sentences."""
    if visit.mode == "text":
        return [QCoreApplication.translate(
            "Texts", "Textgespräch: Der Kunde überträgt weder Bild noch Ton.")]
    if visit.mode != "video":
        return [QCoreApplication.translate("Texts", "Der Kunde wählt gerade die Verbindung.")]
    statements = []
    if not visit.show_me:
        statements.append(QCoreApplication.translate("Texts", "Der Kunde überträgt kein Bild."))
    if not visit.see_advisor:
        statements.append(QCoreApplication.translate("Texts", "Der Kunde möchte Sie nicht sehen."))
    if not statements:
        statements.append(QCoreApplication.translate("Texts", "Bild und Ton in beide Richtungen."))
    return statements


def _instant(value: datetime | str) -> datetime:
    return (value if isinstance(value, datetime) else datetime.fromisoformat(value)).astimezone()


def local_time(value: datetime | str | None, with_date: bool = False) -> str:
    """An instant from the server (or its ISO text) as local wall-clock time ("14:30")."""
    if not value:
        return "–"
    moment = _instant(value)
    return moment.strftime("%d.%m.%Y %H:%M" if with_date else "%H:%M")


def local_day(value: datetime | str | None) -> str:
    """An instant from the server (or its ISO text) as a short local day ("Do 26.11.")."""
    if not value:
        return "–"
    moment = _instant(value)
    weekdays = [QCoreApplication.translate("Texts", "Mo"),
                QCoreApplication.translate("Texts", "Di"),
                QCoreApplication.translate("Texts", "Mi"),
                QCoreApplication.translate("Texts", "Do"),
                QCoreApplication.translate("Texts", "Fr"),
                QCoreApplication.translate("Texts", "Sa"),
                QCoreApplication.translate("Texts", "So")]
    return f"{weekdays[moment.weekday()]} {moment:%d.%m.}"


def waited(seconds: float) -> str:
    """A waiting time as m:ss (or h:mm:ss)."""
    total = max(0, int(seconds))
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


# Longer words (runs without a space) get a break opportunity every BREAK_EVERY
# characters: 16 wide letters fit the narrowest chat column, and words of real names and
# sentences up to LONGEST_WORD stay whole.
LONGEST_WORD = 24
BREAK_EVERY = 16
_ZERO_WIDTH_SPACE = "\u200b"
_ZERO_WIDTH_JOINER = "\u200d"
_RUNS = re.compile(r"(\s+)")


def _continues_a_character(character: str) -> bool:
    # Combining marks, variation selectors, skin tones, tags and joiners belong to the
    # character before them (an emoji sequence must not be split).
    return unicodedata.category(character) in ("Mn", "Mc", "Me", "Sk", "Cf")


def _broken_word(word: str) -> str:
    out: list[str] = []
    run = 0
    previous = ""
    for character in word:
        if (run >= BREAK_EVERY and previous != _ZERO_WIDTH_JOINER
                and not _continues_a_character(character)):
            out.append(_ZERO_WIDTH_SPACE)
            run = 0
        run += 1
        out.append(character)
        previous = character
    return "".join(out)


def breakable(text: str) -> str:
    """``text`` with break opportunities (zero-width spaces) in words longer than
    ``LONGEST_WORD``: Qt wraps only between words, so a very long word would otherwise
    run out of its label or chat line and be cut off."""
    return "".join(_broken_word(part) if len(part) > LONGEST_WORD else part
                   for part in _RUNS.split(text))


def microphone_notice_text(notice: MicrophoneNotice) -> str:
    """What the advisor is told about their own microphone."""
    if notice is MicrophoneNotice.MUTED_BUT_SPEAKING:
        return QCoreApplication.translate("Texts", "Sie sind stummgeschaltet.")
    if notice is MicrophoneNotice.SILENT:
        return QCoreApplication.translate(
            "Texts", "Ihr Mikrofon liefert keinen Ton – prüfen Sie die Auswahl in den "
            "Einstellungen.")
    return QCoreApplication.translate(
        "Texts", "Ihr Mikrofon übersteuert – sprechen Sie leiser oder verringern Sie die "
        "Eingangslautstärke.")
