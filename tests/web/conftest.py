"""Shared fixtures of the browser tests."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import Page


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
