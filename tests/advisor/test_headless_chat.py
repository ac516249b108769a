"""The console's chat shows each stored line once, however often the server sends it:
live and again in a resumed welcome's history, or echoed again for a resend."""

from __future__ import annotations

from datetime import UTC, datetime

from advisor_app.headless import AdvisorEvents, HeadlessAdvisor
from live_protocol import messages as m
from live_protocol.views import ChatLine


class Shown(AdvisorEvents):
    def __init__(self) -> None:
        self.lines: list[str] = []

    def chat_line(self, line: ChatLine) -> None:
        self.lines.append(line.text)


def _line(line_id: int, text: str) -> ChatLine:
    return ChatLine(id=line_id, visit_id=7, sender="customer", text=text, client_id=f"c{line_id}",
                    sent_at=datetime(2026, 12, 2, 10, 0, tzinfo=UTC))


async def test_a_line_that_comes_twice_is_shown_once() -> None:
    shown = Shown()
    engine = HeadlessAdvisor("http://127.0.0.1:9", "anna", "", events=shown)
    engine.chat = [_line(1, "Guten Tag")]  # as a resumed welcome's history left it
    for event in (_line(1, "Guten Tag"), _line(2, "Noch da?"), _line(2, "Noch da?")):
        await engine._dispatch(m.ChatPosted(line=event))
    assert [line.text for line in engine.chat] == ["Guten Tag", "Noch da?"]
    assert shown.lines == ["Noch da?"]
