"""Console UI fixtures: an in-memory keyring, settings in a temporary file, a fake REST client."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import keyring
import pytest
from keyring.backend import KeyringBackend
from keyring.errors import PasswordDeleteError
from PySide6.QtCore import QSettings

from advisor_app.net.rest import ServerError, SignedIn
from advisor_app.settings import ConsoleSettings

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


class MemoryKeyring(KeyringBackend):
    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.passwords: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.passwords.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.passwords[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        if self.passwords.pop((service, username), None) is None:
            raise PasswordDeleteError("not stored")


@pytest.fixture
def memory_keyring() -> Iterator[MemoryKeyring]:
    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)


@pytest.fixture
def console_settings(tmp_path: Path) -> ConsoleSettings:
    return ConsoleSettings(QSettings(str(tmp_path / "console.ini"), QSettings.Format.IniFormat))


ADVISOR = {"id": 1, "username": "berater", "display_name": "Anna Berater"}


class FakeRest:
    """Stands in for RestClient at the sign-in: succeeds or raises the given error."""

    def __init__(self, server_url: str, error: ServerError | None = None) -> None:
        self.server_url = server_url
        self.error = error
        self.token: str | None = None
        self.calls: list[tuple[str, str]] = []

    def sign_in(self, username: str, password: str) -> SignedIn:
        self.calls.append((username, password))
        if self.error is not None:
            raise self.error
        self.token = "token"
        return SignedIn(token="token", advisor=ADVISOR)


class FakeRestFactory:
    def __init__(self, error: ServerError | None = None) -> None:
        self.error = error
        self.made: list[FakeRest] = []

    def __call__(self, server_url: str) -> Any:
        rest = FakeRest(server_url, self.error)
        self.made.append(rest)
        return rest
