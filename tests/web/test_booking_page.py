"""The public booking page and the manage page, driven in real headless Chromium against
the real server (``live_server``: the demo seed with Anna Berater every day 08:00–20:00)."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime
from email.message import EmailMessage
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest
from playwright.sync_api import Page, expect

from tests.fixtures.waiting import eventually_blocking
from tests.web.conftest import BrowserProblems

pytestmark = pytest.mark.browser

BERLIN = ZoneInfo("Europe/Berlin")
CUSTOMER = {"name": "Erika Mustermann", "email": "erika@example.org", "phone": "030 1234567"}


# Helpers ----------------------------------------------------------------------------


def open_booking(page: Page, url: str, topic: str = "Baufinanzierung") -> None:
    page.goto(f"{url}/book")
    page.get_by_label(topic).check()
    expect(page.locator(".slot-time").first).to_be_visible()


def pick_time(page: Page, index: int = 0) -> str:
    """Click the index-th free time of the selected day; return its ISO start."""
    button = page.locator(".slot-time").nth(index)
    starts_at = button.get_attribute("data-starts-at")
    assert starts_at
    button.click()
    expect(page.locator("#booking-form")).to_be_visible()
    return starts_at


def fill_contact(page: Page, *, name: str, email: str, phone: str, consent: bool = True) -> None:
    page.locator("#name").fill(name)
    page.locator("#email").fill(email)
    page.locator("#phone").fill(phone)
    page.locator("#consent").set_checked(consent)


def wait_for_mail(
    live_server: Any, matches: Callable[[EmailMessage], bool], timeout: float = 15
) -> EmailMessage:
    found: list[EmailMessage] = []

    def arrived() -> bool:
        found[:] = [m for m in live_server.outbox_messages() if matches(m)]
        return bool(found)

    eventually_blocking(arrived, "a matching mail in the outbox", timeout)
    return found[0]


def mail_text(message: EmailMessage) -> str:
    body = message.get_body(("plain",))
    assert body is not None
    return str(body.get_content())


def book(page: Page, live_server: Any, index: int = 0) -> tuple[str, EmailMessage]:
    """Book the index-th free time of the first day with free times; return start and mail."""
    open_booking(page, live_server.url)
    starts_at = pick_time(page, index)
    fill_contact(page, **CUSTOMER)
    page.get_by_role("button", name="Termin buchen").click()
    expect(page.get_by_role("heading", name="Ihr Termin ist gebucht")).to_be_visible()
    message = wait_for_mail(
        live_server,
        lambda m: CUSTOMER["email"] in str(m["To"]) and "/join/" in mail_text(m)
        and local_time(starts_at) in mail_text(m),
    )
    return starts_at, message


def local_time(iso: str) -> str:
    return datetime.fromisoformat(iso.replace("Z", "+00:00")).astimezone(BERLIN).strftime("%H:%M")


def manage_path(message: EmailMessage) -> str:
    found = re.search(r"/manage/[A-Za-z0-9_-]+", mail_text(message))
    assert found, "no manage link in the mail"
    return found.group(0)


def api_get(live_server: Any, path: str, **params: Any) -> Any:
    response = httpx.get(f"{live_server.url}{path}", params=params, timeout=10)
    return response.json()


# Booking ------------------------------------------------------------------------------


def test_customer_books_a_slot_in_german_and_gets_the_confirmation_mail(
    page: Page, live_server: Any, problems: BrowserProblems
) -> None:
    open_booking(page, live_server.url)
    expect(page.locator("html")).to_have_attribute("lang", "de")
    expect(page.get_by_label("Beliebige Beraterin / beliebiger Berater")).to_be_checked()
    starts_at = pick_time(page)
    expect(page.locator("#chosen-slot")).to_contain_text(local_time(starts_at))
    fill_contact(page, **CUSTOMER)
    page.get_by_role("button", name="Termin buchen").click()

    confirmation = page.locator("#confirmation")
    expect(confirmation.get_by_role("heading", name="Ihr Termin ist gebucht")).to_be_visible()
    expect(confirmation).to_contain_text(
        f"Wir haben Ihnen eine Bestätigung an {CUSTOMER['email']} geschickt."
    )
    expect(confirmation).to_contain_text(local_time(starts_at))
    expect(confirmation).to_contain_text("Anna Berater")
    expect(confirmation).to_contain_text("Chrome oder Firefox")
    expect(confirmation.locator("a[href^='tel:']")).to_have_text("+49 30 1234567")

    message = wait_for_mail(live_server, lambda m: CUSTOMER["email"] in str(m["To"]))
    assert "/join/" in mail_text(message)
    problems.assert_none()


def test_booked_slot_is_no_longer_offered(
    page: Page, live_server: Any, problems: BrowserProblems
) -> None:
    starts_at, _ = book(page, live_server, index=1)
    day = datetime.fromisoformat(starts_at.replace("Z", "+00:00")).astimezone(BERLIN).date()

    open_booking(page, live_server.url)
    page.locator(f'.slot-day[data-day="{day.isoformat()}"]').click()
    expect(page.locator(".slot-time").first).to_be_visible()
    expect(page.locator(f'.slot-time[data-starts-at="{starts_at}"]')).to_have_count(0)
    problems.assert_none()


def test_invalid_details_are_shown_at_the_fields_in_german(
    page: Page, live_server: Any, problems: BrowserProblems
) -> None:
    mails_before = len(live_server.outbox_messages())
    open_booking(page, live_server.url)
    pick_time(page)
    fill_contact(page, name="Erika Mustermann", email="kein-at-zeichen", phone="12",
                 consent=False)
    page.get_by_role("button", name="Termin buchen").click()

    expect(page.locator("#email-error")).to_have_text(re.compile("gültige E-Mail-Adresse"))
    expect(page.locator("#phone-error")).to_have_text(re.compile("gültige Telefonnummer"))
    expect(page.locator("#consent-error")).to_have_text(re.compile("Datenschutzhinweise"))
    expect(page.locator("#name-error")).to_be_empty()
    for field in ("email", "phone", "consent"):
        expect(page.locator(f"#{field}")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#email")).to_be_focused()
    expect(page.locator("#phone")).to_have_attribute(
        "aria-describedby", re.compile("phone-error")
    )

    # Fixing a field clears its message while the customer types.
    page.locator("#phone").fill("030 1234567")
    expect(page.locator("#phone-error")).to_be_empty()
    expect(page.locator("#phone")).not_to_have_attribute("aria-invalid", "true")
    assert len(live_server.outbox_messages()) == mails_before
    problems.assert_none()


def test_invalid_details_are_shown_at_the_fields_in_english(
    page: Page, live_server: Any, problems: BrowserProblems
) -> None:
    page.goto(f"{live_server.url}/book")
    page.get_by_role("button", name="EN").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", name="Book a video consultation")).to_be_visible()
    page.get_by_label("Home financing").check()
    expect(page.get_by_label("Any advisor")).to_be_checked()
    pick_time(page)
    expect(page.locator('input[name="language"][value="en"]')).to_be_checked()
    page.get_by_role("button", name="Book appointment").click()

    expect(page.locator("#name-error")).to_have_text("Please enter your name.")
    expect(page.locator("#email-error")).to_have_text("Please enter your e-mail address.")
    expect(page.locator("#phone-error")).to_have_text("Please enter a phone number for questions.")
    expect(page.locator("#consent-error")).to_have_text(re.compile("privacy notice"))
    expect(page.locator("#name")).to_be_focused()

    fill_contact(page, name="Jane Doe", email="jane@", phone="+49 12", consent=False)
    page.get_by_role("button", name="Book appointment").click()
    expect(page.locator("#email-error")).to_have_text(re.compile("valid e-mail address"))
    expect(page.locator("#phone-error")).to_have_text(re.compile("valid phone number"))

    # The choice is remembered for the next page.
    page.reload()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    problems.assert_none()


def test_server_rejection_of_a_phone_number_is_shown_at_the_field(
    page: Page, live_server: Any, problems: BrowserProblems
) -> None:
    open_booking(page, live_server.url)
    pick_time(page)
    # Plausible to the page, but not a valid German number for the server.
    fill_contact(page, name="Erika Mustermann", email="erika@example.org", phone="0000 000000")
    page.get_by_role("button", name="Termin buchen").click()

    expect(page.locator("#phone-error")).to_have_text(re.compile("gültige Telefonnummer"))
    expect(page.locator("#phone")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#confirmation")).to_be_hidden()
    problems.assert_none(allow=r"status of 422")


def test_slot_taken_meanwhile_is_explained_and_the_times_reload(
    page: Page, live_server: Any, problems: BrowserProblems
) -> None:
    open_booking(page, live_server.url)
    starts_at = pick_time(page)
    topic = next(t for t in api_get(live_server, "/api/v1/public/topics")
                 if t["slug"] == "baufinanzierung")
    privacy = api_get(live_server, "/api/v1/public/legal/privacy", lang="de")
    faster = httpx.post(f"{live_server.url}/api/v1/public/bookings", timeout=10, json={
        "topic_id": topic["id"], "advisor_id": None, "starts_at": starts_at,
        "name": "Max Schneller", "email": "max@example.org", "phone": "030 7654321",
        "language": "de", "privacy_sha256": privacy["sha256"],
    })
    assert faster.status_code == 201, faster.text

    fill_contact(page, **CUSTOMER)
    page.get_by_role("button", name="Termin buchen").click()
    expect(page.locator("#slot-notice")).to_contain_text("gerade von jemand anderem gebucht")
    expect(page.locator(".slot-time").first).to_be_visible()
    expect(page.locator(f'.slot-time[data-starts-at="{starts_at}"]')).to_have_count(0)
    expect(page.locator("#confirmation")).to_be_hidden()

    # The details are kept: choosing another time is enough.
    pick_time(page)
    expect(page.locator("#name")).to_have_value(CUSTOMER["name"])
    page.get_by_role("button", name="Termin buchen").click()
    expect(page.get_by_role("heading", name="Ihr Termin ist gebucht")).to_be_visible()
    problems.assert_none(allow=r"status of 409")


# Managing the appointment --------------------------------------------------------------


def test_manage_link_from_the_mail_cancels_the_appointment(
    page: Page, live_server: Any, problems: BrowserProblems
) -> None:
    starts_at, message = book(page, live_server)
    page.goto(f"{live_server.url}{manage_path(message)}")
    expect(page.get_by_role("heading", name="Ihr Termin", exact=True)).to_be_visible()
    expect(page.locator("#appointment")).to_contain_text(local_time(starts_at))

    page.get_by_role("button", name="Termin absagen").click()
    expect(page.get_by_text("Möchten Sie diesen Termin wirklich absagen?")).to_be_visible()
    page.get_by_role("button", name="Nein, Termin behalten").click()
    expect(page.get_by_text("Möchten Sie diesen Termin wirklich absagen?")).to_be_hidden()

    page.get_by_role("button", name="Termin absagen").click()
    page.get_by_role("button", name="Ja, Termin absagen").click()
    expect(page.get_by_role("heading", name="Ihr Termin ist abgesagt")).to_be_visible()
    expect(page.get_by_role("button", name="Termin absagen")).to_be_hidden()

    page.reload()
    expect(page.get_by_role("heading", name="Ihr Termin ist abgesagt")).to_be_visible()
    expect(page.get_by_role("link", name="Neuen Termin vereinbaren").first).to_be_visible()
    problems.assert_none()


def test_manage_link_reschedules_to_another_slot(
    page: Page, live_server: Any, problems: BrowserProblems
) -> None:
    starts_at, message = book(page, live_server)
    path = manage_path(message)
    page.goto(f"{live_server.url}{path}")
    page.get_by_role("button", name="Termin verschieben").click()
    expect(page.locator("#slot-picker .slot-time").first).to_be_visible()
    # A day later than the booked one, so the new time is surely different.
    page.locator("#slot-picker .slot-day:not(.slot-day--empty)").nth(1).click()
    new_button = page.locator("#slot-picker .slot-time").nth(2)
    new_start = new_button.get_attribute("data-starts-at")
    assert new_start and new_start != starts_at
    new_button.click()
    expect(page.locator("#reschedule-chosen")).to_contain_text(local_time(new_start))
    page.get_by_role("button", name="Neue Zeit bestätigen").click()

    expect(page.get_by_text("Ihr Termin wurde verschoben.")).to_be_visible()
    expect(page.locator("#appointment")).to_contain_text(local_time(new_start))
    # The new mail brings new links; the ones of the first mail no longer work.
    moved = wait_for_mail(live_server, lambda m: CUSTOMER["email"] in str(m["To"])
                          and manage_path(m) != path)
    assert httpx.get(f"{live_server.url}/api/v1/public{path}", timeout=10).status_code == 404
    stored = api_get(live_server, f"/api/v1/public{manage_path(moved)}")
    assert stored["appointment"]["state"] == "booked"
    assert datetime.fromisoformat(stored["appointment"]["starts_at"].replace("Z", "+00:00")) \
        == datetime.fromisoformat(new_start.replace("Z", "+00:00"))
    problems.assert_none()


def test_unknown_manage_link_shows_a_friendly_page(
    page: Page, live_server: Any, problems: BrowserProblems
) -> None:
    page.goto(f"{live_server.url}/manage/this-link-does-not-exist")
    expect(page.get_by_role("heading", name="Diesen Link kennen wir leider nicht")).to_be_visible()
    unknown = page.locator("#unknown")
    expect(unknown.locator("a[href^='tel:']")).to_have_text("+49 30 1234567")
    expect(unknown.get_by_role("link", name="Neuen Termin vereinbaren")).to_have_attribute(
        "href", "/book"
    )
    # The browser logs the API's 404 itself; nothing else may go wrong.
    problems.assert_none(allow=r"status of 404")


# Small screens ---------------------------------------------------------------------------


def test_booking_works_at_phone_width_without_horizontal_scrolling(
    page: Page, live_server: Any, problems: BrowserProblems
) -> None:
    page.set_viewport_size({"width": 360, "height": 780})

    def assert_fits() -> None:
        assert page.evaluate("document.documentElement.scrollWidth") <= 360

    open_booking(page, live_server.url)
    assert_fits()
    pick_time(page)
    page.get_by_role("button", name="Termin buchen").click()
    expect(page.locator("#name-error")).not_to_be_empty()
    assert_fits()
    fill_contact(page, **CUSTOMER)
    page.get_by_role("button", name="Termin buchen").click()
    expect(page.get_by_role("heading", name="Ihr Termin ist gebucht")).to_be_visible()
    assert_fits()

    message = wait_for_mail(live_server, lambda m: CUSTOMER["email"] in str(m["To"]))
    page.goto(f"{live_server.url}{manage_path(message)}")
    page.get_by_role("button", name="Termin verschieben").click()
    expect(page.locator("#slot-picker .slot-time").first).to_be_visible()
    assert_fits()
    problems.assert_none()
