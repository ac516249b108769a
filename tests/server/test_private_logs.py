"""Nothing personal reaches the server's log: a whole visit on a real server with
VB_LOG_JSON=1, and database errors that would otherwise quote the values they failed on."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import httpx
import pytest
from sqlalchemy.exc import IntegrityError

from server.db.models import Visit
from server.db.session import Database
from tests.fixtures.live import Live
from tests.server.conftest import PASSWORD, Seeded

CHAT = "Meine IBAN ist DE02120300000000202051"
LEFT_MESSAGE = "Rufen Sie mich wegen der Erbschaft an"


@pytest.fixture
def live_env() -> dict[str, str]:
    return {"VB_LOG_JSON": "1", "VB_GRACE_SECONDS": "60", "VB_HEARTBEAT_SECONDS": "15"}


async def test_a_whole_visit_leaves_no_personal_data_in_the_json_log(
    live: Live, seeded: Seeded
) -> None:
    join_token = await live.appointment_now()
    async with httpx.AsyncClient(base_url=live.server.url) as http:
        assert (await http.get(f"/join/{join_token}")).status_code == 200
        assert (await http.get(f"/api/v1/public/join/{join_token}")).status_code == 200
    customer, signed_in = await live.customer(join_token)
    advisor_token = await live.token_for("anna", PASSWORD)
    advisor, _ = await live.advisor("anna", token=advisor_token)
    visit_id = signed_in["visit"]["id"]
    await advisor.send(type="accept", visit_id=visit_id)
    await customer.expect("offered")
    await customer.send(type="choose_connection", mode="text")
    await advisor.expect("session_started")
    await customer.send(type="chat", text=CHAT, client_id="1")
    await advisor.expect("chat_message")
    await customer.send(type="end")
    await advisor.expect("ended")
    await customer.send(type="rate", stars=4)
    await customer.expect("rated")

    walk_in, _ = await live.customer(topic_id=seeded.topic_id, name="Walter Walkin")
    await walk_in.send(type="leave_message", text=LEFT_MESSAGE, phone="+49 171 2345678")
    await walk_in.expect("message_received")
    await walk_in.send(type="sign_in", name="Erika Nochmal", phone="kein Telefon",
                       language="de", consent=live.consent())
    await walk_in.expect("error")
    await live.close()
    await asyncio.to_thread(live.server.stop)

    log = (live.server.data_dir / f"server-{live.server.port}.log").read_text()
    entries = [json.loads(line) for line in log.splitlines()]
    assert all({"time", "level", "logger", "message"} <= entry.keys() for entry in entries)
    messages = [entry["message"] for entry in entries]
    assert any('"GET /join/… HTTP/1.1" 200' in message for message in messages)
    assert any("WebSocket /ws/customer" in message for message in messages)

    personal = ["Erika", "Mustermann", "Walter", "Walkin", "Kundin", "kundin@example.com",
                "+49301234567", "030 1234567", "+491712345678", "171 2345678",
                "kein Telefon", "DE02120300000000202051", "Erbschaft", join_token,
                signed_in["visit_token"], advisor_token]
    assert [text for text in personal if text in log] == []


async def test_database_errors_do_not_quote_the_values(db: Database) -> None:
    def visit() -> Visit:
        return Visit(token_hash="0" * 64, customer_name="Erika Geheim",
                     customer_phone="+49309999999")

    async with db.session() as session:
        session.add(visit())
    with pytest.raises(IntegrityError) as error:
        async with db.session() as session:
            session.add(visit())
    assert "Erika Geheim" not in str(error.value)
    assert "+49309999999" not in str(error.value)
    assert "INSERT INTO visits" in str(error.value)


async def test_an_unexpected_error_logs_the_route_not_the_token_in_the_path(
    api: Any, seeded: Seeded, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    from server.api.routes import public

    async def broken(*_: Any, **__: Any) -> Any:
        raise RuntimeError("a fault deep inside")

    monkeypatch.setattr(public.booking, "appointment_for_token", broken)
    token = "Z" * 22
    transport = httpx.ASGITransport(app=api.app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        response = await client.get(f"/api/v1/public/join/{token}")
    assert response.status_code == 500
    assert token not in caplog.text
    assert "GET /api/v1/public/join/{token}" in caplog.text
