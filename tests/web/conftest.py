"""Shared fixtures of the browser tests."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Page

from tests.fixtures.webkit import WebKitDriver, WebKitSession, running_webkit


class BrowserProblems:
    """Console errors, uncaught exceptions and CSP violations seen by one page."""

    def __init__(self, page: Page) -> None:
        self.messages: list[str] = []
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.messages.append(f"pageerror: {error}"))

    def _console(self, message: Any) -> None:
        if message.type in ("error", "warning"):
            self.messages.append(f"console {message.type}: {message.text}")

    def assert_none(self, *, allow: str | None = None) -> None:
        unexpected = [m for m in self.messages if not (allow and re.search(allow, m))]
        assert unexpected == []


@pytest.fixture
def problems(page: Page) -> BrowserProblems:
    return BrowserProblems(page)


# WebKit (WebKitGTK through WebKitWebDriver on Xvfb) ------------------------------------


@pytest.fixture(scope="session")
def webkit_driver(tmp_path_factory: pytest.TempPathFactory) -> Iterator[WebKitDriver]:
    """One WebKitWebDriver on its own virtual display for the whole run."""
    try:
        with running_webkit(tmp_path_factory.mktemp("webkit")) as driver:
            yield driver
    except RuntimeError as error:
        pytest.fail(str(error))


@pytest.fixture
def webkit(webkit_driver: WebKitDriver) -> Iterator[WebKitSession]:
    """A fresh WebKit window (mock camera and microphone) for one test."""
    session = webkit_driver.new_session()
    yield session
    session.close()
