"""Build the appointment e-mails: plain text, HTML and the .ics invitation in one message.

All wording lives in the templates (``templates/wording.<language>.j2``); this module picks
the template, formats the appointment time for the customer's language and assembles
the MIME structure.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime, make_msgid
from pathlib import Path
from typing import Any, Literal
from zoneinfo import ZoneInfo

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from server.core.config import Settings
from server.mail.calendar import build_invitation

SUPPORTED_LANGUAGES = ("de", "en")


class MailKind(enum.StrEnum):
    CONFIRMATION = "confirmation"
    RESCHEDULED = "rescheduled"
    CANCELLATION = "cancellation"
    REMINDER_24H = "reminder_24h"
    REMINDER_1H = "reminder_1h"


@dataclass(frozen=True)
class AppointmentMail:
    """Everything an appointment mail shows; built by the booking service."""

    kind: MailKind
    language: str  # "de" or "en"
    customer_name: str
    customer_email: str
    advisor_name: str
    topic_name: str | None
    starts_at: datetime  # aware, UTC
    ends_at: datetime  # aware, UTC
    ics_uid: str
    ics_sequence: int
    join_link: str | None  # None for cancellation
    manage_link: str | None  # cancel/reschedule page; None for cancellation
    booking_link: str  # to book anew (used in the cancellation mail)

    def __post_init__(self) -> None:
        # Fail when the mail is built, not later in the mail worker.
        if self.language not in SUPPORTED_LANGUAGES:
            raise ValueError(f"unsupported mail language {self.language!r}")
        if self.starts_at.utcoffset() is None or self.ends_at.utcoffset() is None:
            raise ValueError("appointment times must be timezone-aware")
        if self.ends_at <= self.starts_at:
            raise ValueError("appointment must end after it starts")
        if self.kind is not MailKind.CANCELLATION and not (self.join_link and self.manage_link):
            raise ValueError(f"a {self.kind} mail needs a join link and a manage link")


@dataclass(frozen=True)
class AppointmentTime:
    """An appointment's time as shown to the customer, in the bank's time zone."""

    short: str  # for subjects: "Di., 1. Dez. 2026 um 10:00 Uhr"
    date: str  # "Dienstag, 1. Dezember 2026"
    time_range: str  # "10:00 – 10:45 Uhr (MEZ)"


# Own tables rather than the process locale: the server's locale is unknown and global.
_WEEKDAYS = {
    "de": ("Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag", "Samstag", "Sonntag"),
    "en": ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
}
_WEEKDAYS_SHORT = {
    "de": ("Mo.", "Di.", "Mi.", "Do.", "Fr.", "Sa.", "So."),
    "en": ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"),
}
_MONTHS = {
    "de": ("Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August",
           "September", "Oktober", "November", "Dezember"),
    "en": ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December"),
}
_MONTHS_SHORT = {
    "de": ("Jan.", "Feb.", "März", "Apr.", "Mai", "Juni", "Juli", "Aug.", "Sep.", "Okt.",
           "Nov.", "Dez."),
    "en": ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"),
}
# German readers know Central European Time as MEZ/MESZ, not CET/CEST.
_GERMAN_ZONE_NAMES = {"CET": "MEZ", "CEST": "MESZ"}


def format_appointment_time(
    starts_at: datetime, ends_at: datetime, language: str, zone: ZoneInfo
) -> AppointmentTime:
    """Format an appointment for ``language`` in ``zone``, independent of the system locale."""
    start = starts_at.astimezone(zone)
    end = ends_at.astimezone(zone)
    weekday = _WEEKDAYS[language][start.weekday()]
    weekday_short = _WEEKDAYS_SHORT[language][start.weekday()]
    month = _MONTHS[language][start.month - 1]
    month_short = _MONTHS_SHORT[language][start.month - 1]
    clock = f"{start:%H:%M}"
    zone_name = _zone_abbreviation(start, language)
    if language == "de":
        return AppointmentTime(
            short=f"{weekday_short}, {start.day}. {month_short} {start.year} um {clock} Uhr",
            date=f"{weekday}, {start.day}. {month} {start.year}",
            time_range=f"{clock} – {end:%H:%M} Uhr ({zone_name})",
        )
    return AppointmentTime(
        short=f"{weekday_short} {start.day} {month_short} {start.year} at {clock}",
        date=f"{weekday}, {start.day} {month} {start.year}",
        time_range=f"{clock} – {end:%H:%M} ({zone_name})",
    )


def _zone_abbreviation(local: datetime, language: str) -> str:
    name = local.tzname() or ""
    if not name or name[0] in "+-":  # zones without an abbreviation give "+03"
        return f"UTC{name}"
    return _GERMAN_ZONE_NAMES.get(name, name) if language == "de" else name


_environment = Environment(
    loader=FileSystemLoader(Path(__file__).parent / "templates"),
    autoescape=select_autoescape(enabled_extensions=("html.j2",), default=False),
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
    keep_trailing_newline=True,
)


def _wording(language: str) -> Any:
    """The language's wording module (``templates/wording.<language>.j2``), cached by Jinja."""
    return _environment.get_template(f"wording.{language}.j2").module


def compose_appointment_mail(
    mail: AppointmentMail, settings: Settings, *, now: datetime | None = None
) -> EmailMessage:
    """Build the complete e-mail for ``mail``: text, HTML and the .ics invitation.

    ``now`` (default: the current time) fixes the Date header and the DTSTAMP.
    Serialise with ``message.as_bytes()``; the message carries the SMTP policy (CRLF).
    """
    now = now or datetime.now(UTC)
    wording = _wording(mail.language)
    when = format_appointment_time(mail.starts_at, mail.ends_at, mail.language, settings.zone)
    subject = str(wording.subjects[mail.kind.value]) % when.short
    context = _template_context(mail, settings, wording, when, subject)
    template = "cancellation" if mail.kind is MailKind.CANCELLATION else "appointment"

    message = EmailMessage(policy=SMTP)
    _set_headers(message, mail, settings, subject, now)
    # Quoted-printable keeps umlauts intact through relays without 8BITMIME.
    message.set_content(_render(f"{template}.txt.j2", context), cte="quoted-printable")
    message.add_alternative(
        _render(f"{template}.html.j2", context), subtype="html", cte="quoted-printable"
    )
    _attach_invitation(message, mail, settings, str(wording.ics_filename), now)
    # Set last: set_content() and add_attachment() move Content-* headers into parts.
    message["Content-Language"] = mail.language
    return message


def _set_headers(
    message: EmailMessage, mail: AppointmentMail, settings: Settings, subject: str,
    now: datetime,
) -> None:
    message["From"] = settings.mail_from
    message["To"] = Address(
        display_name=_single_line(mail.customer_name), addr_spec=mail.customer_email
    )
    message["Subject"] = subject
    message["Date"] = format_datetime(now.astimezone(UTC))
    message["Message-ID"] = make_msgid(domain=message["From"].addresses[0].domain or None)
    # Ask mail servers and clients not to answer with vacation replies.
    message["Auto-Submitted"] = "auto-generated"
    message["X-Auto-Response-Suppress"] = "All"


def _attach_invitation(
    message: EmailMessage, mail: AppointmentMail, settings: Settings, filename: str,
    now: datetime,
) -> None:
    method: Literal["REQUEST", "CANCEL"] = (
        "CANCEL" if mail.kind is MailKind.CANCELLATION else "REQUEST"
    )
    message.add_attachment(
        build_invitation(mail, settings, method=method, now=now),
        maintype="text",
        subtype="calendar",
        filename=filename,
        params={"method": method, "charset": "utf-8"},
    )


def _single_line(text: str) -> str:
    """Collapse whitespace, so a name with a line break cannot break the header."""
    return " ".join(text.split())


def _template_context(
    mail: AppointmentMail, settings: Settings, wording: Any, when: AppointmentTime,
    subject: str,
) -> dict[str, Any]:
    return {
        "t": wording,
        "kind": mail.kind.value,
        "subject": subject,
        "organisation_name": settings.organisation_name,
        "customer_name": _single_line(mail.customer_name),
        "advisor_name": mail.advisor_name,
        "topic_name": mail.topic_name,
        "when": when,
        "join_link": mail.join_link,
        "manage_link": mail.manage_link,
        "booking_link": mail.booking_link,
        "join_opens_minutes": settings.join_opens_minutes_before,
        "phone_number": settings.phone_number,
        "phone_href": "tel:" + re.sub(r"[^\d+]", "", settings.phone_number),
    }


def _render(template_name: str, context: dict[str, Any]) -> str:
    return _environment.get_template(template_name).render(context)
