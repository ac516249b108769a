"""The main window: waiting customers with a live waiting time, accepting, appointments,
the messages inbox, and customer text shown as plain text everywhere."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QTextDocument
from pytestqt.qtbot import QtBot

from advisor_app.controller import appointments
from advisor_app.ui.main_window import MainWindow
from advisor_app.ui.models import AppointmentModel, ChatModel, WaitingModel
from advisor_app.ui.session_view import SessionView
from live_protocol.states import Party
from live_protocol.views import ChatLine
from tests.advisor.views import NOW, visit

EVIL = "<b>x</b><script>alert(1)</script>"


def test_waiting_time_counts_up_live(qtbot: QtBot) -> None:
    clock = [NOW.timestamp()]
    model = WaitingModel(clock=lambda: clock[0])
    model.set_rows([visit(7, waited_seconds=65)])
    cell = model.index(0, 2)
    assert model.data(cell) == "1:05"
    clock[0] += 60
    with qtbot.waitSignal(model.dataChanged):
        model.tick()
    assert model.data(cell) == "2:05"
    clock[0] += 3600
    assert model.data(cell) == "1:02:05"


def test_accept_emits_the_intent_for_the_selected_customer(qtbot: QtBot) -> None:
    window = MainWindow("Anna Berater")
    qtbot.addWidget(window)
    window.set_waiting([visit(7), visit(8, "Max Muster")])
    assert not window.accept_button.isEnabled()
    window.waiting_table.selectRow(1)
    assert window.accept_button.isEnabled()
    with qtbot.waitSignal(window.acceptRequested) as accepted:
        qtbot.mouseClick(window.accept_button, Qt.MouseButton.LeftButton)
    assert accepted.args == [8]
    assert window.waiting_title.text() == "Wartende Kunden (2)"


def click_row(qtbot: QtBot, table: Any, row: int) -> None:
    """Click a row of ``table`` as the advisor does."""
    table.show()
    centre = table.visualRect(table.model().index(row, 0)).center()
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=centre)


def test_the_chosen_customer_stays_chosen_while_others_come_and_go(qtbot: QtBot) -> None:
    window = MainWindow("Anna Berater")
    qtbot.addWidget(window)
    window.show()
    window.set_waiting([visit(7), visit(8, "Max Muster"), visit(9, "Paula Probe")])
    click_row(qtbot, window.waiting_table, 1)
    assert window.selected_visit_id() == 8
    assert window.accept_button.isEnabled()

    # Erika (before Max) leaves; Jonas arrives and waits longest, so he comes first.
    window.set_waiting([visit(10, "Jonas Beispiel", waited_seconds=600),
                        visit(8, "Max Muster"), visit(9, "Paula Probe", waited_seconds=30)])
    assert window.selected_visit_id() == 8
    assert window.accept_button.isEnabled()
    selected = window.waiting_table.selectionModel().selectedRows()
    assert [window.waiting.data(index) for index in selected] == ["Max Muster"]
    with qtbot.waitSignal(window.acceptRequested) as accepted:
        qtbot.mouseClick(window.accept_button, Qt.MouseButton.LeftButton)
    assert accepted.args == [8]

    # When Max himself leaves, nothing is chosen and „Annehmen“ is off again.
    window.set_waiting([visit(10, "Jonas Beispiel", waited_seconds=600)])
    assert window.selected_visit_id() is None
    assert not window.accept_button.isEnabled()


def test_a_new_waiting_customer_is_announced_once(qtbot: QtBot) -> None:
    window = MainWindow()
    qtbot.addWidget(window)
    with qtbot.assertNotEmitted(window.customerStartedWaiting):
        window.set_waiting([visit(7)])  # what was there at start-up is not news
    with qtbot.waitSignal(window.customerStartedWaiting) as announced:
        window.set_waiting([visit(7), visit(9, "Max Muster")])
    assert announced.args == ["Max Muster"]
    with qtbot.assertNotEmitted(window.customerStartedWaiting):
        window.set_waiting([visit(9, "Max Muster")])


def test_appointments_show_their_state_in_german() -> None:
    model = AppointmentModel()
    states = ["booked", "waiting", "in_session", "completed", "missed", "cancelled"]
    model.set_rows(appointments([
        {"id": i, "starts_at": NOW.isoformat(), "ends_at": NOW.isoformat(), "state": state,
         "advisor_id": 1, "advisor_name": "Anna Berater", "topic_id": None, "topic": None,
         "language": "de", "booked_by_advisor_id": None, "created_at": NOW.isoformat(),
         "customer": {"name": EVIL, "email": "e@example.de", "phone": "+49 30 1234567",
                      "language": "de"}} for i, state in enumerate(states)]))
    assert [model.data(model.index(row, 2)) for row in range(6)] == [
        "gebucht", "wartet", "im Gespräch", "erledigt", "verpasst", "abgesagt"]
    assert model.data(model.index(0, 1)) == EVIL
    # The tooltip (for names cut short in a narrow column) shows it as plain text too.
    tooltip = QTextDocument()
    tooltip.setHtml(model.data(model.index(0, 1), Qt.ItemDataRole.ToolTipRole))
    assert tooltip.toPlainText() == EVIL


def test_customer_text_is_plain_text_everywhere(qtbot: QtBot) -> None:
    view = SessionView()
    qtbot.addWidget(view)
    view.show_visit(visit(7, EVIL, customer_phone=EVIL, mode="video", see_advisor=True,
                          show_me=True))
    for label in (view.name, view.phone):
        assert label.textFormat() == Qt.TextFormat.PlainText
        assert label.text().replace("\u200b", "") == EVIL  # break opportunities only
    chat: ChatModel = view.chat_model
    chat.add_line(ChatLine(id=1, visit_id=7, sender=Party.CUSTOMER, text=EVIL,
                           client_id="a", sent_at=NOW))
    assert chat.data(chat.index(0)).endswith(f"{EVIL}: {EVIL}")

    window = MainWindow(EVIL)
    qtbot.addWidget(window)
    assert window.advisor_label.textFormat() == Qt.TextFormat.PlainText
    window.messages_view.set_messages([message(1, EVIL)])
    window.messages_view.table.selectRow(0)
    heading = window.messages_view.heading
    assert heading.textFormat() == Qt.TextFormat.PlainText
    assert heading.text().replace("\u200b", "").startswith(EVIL)
    assert window.messages_view.text.toPlainText() == EVIL


def test_what_the_customer_allowed_is_said_plainly(qtbot: QtBot) -> None:
    view = SessionView()
    qtbot.addWidget(view)
    view.show_visit(visit(7, mode="video", see_advisor=False, show_me=False))
    assert view.allowed.text() == ("Der Kunde überträgt kein Bild.\n"
                                   "Der Kunde möchte Sie nicht sehen.")
    assert view.own_video.isHidden()
    assert not view.camera_button.isEnabled()
    view.show_visit(visit(7, mode="text"))
    assert "Textgespräch" in view.allowed.text()
    assert view.video_area.isHidden()
    assert view.chat_input.isEnabled()


def message(message_id: int, name: str = "Max Muster", handled: bool = False) -> dict[str, Any]:
    return {"id": message_id, "customer_name": name, "callback_phone": "+49 30 7654321",
            "text": name, "created_at": NOW.isoformat(),
            "handled_at": NOW.isoformat() if handled else None, "advisor_id": 1,
            "topic_id": None}


def test_messages_inbox_counts_unread_and_marks_handled(qtbot: QtBot) -> None:
    window = MainWindow()
    qtbot.addWidget(window)
    inbox = window.messages_view
    tab = window.tabs.indexOf(inbox)
    inbox.set_messages([message(2), message(1, "Erika", handled=True), message(3)])
    assert window.tabs.tabText(tab) == "Nachrichten (2)"
    inbox.table.selectRow(0)
    assert "+49 30 7654321" in inbox.heading.text()
    with qtbot.waitSignal(inbox.handledRequested) as handled:
        qtbot.mouseClick(inbox.handled_button, Qt.MouseButton.LeftButton)
    assert handled.args == [2]
    inbox.message_updated(message(2, handled=True))
    assert window.tabs.tabText(tab) == "Nachrichten (1)"
    assert not inbox.handled_button.isEnabled()
    inbox.set_messages([])
    assert window.tabs.tabText(tab) == "Nachrichten"
