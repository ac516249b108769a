"""The live waiting room over real WebSockets against a real server process, on SQLite
and PostgreSQL: sign-in, queue status, messages, accept, sessions, chat, signalling."""

from __future__ import annotations

import asyncio

import httpx
from sqlalchemy import select

from server.db.models import (
    Appointment,
    AppointmentState,
    ChatMessage,
    ConsentRecord,
    CustomerMessage,
    Visit,
    VisitState,
)
from tests.fixtures.live import Live
from tests.server.conftest import PASSWORD, Seeded


async def _visit(live: Live, visit_id: int) -> Visit:
    async with live.db.session() as session:
        visit = await session.get(Visit, visit_id)
    assert visit is not None
    return visit


async def test_sign_in_records_consent_and_the_advisor_sees_the_customer_waiting(
    live: Live, seeded: Seeded
) -> None:
    join = await live.appointment_now()
    customer, signed_in = await live.customer(join)
    visit_id = signed_in["visit"]["id"]
    assert signed_in["visit"]["state"] == "waiting"
    assert len(signed_in["visit_token"]) >= 32

    status = await customer.expect("queue_status")
    assert status["advisor_status"] == "offline"
    assert status["place"] == 1

    async with live.db.session() as session:
        consents = (await session.scalars(
            select(ConsentRecord).where(ConsentRecord.visit_id == visit_id))).all()
        appointment = await session.scalar(select(Appointment))
    assert {c.document for c in consents} == {"privacy", "terms", "security"}
    assert {c.text_sha256 for c in consents} == set(live.consent().values())
    assert appointment is not None and appointment.state == AppointmentState.WAITING

    advisor, welcome = await live.advisor("anna")
    assert welcome["session"] is None
    room = await advisor.expect("waiting_room")
    assert [v["id"] for v in room["waiting"]] == [visit_id]
    waiting = room["waiting"][0]
    assert waiting["customer_name"] == "Erika Mustermann"
    assert waiting["customer_phone"] == "+49301234567"
    assert waiting["consent_at"] is not None

    free = await customer.expect("queue_status", advisor_status="free")
    assert free["estimated_wait_seconds"] == 0


async def test_busy_advisor_offers_wait_or_message(live: Live, seeded: Seeded) -> None:
    first, first_in = await live.customer(await live.appointment_now())
    second, second_in = await live.customer(await live.appointment_now(minutes=30),
                                            name="Max Muster")
    advisor, _ = await live.advisor("anna")
    await advisor.send(type="accept", visit_id=first_in["visit"]["id"])
    await advisor.expect("accepted")
    offered = await first.expect("offered")
    assert offered["visit"]["advisor_name"] == "Anna Berater"

    busy = await second.expect("queue_status", advisor_status="busy")
    assert busy["place"] == 1
    assert busy["estimated_wait_seconds"] >= 60

    await second.send(type="leave_message", text="Bitte rufen Sie mich morgen an.",
                      phone="+49 171 2345678")
    received = await second.expect("message_received")
    async with live.db.session() as session:
        stored = await session.get(CustomerMessage, received["message_id"])
    assert stored is not None and stored.text == "Bitte rufen Sie mich morgen an."
    assert stored.callback_phone == "+491712345678"
    assert (await _visit(live, second_in["visit"]["id"])).state == VisitState.LEFT_MESSAGE

    unread = await advisor.expect("messages_unread")
    assert unread["count"] == 1
    headers = {"Authorization": f"Bearer {await live.token_for('anna', PASSWORD)}"}
    async with httpx.AsyncClient(base_url=live.server.url, headers=headers) as http:
        listed = (await http.get("/api/v1/messages?unhandled=true")).json()
        assert [m["customer_name"] for m in listed] == ["Max Muster"]
        handled = await http.post(f"/api/v1/messages/{listed[0]['id']}/handled")
        assert handled.status_code == 200 and handled.json()["handled_at"]
    assert (await advisor.expect("messages_unread", count=0))["count"] == 0


async def test_a_text_session_from_accept_to_end(live: Live, seeded: Seeded) -> None:
    customer, signed_in = await live.customer(await live.appointment_now())
    visit_id = signed_in["visit"]["id"]
    advisor, _ = await live.advisor("anna")
    await advisor.send(type="accept", visit_id=visit_id)
    await customer.expect("offered")
    await customer.send(type="choose_connection", mode="text")
    started = await advisor.expect("session_started")
    assert started["visit"]["mode"] == "text"
    assert started["visit"]["see_advisor"] is False and started["visit"]["show_me"] is False
    await customer.expect("session_started")

    for i in range(5):
        await customer.send(type="chat", text=f"Frage {i}", client_id=f"c{i}")
        await advisor.send(type="chat", visit_id=visit_id, text=f"Antwort {i}", client_id=f"a{i}")
    lines_customer = [(await customer.expect("chat_message"))["line"] for _ in range(10)]
    lines_advisor = [(await advisor.expect("chat_message"))["line"] for _ in range(10)]
    # Both see every line; each sender's lines arrive in the order they were written, and
    # the ids (the order of the stored history) follow that order too.
    by_id = sorted(lines_customer, key=lambda line: line["id"])
    assert by_id == sorted(lines_advisor, key=lambda line: line["id"])
    for lines in (lines_customer, lines_advisor, by_id):
        assert [line["text"] for line in lines if line["sender"] == "customer"] == [
            f"Frage {i}" for i in range(5)]
        assert [line["text"] for line in lines if line["sender"] == "advisor"] == [
            f"Antwort {i}" for i in range(5)]

    # A resend of the same line (say after a reconnect) is not stored twice.
    await customer.send(type="chat", text="Frage 0", client_id="c0")
    await customer.expect("chat_message")
    async with live.db.session() as session:
        count = len((await session.scalars(select(ChatMessage))).all())
    assert count == 10

    # Signalling needs picture and sound.
    await customer.send(type="signal", description={"type": "offer", "sdp": "v=0"})
    refused = await customer.expect("error")
    assert refused["code"] == "wrong_step"

    await advisor.send(type="end", visit_id=visit_id)
    ended = await customer.expect("ended")
    assert ended["by"] == "advisor"
    visit = await _visit(live, visit_id)
    assert visit.state == VisitState.ENDED
    async with live.db.session() as session:
        appointment = await session.scalar(select(Appointment))
    assert appointment is not None and appointment.state == AppointmentState.COMPLETED
    await customer.send(type="rate", stars=5)
    assert (await customer.expect("rated"))["stars"] == 5


async def test_video_signalling_is_relayed_between_exactly_these_two(
    live: Live, seeded: Seeded
) -> None:
    customer, signed_in = await live.customer(await live.appointment_now())
    visit_id = signed_in["visit"]["id"]
    anna, _ = await live.advisor("anna")
    ben, _ = await live.advisor("ben")
    await anna.send(type="accept", visit_id=visit_id)
    await customer.expect("offered")
    await customer.send(type="choose_connection", mode="video", see_advisor=True, show_me=False)
    started = await anna.expect("session_started")
    assert started["visit"]["see_advisor"] is True and started["visit"]["show_me"] is False

    await customer.send(type="signal", description={"type": "offer", "sdp": "v=0 offer"})
    offer = await anna.expect("signal")
    assert offer["description"] == {"type": "offer", "sdp": "v=0 offer"}
    assert offer["from"] == "customer"
    await anna.send(type="signal", visit_id=visit_id,
                    description={"type": "answer", "sdp": "v=0 answer"})
    answer = await customer.expect("signal")
    assert answer["description"]["type"] == "answer"
    candidate = "candidate:1 1 udp 1 127.0.0.1 9 typ host"
    await customer.send(type="signal",
                        candidate={"candidate": candidate, "sdpMid": "0", "sdpMLineIndex": 0})
    assert (await anna.expect("signal"))["candidate"]["sdpMid"] == "0"

    # The customer's page finds the line too weak for picture: only their advisor hears it.
    await customer.send(type="line_state", weak=True)
    line = await anna.expect("customer_line")
    assert (line["visit_id"], line["weak"]) == (visit_id, True)
    await customer.send(type="line_state", weak="sehr")
    assert (await customer.expect("error"))["code"] == "invalid_message"
    await customer.send(type="line_state", weak=False)
    assert (await anna.expect("customer_line"))["weak"] is False

    # Ben is not part of it: he hears nothing and may do nothing.
    await ben.nothing_of("signal", within=0.5)
    await ben.nothing_of("customer_line", within=0.1)
    for attempt in (
        {"type": "signal", "visit_id": visit_id, "description": {"type": "answer", "sdp": "x"}},
        {"type": "chat", "visit_id": visit_id, "text": "hallo", "client_id": "b1"},
        {"type": "end", "visit_id": visit_id},
        {"type": "accept", "visit_id": visit_id},
    ):
        await ben.send(**attempt)
        error = await ben.expect("error")
        assert error["code"] in ("forbidden", "conflict"), error
    await customer.nothing_of("chat_message", within=0.5)
    assert (await _visit(live, visit_id)).state == VisitState.ACTIVE


async def test_two_advisors_accepting_one_walk_in_exactly_one_wins(
    live: Live, seeded: Seeded
) -> None:
    for round_ in range(3):
        customer, signed_in = await live.customer(topic_id=seeded.topic_id,
                                                  name=f"Walk-in {round_}")
        visit_id = signed_in["visit"]["id"]
        anna, _ = await live.advisor("anna")
        ben, _ = await live.advisor("ben")
        await asyncio.gather(anna.send(type="accept", visit_id=visit_id),
                             ben.send(type="accept", visit_id=visit_id))
        outcomes = await asyncio.gather(
            *[_first_of(client, ("accepted", "error")) for client in (anna, ben)])
        assert sorted(o["type"] for o in outcomes) == ["accepted", "error"], outcomes
        loser = next(o for o in outcomes if o["type"] == "error")
        assert loser["code"] == "conflict"
        winner = anna if outcomes[0]["type"] == "accepted" else ben
        await customer.expect("offered")
        await winner.send(type="end", visit_id=visit_id)
        await customer.expect("ended")
        for client in (customer, anna, ben):
            await client.close()


async def _first_of(client: object, kinds: tuple[str, ...]) -> dict[str, object]:
    from tests.fixtures.live import LiveClient

    assert isinstance(client, LiveClient)
    while True:
        message = await asyncio.wait_for(client._unread.get(), 10)
        if message.get("type") in kinds:
            return message


async def test_walk_ins_wait_in_their_topic_queue(live: Live, seeded: Seeded) -> None:
    first, _ = await live.customer(topic_id=seeded.other_topic_id, name="Eins")
    second, _ = await live.customer(topic_id=seeded.other_topic_id, name="Zwei")
    other_topic, _ = await live.customer(topic_id=seeded.topic_id, name="Anderes Thema")
    assert (await second.expect("queue_status", place=2))["place"] == 2
    assert (await other_topic.expect("queue_status"))["place"] == 1
    ben, _ = await live.advisor("ben")  # ben only serves the first topic
    room = await ben.expect("waiting_room")
    assert [v["customer_name"] for v in room["waiting"]] == ["Anderes Thema"]
    anna, _ = await live.advisor("anna")
    room = await anna.expect("waiting_room")
    assert [v["customer_name"] for v in room["waiting"]] == ["Eins", "Zwei", "Anderes Thema"]
    await first.close()


async def test_the_advisor_sees_todays_appointments_change_state_live(
    live: Live, seeded: Seeded
) -> None:
    join = await live.appointment_now()
    advisor, _ = await live.advisor("anna")
    room = await advisor.expect("waiting_room")
    assert [a["state"] for a in room["appointments"]] == ["booked"]
    customer, signed_in = await live.customer(join)
    room = await advisor.expect("waiting_room", timeout=10)
    assert [a["state"] for a in room["appointments"]] == ["waiting"]
    await advisor.send(type="accept", visit_id=signed_in["visit"]["id"])
    await customer.expect("offered")
    await customer.send(type="choose_connection", mode="text")
    await customer.expect("session_started")
    while (room := await advisor.expect("waiting_room"))["appointments"][0]["state"] != (
        "in_session"
    ):
        pass
    # The customer may end it too.
    await customer.send(type="end")
    assert (await advisor.expect("ended"))["by"] == "customer"
    while (room := await advisor.expect("waiting_room"))["appointments"][0]["state"] != (
        "completed"
    ):
        pass
    assert room["session"] is None


async def test_a_customer_may_stop_waiting(live: Live, seeded: Seeded) -> None:
    customer, signed_in = await live.customer(await live.appointment_now())
    advisor, _ = await live.advisor("anna")
    assert len((await advisor.expect("waiting_room"))["waiting"]) == 1
    await customer.send(type="give_up")
    await customer.expect("ended")
    assert (await advisor.expect("waiting_room", waiting=[]))["waiting"] == []
    assert (await _visit(live, signed_in["visit"]["id"])).state == VisitState.ENDED
