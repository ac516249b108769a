"""The video surface, the booking dialog and the texts behind them."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from advisor_app.media.convert import frame_to_image
from advisor_app.media.flow import MediaFlow
from advisor_app.media.synthetic import draw_frame
from advisor_app.net.rest import ServerError, field_errors
from advisor_app.ui.booking import BookingDialog
from advisor_app.ui.session_view import SessionView
from advisor_app.ui.texts import throttle_minutes, waited
from advisor_app.ui.video import VideoWidget, fit_size
from live_protocol.states import ConnectionMode, Party, VisitState
from live_protocol.views import ChatLine, VisitView


def test_fit_keeps_the_aspect_ratio() -> None:
    assert fit_size((640, 480), (800, 300)) == (400, 300)
    assert fit_size((640, 480), (320, 600)) == (320, 240)
    assert fit_size((640, 480), (0, 0)) == (0, 0)


def test_the_newest_frame_is_painted_scaled(qtbot: QtBot) -> None:
    widget = VideoWidget("Kein Bild")
    qtbot.addWidget(widget)
    widget.resize(400, 400)
    widget.show()
    qtbot.waitExposed(widget)
    frame = draw_frame(1, 640, 480)
    image = frame_to_image(frame, (200, 150))
    assert (image.width(), image.height()) == (200, 150)
    for number in range(3):
        widget.show_frame(draw_frame(number, 640, 480))
    assert widget.frames_shown == 3
    qtbot.waitUntil(lambda: widget.paints_with_frame >= 1)
    # Frames that arrived between two paints were never converted: only the newest.
    assert widget.conversions == 1
    grabbed = widget.grab().toImage()
    # Letterboxed: 400×300 picture centred, background above and below.
    assert grabbed.pixelColor(200, 10).name() == "#1f2933"
    assert grabbed.pixelColor(200, 200).name() != "#1f2933"


def test_booking_shows_the_servers_field_errors(qtbot: QtBot) -> None:
    dialog = BookingDialog([{"id": 1, "slug": "baufinanzierung",
                             "name": {"de": "Baufinanzierung", "en": "Home financing"}}])
    qtbot.addWidget(dialog)
    dialog.name.setText("Erika Mustermann")
    dialog.email.setText("kein-at")
    dialog.topic.setCurrentIndex(1)
    with qtbot.waitSignal(dialog.bookRequested) as requested:
        dialog.book_button.click()
    body = requested.args[0]
    assert body["name"] == "Erika Mustermann" and body["topic_id"] == 1
    assert body["language"] == "de" and "T" in body["starts_at"]
    assert not dialog.book_button.isEnabled()

    error = ServerError("invalid", "invalid input (…)", 422,
                        fields={"email": "not a valid address", "phone": "not a phone number"})
    dialog.show_errors(field_errors(error), "")
    assert dialog.errors["email"].text() == "not a valid address"
    assert dialog.errors["email"].textFormat() == Qt.TextFormat.PlainText
    assert not dialog.errors["phone"].isHidden()
    assert dialog.errors["name"].isHidden()
    assert dialog.book_button.isEnabled()


def test_small_texts() -> None:
    assert waited(59) == "0:59"
    assert throttle_minutes(ServerError("throttled", "…", retry_after=12 * 60)) == 12
    assert throttle_minutes(ServerError("throttled", "…", retry_after=61)) == 2
    assert throttle_minutes(ServerError("throttled", "…")) == 1
    assert throttle_minutes(ServerError("throttled", "later")) == 1


def test_the_console_signs_in_from_a_credentials_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import json

    from advisor_app import app, main

    started: list[tuple[object, object]] = []
    monkeypatch.setattr(app, "run", lambda server, credentials: started.append(
        (server, credentials)) or 0)
    path = tmp_path / "demo-advisor.json"
    path.write_text(json.dumps({"server": "http://localhost:8080", "username": "berater",
                                "password": "geheim-genug"}))
    assert main.main(["--credentials-file", str(path)]) == 0
    assert started == [("http://localhost:8080",
                        ("http://localhost:8080", "berater", "geheim-genug"))]
    path.write_text("{broken")
    with pytest.raises(SystemExit) as refused:
        main.main(["--credentials-file", str(path)])
    assert refused.value.code == 2


def test_long_chat_lines_wrap_instead_of_being_cut(qtbot: QtBot) -> None:
    view = SessionView()
    qtbot.addWidget(view)
    view.resize(900, 600)
    view.show()
    view.chat_model.add_line(ChatLine(id=1, visit_id=1, sender=Party.CUSTOMER, text="kurz",
                                      client_id="a", sent_at="2026-11-26T10:00:00+00:00"))
    view.chat_model.add_line(ChatLine(id=2, visit_id=1, sender=Party.CUSTOMER,
                                      text="sehr lang " * 30, client_id="b",
                                      sent_at="2026-11-26T10:00:01+00:00"))
    qtbot.waitExposed(view)
    short = view.chat_view.visualRect(view.chat_model.index(0, 0))
    long = view.chat_view.visualRect(view.chat_model.index(1, 0))
    assert long.height() > 3 * short.height()
    assert long.width() <= view.chat_view.viewport().width()


def test_the_session_says_when_the_customers_media_is_away_or_frozen(
        qtbot: QtBot) -> None:
    view = SessionView()
    qtbot.addWidget(view)
    view.show()
    qtbot.waitExposed(view)
    assert not view.media_state.isVisible()
    view.show_media_flow(MediaFlow.INTERRUPTED)
    assert view.media_state.isVisible()
    assert view.media_state.text().startswith("Verbindung wird wiederhergestellt …")
    view.show_media_flow(MediaFlow.FLOWING)
    assert not view.media_state.isVisible()
    view.show_media_flow(MediaFlow.FROZEN)
    assert view.media_state.isVisible()
    assert view.media_state.text().startswith("Das Bild des Kunden steht")
    view.show_media_flow(MediaFlow.CONNECTING)
    assert view.media_state.text() == "Bild und Ton werden verbunden …"
    view.show_media_flow(None)
    assert not view.media_state.isVisible()


def session(*, show_me: bool, see_advisor: bool) -> VisitView:
    return VisitView(
        id=7, state=VisitState.ACTIVE, customer_name="Erika Mustermann",
        customer_phone="030 1234567", language="de", appointment_id=None,
        appointment_start=None, topic_id=1, advisor_id=1, advisor_name="Anna Berger",
        mode=ConnectionMode.VIDEO, see_advisor=see_advisor, show_me=show_me,
        waiting_since="2026-11-26T10:00:00+00:00", consent_at="2026-11-26T10:00:00+00:00",
        disconnected=False)


def test_the_session_says_when_the_customers_line_is_too_weak_for_picture(
        qtbot: QtBot) -> None:
    view = SessionView()
    qtbot.addWidget(view)
    view.show()
    view.show_visit(session(show_me=True, see_advisor=True))
    qtbot.waitExposed(view)
    assert not view.line_notice.isVisible()
    view.show_customer_line(True)
    assert view.line_notice.isVisible()
    assert view.line_notice.textFormat() == Qt.TextFormat.PlainText
    assert "„Nur Ton übertragen“ angeboten" in view.line_notice.text()
    # The customer took the offer: the session carries on with sound only.
    view.show_visit(session(show_me=False, see_advisor=False))
    assert view.line_notice.text().startswith("Nur Ton: Die Verbindung des Kunden")
    # The line carries picture again: the customer's own choice is back.
    view.show_customer_line(False)
    view.show_visit(session(show_me=True, see_advisor=True))
    assert not view.line_notice.isVisible()
    view.show_customer_line(True)
    view.session_ended()
    assert not view.line_notice.isVisible()
