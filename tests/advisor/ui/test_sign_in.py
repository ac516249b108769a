"""The sign-in dialog and flow: validation, the server's refusals, remember me, sign-out."""

from __future__ import annotations

from typing import Any

import pytest
from pytestqt.qtbot import QtBot

from advisor_app.credentials import SERVICE
from advisor_app.net.rest import ServerError
from advisor_app.settings import ConsoleSettings
from advisor_app.sign_in_flow import SignInFlow
from advisor_app.ui.sign_in import SignInDialog
from tests.advisor.ui.conftest import FakeRestFactory, MemoryKeyring

SERVER = "https://beratung.example.de"


def make_flow(qtbot: QtBot, settings: ConsoleSettings,
              factory: FakeRestFactory) -> tuple[SignInDialog, SignInFlow]:
    dialog = SignInDialog(SERVER, "berater")
    qtbot.addWidget(dialog)
    return dialog, SignInFlow(dialog, settings, factory)


@pytest.mark.parametrize(("server", "user", "password", "expected"), [
    ("", "berater", "pw", "Adresse des Servers"),
    ("beratung.example.de", "berater", "pw", "http:// oder https://"),
    (SERVER, "", "pw", "Benutzernamen"),
    (SERVER, "berater", "", "Passwort"),
    ("http://beratung.example.de", "berater", "pw", "https://"),
    ("http://10.0.0.5:8080", "berater", "pw", "unverschlüsselt"),
])
async def test_incomplete_form_is_refused_without_asking_the_server(
    qtbot: QtBot, console_settings: ConsoleSettings, memory_keyring: MemoryKeyring,
    server: str, user: str, password: str, expected: str,
) -> None:
    factory = FakeRestFactory()
    dialog, flow = make_flow(qtbot, console_settings, factory)
    assert not await flow.sign_in(server, user, password, False)
    assert expected in dialog.problem.text()
    assert not dialog.problem.isHidden()
    assert factory.made == []


@pytest.mark.parametrize(("error", "expected"), [
    (ServerError("not_authenticated", "wrong user name or password", 401),
     "Benutzername oder Passwort ist falsch"),
    (ServerError("unreachable", "the server cannot be reached (refused)"),
     "Der Server ist nicht erreichbar"),
    (ServerError("throttled", "too many failed sign-ins; try again in 7 minute(s)", 429,
                 retry_after=7 * 60 - 20),
     "in 7 Minute"),
], ids=["wrong-password", "unreachable", "throttled"])
async def test_each_refusal_gets_a_clear_german_message(
    qtbot: QtBot, console_settings: ConsoleSettings, memory_keyring: MemoryKeyring,
    error: ServerError, expected: str,
) -> None:
    dialog, flow = make_flow(qtbot, console_settings, FakeRestFactory(error))
    with qtbot.assertNotEmitted(flow.signedIn):
        assert not await flow.sign_in(SERVER, "berater", "falsch", True)
    assert expected in dialog.problem.text()
    assert dialog.sign_in_button.isEnabled()
    assert memory_keyring.passwords == {}


@pytest.mark.parametrize("server", ["http://localhost:8080", "http://127.0.0.1:8080",
                                    "http://[::1]:8080", "https://10.0.0.5"])
async def test_plain_http_is_accepted_only_on_this_machine(
    qtbot: QtBot, console_settings: ConsoleSettings, memory_keyring: MemoryKeyring,
    server: str,
) -> None:
    factory = FakeRestFactory()
    dialog, flow = make_flow(qtbot, console_settings, factory)
    assert await flow.sign_in(server, "berater", "pw", False)
    assert dialog.problem.text() == ""
    assert [rest.server_url for rest in factory.made] == [server]


async def test_the_dialog_asks_for_sign_in_with_what_was_typed(
    qtbot: QtBot, console_settings: ConsoleSettings, memory_keyring: MemoryKeyring,
) -> None:
    dialog, _ = make_flow(qtbot, console_settings, FakeRestFactory())
    dialog.password.setText("geheim")
    dialog.remember.setChecked(True)
    with qtbot.waitSignal(dialog.signInRequested) as request:
        dialog.sign_in_button.click()
    assert request.args == [SERVER, "berater", "geheim", True]


async def test_remember_me_keeps_the_password_in_the_keyring_only(
    qtbot: QtBot, console_settings: ConsoleSettings, memory_keyring: MemoryKeyring,
    tmp_path: Any,
) -> None:
    factory = FakeRestFactory()
    dialog, flow = make_flow(qtbot, console_settings, factory)
    with qtbot.waitSignal(flow.signedIn) as signed_in:
        assert await flow.sign_in(SERVER, "berater", "geheim-123", True)
    assert signed_in.args[1]["display_name"] == "Anna Berater"
    assert memory_keyring.passwords == {(SERVICE, f"{SERVER}|berater"): "geheim-123"}
    console_settings.sync()
    assert "geheim-123" not in (tmp_path / "console.ini").read_text()
    assert console_settings.username == "berater"
    assert dialog.password.text() == ""

    # The next start signs in by itself with the stored password.
    again = FakeRestFactory()
    _, next_flow = make_flow(qtbot, console_settings, again)
    assert await next_flow.sign_in_with_stored()
    assert again.made[0].calls == [("berater", "geheim-123")]

    # Signing out forgets it.
    await flow.sign_out()
    assert memory_keyring.passwords == {}
    assert not await make_flow(qtbot, console_settings, FakeRestFactory())[1].sign_in_with_stored()


async def test_without_remember_me_nothing_is_kept(
    qtbot: QtBot, console_settings: ConsoleSettings, memory_keyring: MemoryKeyring,
) -> None:
    memory_keyring.set_password(SERVICE, f"{SERVER}|berater", "alt")
    _, flow = make_flow(qtbot, console_settings, FakeRestFactory())
    assert await flow.sign_in(SERVER, "berater", "neu", False)
    assert memory_keyring.passwords == {}
