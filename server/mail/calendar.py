"""The .ics invitation attached to every appointment mail (iTIP REQUEST or CANCEL)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email.policy import default as default_policy
from typing import TYPE_CHECKING, Literal
from zoneinfo import ZoneInfo

from icalendar import Alarm, Calendar, Event

from server.core.config import Settings

if TYPE_CHECKING:  # compose.py imports this module; the dataclass is only needed for typing
    from server.mail.compose import AppointmentMail

ALARM_BEFORE = timedelta(minutes=15)

# The few calendar texts; the mail's own wording lives in templates/wording.*.j2.
_TEXT = {
    "de": {
        "summary": "Video-Beratung mit {advisor}",
        "location": "Video-Beratung (Link in der E-Mail)",
        "topic": "Thema: {topic}",
        "join": "Zur Video-Beratung: {link}",
        "opens": "Der Link funktioniert ab {minutes} Minuten vor Beginn.",
        "manage": "Termin verschieben oder absagen: {link}",
        "cancelled": "Diese Video-Beratung wurde abgesagt.",
        "book": "Neuen Termin buchen: {link}",
        "alarm": "Ihre Video-Beratung beginnt in {minutes} Minuten.",
    },
    "en": {
        "summary": "Video consultation with {advisor}",
        "location": "Video consultation (link in the e-mail)",
        "topic": "Topic: {topic}",
        "join": "Join the video consultation: {link}",
        "opens": "The link works from {minutes} minutes before the start.",
        "manage": "Reschedule or cancel: {link}",
        "cancelled": "This video consultation has been cancelled.",
        "book": "Book a new appointment: {link}",
        "alarm": "Your video consultation starts in {minutes} minutes.",
    },
}


def build_invitation(
    mail: AppointmentMail,
    settings: Settings,
    *,
    method: Literal["REQUEST", "CANCEL"],
    now: datetime | None = None,
) -> bytes:
    """Return the iCalendar bytes inviting to (REQUEST) or cancelling (CANCEL) ``mail``'s event.

    Times are written in ``settings.timezone`` with a VTIMEZONE, so calendars show
    the bank's local time; ``now`` (default: the current time) is the DTSTAMP.
    """
    event = _event(mail, settings, method, now or datetime.now(UTC))
    if method == "REQUEST":
        event.add_component(_alarm(mail.language))
    calendar = Calendar()
    product = f"-//{settings.organisation_name}//Videoberatung//{mail.language.upper()}"
    calendar.add("prodid", product)
    calendar.add("version", "2.0")
    calendar.add("method", method)
    calendar.add_component(event)
    start_local = mail.starts_at.astimezone(settings.zone)
    # A short VTIMEZONE: only the transitions around the appointment.
    calendar.add_missing_timezones(
        first_date=start_local.date() - timedelta(days=366),
        last_date=start_local.date() + timedelta(days=366),
    )
    return bytes(calendar.to_ical())


def _event(
    mail: AppointmentMail, settings: Settings, method: str, stamp: datetime
) -> Event:
    text = _TEXT[mail.language]
    event = Event()
    event.add("uid", mail.ics_uid)
    event.add("sequence", mail.ics_sequence)
    event.add("dtstamp", stamp.astimezone(UTC))
    event.add("dtstart", _calendar_time(mail.starts_at, settings.zone))
    event.add("dtend", _calendar_time(mail.ends_at, settings.zone))
    event.add("summary", text["summary"].format(advisor=mail.advisor_name))
    event.add("description", _description(mail, settings, method))
    event.add("location", text["location"])
    if mail.join_link:
        event.add("url", mail.join_link)
    event.add(
        "organizer",
        f"mailto:{_address_of(settings.mail_from)}",
        parameters={"CN": settings.organisation_name},
    )
    event.add(
        "attendee",
        f"mailto:{mail.customer_email}",
        parameters={
            "CN": " ".join(mail.customer_name.split()),
            "CUTYPE": "INDIVIDUAL",
            "ROLE": "REQ-PARTICIPANT",
            "PARTSTAT": "NEEDS-ACTION",
            "RSVP": "FALSE",
        },
    )
    event.add("status", "CANCELLED" if method == "CANCEL" else "CONFIRMED")
    event.add("transp", "OPAQUE")
    return event


def _calendar_time(instant: datetime, zone: ZoneInfo) -> datetime:
    """Local time in ``zone``, unless that local time is ambiguous and would be misread.

    In the hour repeated when summer time ends, a local time names two instants and
    RFC 5545 reads it as the first; the second one is written in UTC instead.
    """
    local = instant.astimezone(zone)
    if local.replace(fold=0).astimezone(UTC) != instant.astimezone(UTC):
        return instant.astimezone(UTC)
    return local


def _description(mail: AppointmentMail, settings: Settings, method: str) -> str:
    text = _TEXT[mail.language]
    if method == "CANCEL":
        return "\n".join((text["cancelled"], text["book"].format(link=mail.booking_link)))
    lines = [text["summary"].format(advisor=mail.advisor_name)]
    if mail.topic_name:
        lines.append(text["topic"].format(topic=mail.topic_name))
    lines += [
        "",
        text["join"].format(link=mail.join_link or ""),
        text["opens"].format(minutes=settings.join_opens_minutes_before),
        "",
        text["manage"].format(link=mail.manage_link or ""),
    ]
    return "\n".join(lines)


def _alarm(language: str) -> Alarm:
    minutes = int(ALARM_BEFORE.total_seconds() // 60)
    alarm = Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("description", _TEXT[language]["alarm"].format(minutes=minutes))
    alarm.add("trigger", -ALARM_BEFORE)
    return alarm


def _address_of(mailbox: str) -> str:
    """The bare address of a From value such as ``Bank <beratung@bank.de>``."""
    header = default_policy.header_factory("From", mailbox)
    return str(header.addresses[0].addr_spec)
