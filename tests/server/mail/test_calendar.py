from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import icalendar
import pytest

from server.core.config import Settings
from server.mail.calendar import build_invitation
from server.mail.compose import AppointmentMail, MailKind

MakeMail = Callable[..., AppointmentMail]


def utc(year: int, month: int, day: int, hour: int, minute: int) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def parse_event(data: bytes) -> tuple[icalendar.Calendar, icalendar.Event]:
    calendar = icalendar.Calendar.from_ical(data)
    [event] = calendar.events
    return calendar, event


@pytest.mark.parametrize(
    ("starts_at", "ends_at"),
    [
        pytest.param(utc(2026, 1, 15, 9, 0), utc(2026, 1, 15, 9, 45), id="winter"),
        pytest.param(utc(2026, 7, 15, 8, 0), utc(2026, 7, 15, 8, 45), id="summer"),
        pytest.param(utc(2026, 3, 29, 8, 0), utc(2026, 3, 29, 8, 30), id="spring-day"),
        pytest.param(utc(2026, 3, 29, 0, 30), utc(2026, 3, 29, 1, 30), id="across-spring-gap"),
        pytest.param(utc(2026, 10, 25, 9, 0), utc(2026, 10, 25, 9, 30), id="autumn-day"),
        # 02:30 summer time, ends at the second 02:00 (winter time)
        pytest.param(utc(2026, 10, 25, 0, 30), utc(2026, 10, 25, 1, 0), id="into-repeated-hour"),
        # the second 02:30 (winter time), which local time alone cannot tell apart
        pytest.param(utc(2026, 10, 25, 1, 30), utc(2026, 10, 25, 2, 0), id="in-repeated-hour"),
    ],
)
def test_start_and_end_survive_the_round_trip(
    make_mail: MakeMail, settings: Settings, starts_at: datetime, ends_at: datetime
) -> None:
    mail = make_mail(starts_at=starts_at, ends_at=ends_at)
    _, event = parse_event(build_invitation(mail, settings, method="REQUEST"))

    assert isinstance(event.start, datetime) and isinstance(event.end, datetime)
    assert event.start.astimezone(UTC) == starts_at
    assert event.end.astimezone(UTC) == ends_at


@pytest.mark.parametrize("month", [1, 7])
def test_times_are_local_with_a_berlin_timezone(
    make_mail: MakeMail, settings: Settings, month: int
) -> None:
    mail = make_mail(starts_at=utc(2026, month, 15, 9, 0), ends_at=utc(2026, month, 15, 10, 0))
    data = build_invitation(mail, settings, method="REQUEST")
    calendar, event = parse_event(data)

    local_hour = 10 if month == 1 else 11
    assert f"DTSTART;TZID=Europe/Berlin:2026{month:02d}15T{local_hour}0000".encode() in data
    assert event["dtstart"].params["TZID"] == "Europe/Berlin"
    assert [tz["tzid"] for tz in calendar.walk("VTIMEZONE")] == ["Europe/Berlin"]


def test_request_invites_the_customer(make_mail: MakeMail, settings: Settings) -> None:
    mail = make_mail(ics_sequence=3)
    stamp = utc(2026, 11, 20, 8, 0)
    calendar, event = parse_event(build_invitation(mail, settings, method="REQUEST", now=stamp))

    assert calendar["method"] == "REQUEST"
    assert calendar["version"] == "2.0"
    assert "Musterbank eG" in str(calendar["prodid"])
    assert event["uid"] == "appointment-42@beratung.example.de"
    assert event["sequence"] == 3
    assert stamp == event.DTSTAMP
    assert event["status"] == "CONFIRMED"
    assert event["summary"] == "Video-Beratung mit Anna Schmidt"
    assert event["location"] == "Video-Beratung (Link in der E-Mail)"
    assert event["url"] == "https://beratung.example.de/join/join-token-123"
    description = str(event["description"])
    assert "https://beratung.example.de/join/join-token-123" in description
    assert "https://beratung.example.de/manage/manage-token-456" in description
    assert event["organizer"] == "mailto:beratung@musterbank.example"
    assert event["organizer"].params["CN"] == "Musterbank eG"
    attendee = event["attendee"]
    assert attendee == "mailto:joerg.mueller@example.de"
    assert dict(attendee.params) == {
        "CN": "Jörg Müller",
        "CUTYPE": "INDIVIDUAL",
        "ROLE": "REQ-PARTICIPANT",
        "PARTSTAT": "NEEDS-ACTION",
        "RSVP": "FALSE",
    }
    [alarm] = event.walk("VALARM")
    assert isinstance(alarm, icalendar.Alarm)
    trigger = alarm.TRIGGER
    assert alarm["action"] == "DISPLAY"
    assert trigger == -timedelta(minutes=15)


def test_uid_is_stable_across_changes(make_mail: MakeMail, settings: Settings) -> None:
    first = make_mail()
    moved = make_mail(
        kind=MailKind.RESCHEDULED, ics_sequence=1,
        starts_at=utc(2026, 12, 2, 9, 0), ends_at=utc(2026, 12, 2, 9, 45),
    )
    uids = {
        parse_event(build_invitation(mail, settings, method="REQUEST"))[1]["uid"]
        for mail in (first, moved)
    }

    assert uids == {"appointment-42@beratung.example.de"}


def test_cancel_cancels_the_same_event(make_mail: MakeMail, settings: Settings) -> None:
    mail = make_mail(kind=MailKind.CANCELLATION, ics_sequence=2)
    calendar, event = parse_event(build_invitation(mail, settings, method="CANCEL"))

    assert calendar["method"] == "CANCEL"
    assert event["status"] == "CANCELLED"
    assert event["sequence"] == 2
    assert event["uid"] == "appointment-42@beratung.example.de"
    assert "url" not in event
    assert "https://beratung.example.de/book" in str(event["description"])
    assert event.walk("VALARM") == []


def test_names_with_quotes_survive_as_parameters(make_mail: MakeMail, settings: Settings) -> None:
    mail = make_mail(customer_name='Ännchen "Anni" Süß; Dr.')
    _, event = parse_event(build_invitation(mail, settings, method="REQUEST"))

    assert event["attendee"].params["CN"] == 'Ännchen "Anni" Süß; Dr.'
