"""The join page (/join/{token}) in real headless Chromium against the real server
(``live_server``: the demo seed, with an appointment starting now).

Set VB_SCREENSHOT_DIR to a folder to also save screenshots of the page's states."""

from __future__ import annotations

import json
import os
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest
from playwright.sync_api import Page, expect

from tests.fixtures.waiting import eventually_blocking
from tests.web.conftest import BrowserProblems

pytestmark = pytest.mark.browser

BERLIN = ZoneInfo("Europe/Berlin")
JOIN_LINK = re.compile(r"https?://\S+/join/[A-Za-z0-9_\-]+")
PHONE_VIEWPORT = {"width": 360, "height": 780}
DESKTOP_VIEWPORT = {"width": 1280, "height": 900}


# Helpers ----------------------------------------------------------------------------


def screenshot(page: Page, name: str) -> None:
    """Desktop and phone screenshots when VB_SCREENSHOT_DIR is set."""
    folder = os.environ.get("VB_SCREENSHOT_DIR")
    if not folder:
        return
    Path(folder).mkdir(parents=True, exist_ok=True)
    for suffix, viewport in (("desktop", DESKTOP_VIEWPORT), ("phone", PHONE_VIEWPORT)):
        page.set_viewport_size(viewport)
        page.screenshot(path=str(Path(folder) / f"join-{name}-{suffix}.png"), full_page=True)
    page.set_viewport_size(DESKTOP_VIEWPORT)


def local_path(url: str) -> str:
    """The path of a link; the live server's public URL may differ from its real address."""
    return "/" + url.split("://", 1)[1].split("/", 1)[1]


def join_path_from_log(live_server: Any) -> str:
    log = live_server.log_path.read_text(encoding="utf-8", errors="replace")
    found = re.search(r"Appointment now:\s+(\S+)", log)
    assert found, log
    return local_path(found.group(1))


def join_path_from_mail(message: Any) -> str:
    body = message.get_body(preferencelist=("plain",))
    assert body is not None
    found = JOIN_LINK.search(body.get_content())
    assert found, body.get_content()
    return local_path(found.group(0))


def wait_for_new_mail(live_server: Any, known: int, to: str, timeout: float = 10) -> Any:
    found: list[Any] = []

    def arrived() -> bool:
        found[:] = [m for m in live_server.outbox_messages()[known:] if to in str(m["To"])]
        return bool(found)

    eventually_blocking(arrived, f"a confirmation mail to {to}", timeout)
    return found[0]


def book_via_api(live_server: Any, starts_at: datetime, email: str) -> tuple[int, str, Any]:
    """Book as the demo advisor; return the appointment id, its join path and a client."""
    client = httpx.Client(base_url=live_server.url, timeout=10)
    credentials = live_server.advisor_credentials
    response = client.post("/api/v1/auth/sign-in", json={
        "username": credentials["username"], "password": credentials["password"],
    })
    assert response.status_code == 200, response.text
    client.headers["Authorization"] = f"Bearer {response.json()['token']}"
    known = len(live_server.outbox_messages())
    response = client.post("/api/v1/appointments", json={
        "starts_at": iso(starts_at),
        "name": "Erika Mustermann",
        "email": email,
        "phone": "030 1234567",
    })
    assert response.status_code == 201, response.text
    mail = wait_for_new_mail(live_server, known, email)
    return response.json()["id"], join_path_from_mail(mail), client


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def in_three_days_at_ten() -> datetime:
    day = datetime.now(BERLIN).date() + timedelta(days=3)
    return datetime(day.year, day.month, day.day, 10, 0, tzinfo=BERLIN)


# Tests ------------------------------------------------------------------------------


def test_demo_appointment_link_is_open_with_start_button(
    live_server: Any, page: Page, problems: BrowserProblems
) -> None:
    path = join_path_from_log(live_server)
    # The confirmation mail carries the same link.
    assert join_path_from_mail(live_server.outbox_messages()[0]) == path

    page.goto(f"{live_server.url}{path}")
    view = page.locator("#view")
    expect(view).to_have_attribute("data-status", "open")
    expect(page.locator("#view-heading")).to_have_text("Ihr Beratungsraum ist geöffnet")
    expect(page.locator(".brand__name")).not_to_be_empty()
    expect(page.locator("#appointment")).to_contain_text("Anna Berater")
    expect(page.locator("#appointment")).to_contain_text("Baufinanzierung")
    requirements = page.locator("#requirements")
    expect(requirements).to_contain_text("Chrome oder Firefox")
    expect(requirements).to_contain_text("Headset")
    expect(requirements).to_contain_text(
        "Sie legen fest, ob Sie den Berater sehen möchten und ob der Berater Sie sehen darf."
    )
    start = page.get_by_role("button", name="Chat starten")
    expect(start).to_be_visible()
    expect(page.locator("#early-text")).to_be_hidden()
    expect(page.locator("#closed")).to_be_hidden()
    screenshot(page, "open")

    start.click()
    # „Chat starten“ leads to the system check (the whole flow: test_join_flow.py).
    expect(page.get_by_role("heading", name="Technik-Check")).to_be_visible()
    expect(page.locator("#view")).to_be_hidden()
    problems.assert_none()


def test_english_switch(live_server: Any, page: Page, problems: BrowserProblems) -> None:
    page.goto(f"{live_server.url}{join_path_from_log(live_server)}")
    expect(page.get_by_role("button", name="Chat starten")).to_be_visible()
    page.get_by_role("button", name="EN", exact=True).click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("#view-heading")).to_have_text("Your consultation room is open")
    expect(page.get_by_role("button", name="Start chat")).to_be_visible()
    expect(page.locator("#appointment")).to_contain_text("Home financing")
    expect(page.locator("#requirements")).to_contain_text("Chrome or Firefox")
    expect(page).to_have_title(re.compile(r"^Your video consultation – "))
    # The choice is kept.
    page.reload()
    expect(page.get_by_role("button", name="Start chat")).to_be_visible()
    page.get_by_role("button", name="DE", exact=True).click()
    expect(page.get_by_role("button", name="Chat starten")).to_be_visible()
    problems.assert_none()


def test_unknown_link_shows_friendly_help(
    live_server: Any, page: Page, problems: BrowserProblems
) -> None:
    phone = httpx.get(f"{live_server.url}/api/v1/public/config").json()["phone_number"]
    response = page.goto(f"{live_server.url}/join/not-a-real-token-123")
    assert response is not None and response.status == 200
    unknown = page.locator("#unknown")
    expect(unknown).to_be_visible()
    expect(unknown.get_by_role("heading", level=1)).to_have_text(
        "Diesen Link kennen wir leider nicht"
    )
    expect(unknown).to_contain_text("Bestätigungs-E-Mail")
    expect(unknown.locator("a[data-phone]")).to_have_text(phone)
    expect(unknown.get_by_role("link", name="Neuen Termin vereinbaren")).to_have_attribute(
        "href", "/book"
    )
    expect(page.locator("#view")).to_be_hidden()
    expect(page.get_by_role("button", name="Chat starten")).to_have_count(0)
    screenshot(page, "unknown")

    page.get_by_role("button", name="EN", exact=True).click()
    expect(unknown.get_by_role("heading", level=1)).to_have_text(
        "We do not recognise this link"
    )
    # Only the expected 404 of the status request, nothing else.
    problems.assert_none(allow=r"404")


def test_early_then_cancelled(live_server: Any, page: Page, problems: BrowserProblems) -> None:
    starts_at = in_three_days_at_ten()
    appointment_id, path, client = book_via_api(live_server, starts_at, "early@example.org")
    phone = client.get("/api/v1/public/config").json()["phone_number"]

    page.goto(f"{live_server.url}{path}")
    expect(page.locator("#view")).to_have_attribute("data-status", "early")
    expect(page.locator("#view-heading")).to_have_text("Ihr Beratungsraum ist noch nicht geöffnet")
    early = page.locator("#early-text")
    expect(early).to_be_visible()
    opens = starts_at - timedelta(minutes=30)
    expect(early).to_contain_text(
        re.compile(rf"^Ihr Beratungsraum öffnet am \w+, {opens.day}\. \w+ {opens.year} ")
    )
    expect(early).to_contain_text(f"um {opens:%H:%M} Uhr (30 Minuten vor Beginn)")
    expect(early).to_contain_text("Sie können diese Seite offen lassen.")
    expect(page.locator("#appointment")).to_contain_text("10:00 – 10:30 Uhr")
    expect(page.get_by_role("button", name="Chat starten")).to_be_hidden()
    expect(page.locator("#requirements")).to_be_visible()
    screenshot(page, "early")

    page.get_by_role("button", name="EN", exact=True).click()
    expect(early).to_contain_text(f"opens on {starts_at:%A}")
    expect(early).to_contain_text(f"at {opens:%H:%M} (30 minutes before the start)")
    page.get_by_role("button", name="DE", exact=True).click()

    response = client.post(f"/api/v1/appointments/{appointment_id}/cancel")
    assert response.status_code == 200, response.text
    page.reload()
    expect(page.locator("#view")).to_have_attribute("data-status", "cancelled")
    expect(page.locator("#view-heading")).to_have_text("Dieser Termin wurde abgesagt")
    closed = page.locator("#closed")
    expect(closed.locator("a[data-phone]")).to_have_text(phone)
    expect(closed.get_by_role("link", name="Neuen Termin vereinbaren")).to_have_attribute(
        "href", "/book"
    )
    expect(page.locator("#start-button")).to_be_hidden()
    expect(page.locator("#early-text")).to_be_hidden()
    screenshot(page, "cancelled")
    client.close()
    problems.assert_none()


def test_early_page_rechecks_by_itself(
    live_server: Any, page: Page, problems: BrowserProblems
) -> None:
    """While early, the page asks again at the opening time and then shows the start
    button without a reload. The server's clock cannot be moved, so the status answers
    are the real one with the status and times adjusted, and the page's clock is fake."""
    path = join_path_from_log(live_server)
    real = httpx.get(f"{live_server.url}/api/v1/public{path}").json()
    now = datetime.now(UTC).replace(microsecond=0)
    opens = now + timedelta(minutes=10)
    answers = {
        "early": {**real, "status": "early", "opens_at": iso(opens),
                  "appointment": {**real["appointment"], "starts_at": iso(opens + timedelta(
                      minutes=30)), "ends_at": iso(opens + timedelta(minutes=60))}},
    }
    answers["open"] = {**answers["early"], "status": "open"}
    served: list[str] = []

    def answer(route: Any) -> None:
        status = "open" if served else "early"
        served.append(status)
        route.fulfill(status=200, content_type="application/json",
                      body=json.dumps(answers[status]))

    page.route("**/api/v1/public/join/**", answer)
    page.clock.install(time=now)
    page.goto(f"{live_server.url}{path}")
    expect(page.locator("#view")).to_have_attribute("data-status", "early")
    expect(page.locator("#early-text")).to_contain_text("(30 Minuten vor Beginn)")
    page.clock.run_for(9 * 60 * 1000)
    assert served == ["early"]
    page.clock.run_for(62 * 1000)
    expect(page.locator("#view")).to_have_attribute("data-status", "open")
    expect(page.get_by_role("button", name="Chat starten")).to_be_visible()
    assert served == ["early", "open"]
    problems.assert_none()


def test_over_shows_book_link_and_phone(
    live_server: Any, page: Page, problems: BrowserProblems
) -> None:
    """An appointment long past cannot be booked through the API, so the status answer is
    the demo appointment's with the status set to "over"."""
    path = join_path_from_log(live_server)
    real = httpx.get(f"{live_server.url}/api/v1/public{path}").json()
    phone = httpx.get(f"{live_server.url}/api/v1/public/config").json()["phone_number"]
    page.route(
        "**/api/v1/public/join/**",
        lambda route: route.fulfill(status=200, content_type="application/json",
                                    body=json.dumps({**real, "status": "over"})),
    )
    page.goto(f"{live_server.url}{path}")
    expect(page.locator("#view-heading")).to_have_text("Dieser Termin ist vorbei")
    closed = page.locator("#closed")
    expect(closed.locator("a[data-phone]")).to_have_text(phone)
    expect(closed.get_by_role("link", name="Neuen Termin vereinbaren")).to_have_attribute(
        "href", "/book"
    )
    expect(page.locator("#start-button")).to_be_hidden()
    expect(page.locator("#requirements")).to_be_hidden()
    problems.assert_none()


def _module_graph(entry: Path, web_root: Path) -> set[str]:
    """The /static/ URLs of every module ``entry`` imports, transitively."""
    found: set[str] = set()
    pending = [entry]
    while pending:
        module = pending.pop()
        for target in re.findall(r'^\s*(?:import|export)[^"\']*["\']([^"\']+\.js)["\']',
                                 module.read_text(encoding="utf-8"), re.MULTILINE):
            path = (module.parent / target).resolve()
            url = "/static/" + path.relative_to(web_root).as_posix()
            if url not in found:
                found.add(url)
                pending.append(path)
    return found


def test_the_join_page_preloads_its_whole_module_graph() -> None:
    """Without the preload list the browser finds the modules one import level per round
    trip; a module added to the flow must be added to the list as well."""
    web = (Path(__file__).resolve().parents[2] / "customer_web").resolve()
    html = (web / "join" / "index.html").read_text(encoding="utf-8")
    preloaded = set(re.findall(r'<link rel="modulepreload" href="([^"]+)">', html))
    assert preloaded == _module_graph(web / "join" / "join.js", web)
    for url in preloaded:
        assert (web / url.removeprefix("/static/")).is_file()
