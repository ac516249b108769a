"""Booking by customers and advisors, on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
import email
import email.policy
import hashlib
from datetime import UTC, datetime, timedelta
from typing import Any

import icalendar
import pytest
from sqlalchemy import func, select

from server.db.models import (
    AccessToken,
    Appointment,
    AppointmentState,
    AuditEntry,
    ConsentRecord,
    OutgoingMail,
)
from tests.conftest import Api
from tests.server.conftest import PASSWORD, Seeded, tomorrow_at


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


async def privacy_hash(api: Api, lang: str = "de") -> str:
    response = await api.client.get(f"/api/v1/public/legal/privacy?lang={lang}")
    assert response.status_code == 200
    return str(response.json()["sha256"])


async def booking_body(api: Api, seeded: Seeded, start: datetime, **changes: Any) -> dict[str, Any]:
    body = {
        "topic_id": seeded.topic_id,
        "advisor_id": seeded.advisor_id,
        "starts_at": iso(start),
        "name": "Erika Mustermann",
        "email": "erika@example.com",
        "phone": "030 1234567",
        "language": "de",
        "privacy_sha256": await privacy_hash(api),
    }
    body.update(changes)
    return body


async def queued_mails(api: Api) -> list[email.message.EmailMessage]:
    async with api.services.db.session() as session:
        rows = (await session.scalars(select(OutgoingMail).order_by(OutgoingMail.id))).all()
    messages = []
    for row in rows:
        assert row.message is not None
        parsed = email.message_from_bytes(row.message, policy=email.policy.default)
        assert isinstance(parsed, email.message.EmailMessage)
        messages.append(parsed)
    return messages


def calendar_of(message: email.message.EmailMessage) -> Any:
    for part in message.walk():
        if part.get_content_type() == "text/calendar":
            return icalendar.Calendar.from_ical(part.get_payload(decode=True))
    raise AssertionError("no calendar part")


def link_in(message: email.message.EmailMessage, kind: str) -> str:
    import re

    body = message.get_body(("plain",))
    assert body is not None
    found = re.search(rf"https://beratung\.example\.de/{kind}/([A-Za-z0-9_-]+)", body.get_content())
    assert found, f"no /{kind}/ link"
    return found.group(1)


async def test_slots_list_free_times_of_the_topic(api: Api, seeded: Seeded) -> None:
    day = tomorrow_at(0).date().isoformat()
    response = await api.client.get(
        f"/api/v1/public/slots?topic_id={seeded.topic_id}&from={day}&days=1"
    )
    assert response.status_code == 200
    slots = response.json()["slots"]
    assert len(slots) == 24  # 08:00–20:00 in 30-minute slots
    assert set(slots[0]["advisor_ids"]) == {seeded.advisor_id, seeded.advisor_id + 1}
    only_anna = await api.client.get(
        f"/api/v1/public/slots?topic_id={seeded.other_topic_id}&from={day}&days=1"
    )
    assert {tuple(s["advisor_ids"]) for s in only_anna.json()["slots"]} == {(seeded.advisor_id,)}


async def test_customer_books_a_slot_and_gets_the_confirmation(api: Api, seeded: Seeded) -> None:
    start = tomorrow_at(10)
    response = await api.client.post("/api/v1/public/bookings",
                                      json=await booking_body(api, seeded, start))
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["appointment"]["state"] == "booked"
    assert body["appointment"]["advisor_name"] == "Anna Berater"
    assert datetime.fromisoformat(body["appointment"]["starts_at"]) == start

    async with api.services.db.session() as session:
        appointment = await session.scalar(select(Appointment))
        consent = await session.scalar(select(ConsentRecord))
        tokens = (await session.scalars(select(AccessToken))).all()
        audit = (await session.scalars(select(AuditEntry.action))).all()
    assert appointment is not None and appointment.customer.phone == "+49301234567"
    assert consent is not None and consent.text_sha256 == await privacy_hash(api)
    assert {t.purpose.value for t in tokens} == {"join", "manage"}
    assert "appointment.booked" in audit

    [mail] = await queued_mails(api)
    assert mail["To"].addresses[0].addr_spec == "erika@example.com"
    join_token = link_in(mail, "join")
    assert len(join_token) >= 22  # 128 bits, URL-safe base64
    assert hashlib.sha256(join_token.encode()).hexdigest() in {t.token_hash for t in tokens}
    invitation = calendar_of(mail)
    assert invitation["METHOD"] == "REQUEST"
    event = invitation.walk("VEVENT")[0]
    assert event["UID"] == appointment.ics_uid
    assert event.decoded("DTSTART") == start

    # The slot is gone for everyone.
    slots = await api.client.get(
        f"/api/v1/public/slots?topic_id={seeded.topic_id}&advisor_id={seeded.advisor_id}"
        f"&from={start.date().isoformat()}&days=1"
    )
    assert iso(start) not in {s["starts_at"].replace("+00:00", "Z") for s in slots.json()["slots"]}


async def test_the_same_slot_cannot_be_booked_twice(api: Api, seeded: Seeded) -> None:
    start = tomorrow_at(11)
    first = await api.client.post("/api/v1/public/bookings",
                                  json=await booking_body(api, seeded, start))
    assert first.status_code == 201
    second = await api.client.post("/api/v1/public/bookings",
                                   json=await booking_body(api, seeded, start, name="Max"))
    assert second.status_code == 409
    assert second.json()["error"]["code"] == "slot_taken"


async def test_parallel_bookings_of_one_slot_let_exactly_one_win(api: Api, seeded: Seeded) -> None:
    start = tomorrow_at(12)
    body = await booking_body(api, seeded, start)
    responses = await asyncio.gather(*[
        api.client.post("/api/v1/public/bookings", json={**body, "name": f"Kunde {i}"})
        for i in range(12)
    ])
    codes = sorted(r.status_code for r in responses)
    assert codes == [201] + [409] * 11, [r.text for r in responses if r.status_code not in
                                         (201, 409)]
    async with api.services.db.session() as session:
        live = await session.scalar(select(func.count()).select_from(Appointment).where(
            Appointment.state == AppointmentState.BOOKED))
    assert live == 1


async def test_parallel_bookings_for_any_advisor_fill_each_advisor_once(
    api: Api, seeded: Seeded
) -> None:
    start = tomorrow_at(13)
    body = await booking_body(api, seeded, start, advisor_id=None)
    responses = await asyncio.gather(*[
        api.client.post("/api/v1/public/bookings", json={**body, "name": f"Kunde {i}"})
        for i in range(6)
    ])
    codes = sorted(r.status_code for r in responses)
    assert codes == [201, 201] + [409] * 4  # anna and ben each take one
    names = {r.json()["appointment"]["advisor_name"] for r in responses if r.status_code == 201}
    assert names == {"Anna Berater", "Ben Berater"}


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"phone": "12"}, "phone"),
        ({"phone": "call me"}, "phone"),
        ({"email": "erika@"}, "email"),
        ({"name": "   "}, "name"),
        ({"name": "x" * 300}, "name"),
        ({"starts_at": "2026-12-01T10:00:00"}, "starts_at"),
        ({"starts_at": "tomorrow"}, "starts_at"),
        ({"language": "fr"}, "language"),
        ({"privacy_sha256": "nope"}, "privacy_sha256"),
        ({"unexpected": 1}, "unexpected"),
    ],
)
async def test_bad_booking_input_gets_a_clear_error_per_field(
    api: Api, seeded: Seeded, changes: dict[str, Any], field: str
) -> None:
    response = await api.client.post(
        "/api/v1/public/bookings", json=await booking_body(api, seeded, tomorrow_at(14), **changes)
    )
    assert response.status_code == 422, response.text
    error = response.json()["error"]
    assert error["code"] == "invalid"
    assert field in {f["field"] for f in error["fields"]}
    assert await queued_mails(api) == []


@pytest.mark.parametrize(
    ("start", "message"),
    [
        (lambda: tomorrow_at(10, 10), "does not offer"),
        (lambda: tomorrow_at(21), "does not offer"),
        (lambda: tomorrow_at(10, days=-2), "too soon or already past"),
        (lambda: tomorrow_at(10, days=400), "too far ahead"),
    ],
)
async def test_times_outside_the_offer_are_refused(
    api: Api, seeded: Seeded, start: Any, message: str
) -> None:
    response = await api.client.post("/api/v1/public/bookings",
                                     json=await booking_body(api, seeded, start()))
    assert response.status_code == 422
    assert message in response.json()["error"]["message"]


async def test_changed_privacy_notes_must_be_accepted_again(api: Api, seeded: Seeded) -> None:
    body = await booking_body(api, seeded, tomorrow_at(15), privacy_sha256="0" * 64)
    response = await api.client.post("/api/v1/public/bookings", json=body)
    assert response.status_code == 409
    assert "privacy notes have changed" in response.json()["error"]["message"]


async def test_malformed_requests_never_produce_a_500(api: Api, seeded: Seeded) -> None:
    bad = [
        ("POST", "/api/v1/public/bookings", b"{not json"),
        ("POST", "/api/v1/public/bookings", b"[]"),
        ("POST", "/api/v1/public/bookings", b'{"topic_id": "x" }'),
        ("GET", "/api/v1/public/slots?topic_id=abc", None),
        ("GET", "/api/v1/public/slots?topic_id=1&days=999", None),
        ("GET", "/api/v1/public/slots?topic_id=1&from=2026-13-45", None),
        ("GET", "/api/v1/public/legal/passwords?lang=de", None),
        ("GET", "/api/v1/public/manage/%00%ff", None),
        ("POST", "/api/v1/auth/sign-in", b'{"username": 5}'),
        ("GET", "/api/v1/public/slots?topic_id=99999999999999999999", None),
        ("GET", f"/api/v1/public/advisors?topic_id={2**40}", None),
        ("POST", "/api/v1/public/bookings", b'{"starts_at": "0001-01-01T00:00:00+01:00"}'),
        ("POST", "/api/v1/public/bookings", b'{"topic_id": 9223372036854775808}'),
    ]
    for method, path, content in bad:
        response = await api.client.request(method, path, content=content,
                                            headers={"content-type": "application/json"})
        assert 400 <= response.status_code < 500, (path, response.status_code)
        assert response.json()["error"]["message"]
    far = await api.client.get("/api/v1/public/slots?topic_id=1&from=9999-12-31&days=7")
    assert far.status_code == 200 and far.json()["slots"] == []
    headers = await api.sign_in("anna", PASSWORD)
    listing = await api.client.get("/api/v1/appointments?start=9999-12-31&days=300",
                                   headers=headers)
    assert listing.status_code == 422
    huge = await api.client.post("/api/v1/public/bookings", content=b"x" * 200_000,
                                 headers={"content-type": "application/json"})
    assert huge.status_code == 413


async def test_cancel_from_the_mail_link_needs_no_account(api: Api, seeded: Seeded) -> None:
    start = tomorrow_at(16)
    await api.client.post("/api/v1/public/bookings", json=await booking_body(api, seeded, start))
    manage = link_in((await queued_mails(api))[0], "manage")

    shown = await api.client.get(f"/api/v1/public/manage/{manage}")
    assert shown.status_code == 200 and shown.json()["can_cancel"] is True
    cancelled = await api.client.post(f"/api/v1/public/manage/{manage}/cancel")
    assert cancelled.status_code == 200
    assert cancelled.json()["appointment"]["state"] == "cancelled"
    again = await api.client.post(f"/api/v1/public/manage/{manage}/cancel")
    assert again.status_code == 200

    confirmation, cancellation = await queued_mails(api)
    original = calendar_of(confirmation).walk("VEVENT")[0]
    cancel_event = calendar_of(cancellation)
    assert cancel_event["METHOD"] == "CANCEL"
    event = cancel_event.walk("VEVENT")[0]
    assert event["UID"] == original["UID"]
    assert int(event["SEQUENCE"]) > int(original["SEQUENCE"])
    assert str(event["STATUS"]) == "CANCELLED"

    # The slot is free again, and someone else can take it.
    retry = await api.client.post("/api/v1/public/bookings",
                                  json=await booking_body(api, seeded, start, name="Max"))
    assert retry.status_code == 201


async def test_reschedule_keeps_the_record_and_sends_a_new_invitation(
    api: Api, seeded: Seeded
) -> None:
    start, later = tomorrow_at(9), tomorrow_at(17, 30)
    await api.client.post("/api/v1/public/bookings", json=await booking_body(api, seeded, start))
    manage = link_in((await queued_mails(api))[0], "manage")
    moved = await api.client.post(f"/api/v1/public/manage/{manage}/reschedule",
                                  json={"starts_at": iso(later)})
    assert moved.status_code == 200, moved.text
    assert datetime.fromisoformat(moved.json()["appointment"]["starts_at"]) == later

    async with api.services.db.session() as session:
        assert await session.scalar(select(func.count()).select_from(Appointment)) == 1
    first, second = await queued_mails(api)
    before = calendar_of(first).walk("VEVENT")[0]
    after = calendar_of(second).walk("VEVENT")[0]
    assert calendar_of(second)["METHOD"] == "REQUEST"
    assert after["UID"] == before["UID"]
    assert int(after["SEQUENCE"]) == int(before["SEQUENCE"]) + 1
    assert after.decoded("DTSTART") == later
    assert link_in(second, "join") != link_in(first, "join")
    # The first mail's links named the old time: they no longer work, the new ones do.
    for old in (f"manage/{manage}", f"join/{link_in(first, 'join')}"):
        assert (await api.client.get(f"/api/v1/public/{old}")).status_code == 404
    assert (await api.client.get(
        f"/api/v1/public/manage/{link_in(second, 'manage')}")).status_code == 200

    # The old time is free again; the new one is taken.
    taken = await api.client.post("/api/v1/public/bookings",
                                  json=await booking_body(api, seeded, later, name="Max"))
    assert taken.status_code == 409
    free = await api.client.post("/api/v1/public/bookings",
                                 json=await booking_body(api, seeded, start, name="Max"))
    assert free.status_code == 201


async def test_unknown_manage_link_is_a_clear_404(api: Api, seeded: Seeded) -> None:
    response = await api.client.get("/api/v1/public/manage/" + "A" * 22)
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


async def test_advisor_books_for_a_customer_over_rest(api: Api, seeded: Seeded) -> None:
    headers = await api.sign_in("anna", PASSWORD)
    start = tomorrow_at(19, 10)  # advisors may book outside the grid
    response = await api.client.post("/api/v1/appointments", headers=headers, json={
        "starts_at": iso(start), "name": "Max Müller", "email": "max@example.com",
        "phone": "+44 20 7946 0958", "language": "en", "topic_id": seeded.topic_id,
    })
    assert response.status_code == 201, response.text
    created = response.json()
    assert created["customer"]["phone"] == "+442079460958"
    assert created["booked_by_advisor_id"] == seeded.advisor_id
    [mail] = await queued_mails(api)
    assert mail["Subject"].startswith("Your video consultation")
    assert f"/join/{link_in(mail, 'join')}?lang=en" in mail.get_body(("plain",)).get_content()

    listed = await api.client.get(f"/api/v1/appointments?start={start.date()}&days=1",
                                  headers=headers)
    assert [a["id"] for a in listed.json()] == [created["id"]]
    ben = await api.sign_in("ben", PASSWORD)
    assert (await api.client.get(f"/api/v1/appointments/{created['id']}",
                                 headers=ben)).status_code == 403
    clash = await api.client.post("/api/v1/appointments", headers=headers, json={
        "starts_at": iso(start + timedelta(minutes=15)), "name": "Other", "phone": "0301234567",
        "email": "o@example.com",
    })
    assert clash.status_code == 409
    for far_or_past in ("9999-12-31T23:59:00Z", "2020-01-01T10:00:00Z"):
        refused = await api.client.post("/api/v1/appointments", headers=headers, json={
            "starts_at": far_or_past, "name": "Other", "phone": "0301234567",
            "email": "o@example.com",
        })
        assert refused.status_code == 422, refused.text


async def test_availability_can_be_read_and_replaced(api: Api, seeded: Seeded) -> None:
    headers = await api.sign_in("anna", PASSWORD)
    new = {"slot_minutes": 45, "windows": [{"weekday": 0, "start": "09:00", "end": "12:00"}]}
    put = await api.client.put("/api/v1/advisors/me/availability", headers=headers, json=new)
    assert put.status_code == 200
    got = await api.client.get("/api/v1/advisors/me/availability", headers=headers)
    assert got.json()["slot_minutes"] == 45
    assert got.json()["windows"] == [{"weekday": 0, "start": "09:00:00", "end": "12:00:00"}]
    overlapping = {"slot_minutes": 30, "windows": [
        {"weekday": 1, "start": "09:00", "end": "12:00"},
        {"weekday": 1, "start": "11:00", "end": "13:00"}]}
    bad = await api.client.put("/api/v1/advisors/me/availability", headers=headers,
                               json=overlapping)
    assert bad.status_code == 422


async def test_join_link_works_only_around_the_appointment(api: Api, seeded: Seeded) -> None:
    from server.booking.service import join_status
    from server.db.models import utcnow

    start = tomorrow_at(10)
    await api.client.post("/api/v1/public/bookings", json=await booking_body(api, seeded, start))
    token = link_in((await queued_mails(api))[0], "join")
    shown = await api.client.get(f"/api/v1/public/join/{token}")
    assert shown.status_code == 200
    assert shown.json()["status"] == "early"
    assert datetime.fromisoformat(shown.json()["opens_at"]) == start - timedelta(minutes=30)
    assert datetime.fromisoformat(shown.json()["closes_at"]) == start + timedelta(hours=2)

    settings = api.services.settings
    async with api.services.db.session() as session:
        appointment = await session.scalar(select(Appointment))
    assert appointment is not None
    assert join_status(appointment, settings, start - timedelta(minutes=31)) == "early"
    assert join_status(appointment, settings, start - timedelta(minutes=30)) == "open"
    assert join_status(appointment, settings, start + timedelta(hours=1, minutes=59)) == "open"
    assert join_status(appointment, settings, start + timedelta(hours=2)) == "over"
    assert utcnow() < start
    unknown = await api.client.get("/api/v1/public/join/" + "B" * 22)
    assert unknown.status_code == 404


async def test_appointments_nobody_came_to_become_missed(api: Api, seeded: Seeded) -> None:
    from server.booking.service import mark_missed
    from server.db.models import utcnow

    start = tomorrow_at(10)
    await api.client.post("/api/v1/public/bookings", json=await booking_body(api, seeded, start))
    settings = api.services.settings
    async with api.services.db.session() as session:
        assert await mark_missed(session, settings, start + timedelta(hours=1)) == 0
        assert await mark_missed(session, settings, start + timedelta(hours=2, minutes=1)) == 1
        appointment = await session.scalar(select(Appointment))
    assert appointment is not None and appointment.state == AppointmentState.MISSED
    assert utcnow() < start
