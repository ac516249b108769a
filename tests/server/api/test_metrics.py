"""``GET /metrics``: the Prometheus text format, who may read it, and figures that follow
the waiting room — read from the database, so two instances agree — without a trace of
the customers' personal data."""

from __future__ import annotations

import asyncio
import re
from datetime import timedelta
from pathlib import Path

import httpx
import pytest

from server.api.app import create_app
from server.core.config import load_settings
from server.db.models import MailState, OutgoingMail, utcnow
from server.db.session import Database
from server.operations.metrics import Family, Sample, render
from tests.conftest import Api
from tests.fixtures.live import Live
from tests.fixtures.server import ServerProcess
from tests.server.conftest import Seeded

Figures = dict[tuple[str, frozenset[tuple[str, str]]], float]

SAMPLE_LINE = re.compile(
    r"^(?P<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(?P<labels>.*)\})? (?P<value>\S+)$")
LABEL = re.compile(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"')
ESCAPED = re.compile(r"\\(.)")
TOKEN = "a-metrics-token-of-32-characters"
REMOTE = ("203.0.113.7", 50000)


def _unescape(match: re.Match[str]) -> str:
    return "\n" if match[1] == "n" else match[1]


def parse_exposition(text: str) -> Figures:
    """A strict reader of the text format (0.0.4): every sample belongs to a family declared
    by ``# TYPE`` before it, counters end in ``_total``, no sample appears twice."""
    assert text.endswith("\n")
    kinds: dict[str, str] = {}
    figures: Figures = {}
    for line in text.splitlines():
        if line.startswith("# HELP "):
            assert len(line.split(" ", 3)) == 4, line
            continue
        if line.startswith("# TYPE "):
            _, _, name, kind = line.split(" ")
            assert kind in ("gauge", "counter") and name not in kinds, line
            assert kind != "counter" or name.endswith("_total"), line
            kinds[name] = kind
            continue
        match = SAMPLE_LINE.match(line)
        assert match, f"not a sample line: {line!r}"
        assert match["name"] in kinds, f"no # TYPE before {line!r}"
        raw_labels = match["labels"] or ""
        labels = LABEL.findall(raw_labels)
        assert ",".join(f'{k}="{v}"' for k, v in labels) == raw_labels, line
        key = (match["name"], frozenset((k, ESCAPED.sub(_unescape, v)) for k, v in labels))
        assert key not in figures, f"sample twice: {line!r}"
        figures[key] = float(match["value"])
    return figures


def figure(figures: Figures, name: str, **labels: str) -> float:
    return figures[(f"videoberatung_{name}", frozenset(labels.items()))]


async def read_metrics(url: str) -> tuple[str, Figures]:
    async with httpx.AsyncClient(base_url=url) as http:
        response = await http.get("/metrics")
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "text/plain; version=0.0.4; charset=utf-8"
    return response.text, parse_exposition(response.text)


def test_the_text_format_escapes_label_values_and_reads_back() -> None:
    text = render([
        Family("demo_total", "counter", "A help text\nover two lines.",
               [Sample(3, {"code": 'say "hi"\\now\n'}), Sample(0.25, {"code": "plain"})]),
        Family("demo_size", "gauge", "No labels.", [Sample(float("inf"))]),
    ])
    assert parse_exposition(text) == {
        ("demo_total", frozenset({("code", 'say "hi"\\now\n')})): 3.0,
        ("demo_total", frozenset({("code", "plain")})): 0.25,
        ("demo_size", frozenset()): float("inf"),
    }
    assert "# HELP demo_total A help text\\nover two lines.\n" in text


async def test_without_a_token_only_local_clients_may_read_the_figures(api: Api) -> None:
    local = await api.client.get("/metrics")
    assert local.status_code == 200
    assert local.headers["cache-control"] == "no-store"
    parse_exposition(local.text)

    remote_transport = httpx.ASGITransport(app=api.app, client=REMOTE)
    async with httpx.AsyncClient(transport=remote_transport, base_url="http://x") as remote:
        refused = await remote.get("/metrics")
    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "forbidden"


async def test_with_a_token_every_client_must_send_it(db: Database, tmp_path: Path) -> None:
    settings = load_settings(data_dir=tmp_path / "var", database_url=db.url,
                             metrics_token=TOKEN)
    app = create_app(settings, background=False)
    try:
        for client in (REMOTE, ("127.0.0.1", 50000)):
            transport = httpx.ASGITransport(app=app, client=client)
            async with httpx.AsyncClient(transport=transport, base_url="http://x") as http:
                assert (await http.get("/metrics")).status_code == 401
                wrong = await http.get("/metrics", headers={"Authorization": "Bearer nope"})
                assert wrong.status_code == 401
                basic = await http.get("/metrics", headers={"Authorization": f"Basic {TOKEN}"})
                assert basic.status_code == 401
                right = await http.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
                assert right.status_code == 200
                assert figure(parse_exposition(right.text), "customers_waiting",
                              kind="walk_in") == 0
    finally:
        await app.state.services.db.dispose()


def test_a_short_metrics_token_is_refused_without_echoing_it() -> None:
    with pytest.raises(Exception, match="VB_METRICS_TOKEN") as error:
        load_settings(metrics_token="short-secret")
    assert "short-secret" not in str(error.value)


async def test_mail_queue_and_server_errors_are_counted(api: Api) -> None:
    now = utcnow()
    async with api.services.db.session() as session:
        session.add_all([
            OutgoingMail(kind="confirmation", recipient="erika@example.com", message=b"x",
                         created_at=now - timedelta(minutes=1)),
            OutgoingMail(kind="reminder_24h", recipient="erika@example.com", message=b"x",
                         attempts=3, created_at=now - timedelta(minutes=10),
                         next_attempt_at=now + timedelta(minutes=5)),
            OutgoingMail(kind="confirmation", recipient="max@example.com",
                         state=MailState.SENT, created_at=now - timedelta(days=1)),
        ])

    async def broken() -> None:
        raise RuntimeError("a bug")

    api.app.add_api_route("/broken", broken)
    transport = httpx.ASGITransport(app=api.app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://x") as http:
        assert (await http.get("/broken")).status_code == 500
        assert (await http.get("/no-such-page")).status_code == 404
        figures = parse_exposition((await http.get("/metrics")).text)

    assert figure(figures, "mail_queued", status="pending") == 1
    assert figure(figures, "mail_queued", status="retrying") == 1
    assert 600 <= figure(figures, "mail_oldest_queued_age_seconds") < 700
    assert figure(figures, "http_server_errors_total") == 1
    assert figures[("process_cpu_seconds_total", frozenset())] > 0


async def test_figures_follow_the_waiting_room_alike_on_every_instance(
    live: Live, seeded: Seeded
) -> None:
    _, figures = await read_metrics(live.server.url)
    assert figure(figures, "customers_waiting", kind="appointment") == 0
    assert figure(figures, "sessions_active", mode="video") == 0
    assert figure(figures, "websocket_connections", party="customer") == 0

    join_token = await live.appointment_now()
    booked, booked_in = await live.customer(join_token)
    walk_in, walk_in_in = await live.customer(topic_id=seeded.topic_id, name="Max Muster")
    _, figures = await read_metrics(live.server.url)
    assert figure(figures, "customers_waiting", kind="appointment") == 1
    assert figure(figures, "customers_waiting", kind="walk_in") == 1
    assert figure(figures, "websocket_connections", party="customer") == 2

    other = ServerProcess(live.server.database_url, live.server.data_dir, live.server.env)
    await asyncio.to_thread(other.start)
    try:
        _, elsewhere = await read_metrics(other.url)
    finally:
        await asyncio.to_thread(other.stop)
    assert figure(elsewhere, "customers_waiting", kind="appointment") == 1
    assert figure(elsewhere, "customers_waiting", kind="walk_in") == 1
    assert figure(elsewhere, "websocket_connections", party="customer") == 0

    advisor, _ = await live.advisor("anna")
    await advisor.send(type="accept", visit_id=booked_in["visit"]["id"])
    await booked.expect("offered")
    _, figures = await read_metrics(live.server.url)
    assert figure(figures, "customers_waiting", kind="appointment") == 0
    assert figure(figures, "sessions_offered") == 1
    assert figure(figures, "advisors_online") == 1
    assert figure(figures, "websocket_connections", party="advisor") == 1

    await booked.send(type="choose_connection", mode="video", see_advisor=True, show_me=True)
    await advisor.expect("session_started")
    await walk_in.send_raw("this is not JSON")
    await walk_in.expect("error", code="invalid_json")
    body, figures = await read_metrics(live.server.url)
    assert figure(figures, "sessions_active", mode="video") == 1
    assert figure(figures, "sessions_active", mode="text") == 0
    assert figure(figures, "sessions_offered") == 0
    assert figure(figures, "websocket_errors_total", code="invalid_json") == 1

    personal = ["Erika", "Mustermann", "Max Muster", "Kundin", "kundin@example.com",
                "+49301234567", "030 1234567", "1234567", join_token,
                booked_in["visit_token"], walk_in_in["visit_token"]]
    assert [text for text in personal if text in body] == []
