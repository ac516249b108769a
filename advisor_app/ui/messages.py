"""The inbox of messages left by customers who did not wait."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QItemSelection, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from advisor_app.ui.models import MessageModel
from advisor_app.ui.texts import breakable

NAME_COLUMN = 1
NAME_COLUMN_WIDTH = 240


class MessagesView(QWidget):
    """The list, the selected message in full (plain text) and „Erledigt“."""

    handledRequested = Signal(int)  # message id
    unreadChanged = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = MessageModel(self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setAccessibleName(self.tr("Nachrichten von Kunden"))
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        self.table.setTabKeyNavigation(False)  # Tab leaves the list, arrows move within
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)  # one line per message, cut short with "…"
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(NAME_COLUMN, QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.table.selectionModel().selectionChanged.connect(self._on_selection)

        self.heading = QLabel()
        self.heading.setTextFormat(Qt.TextFormat.PlainText)
        self.heading.setWordWrap(True)
        self.heading.setObjectName("sectionTitle")
        self.text = QPlainTextEdit()
        self.text.setReadOnly(True)
        self.text.setAccessibleName(self.tr("Text der Nachricht"))
        self.handled_button = QPushButton(self.tr("&Erledigt"))
        self.handled_button.setObjectName("primary")
        self.handled_button.setEnabled(False)
        self.handled_button.clicked.connect(self._handled)

        detail = QWidget()
        detail_layout = QVBoxLayout(detail)
        detail_layout.setContentsMargins(0, 8, 0, 0)
        detail_layout.addWidget(self.heading)
        detail_layout.addWidget(self.text, 1)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.handled_button)
        detail_layout.addLayout(buttons)

        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.table)
        splitter.addWidget(detail)
        splitter.setSizes([300, 200])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 12, 12, 12)
        layout.addWidget(splitter)

    def set_messages(self, rows: list[dict[str, Any]]) -> None:
        self.model.set_rows(rows)
        # As wide as the names, but a very long one is cut short ("…", the tooltip shows
        # it whole) rather than pushing the message out of sight.
        self.table.resizeColumnToContents(NAME_COLUMN)
        self.table.setColumnWidth(NAME_COLUMN, min(self.table.columnWidth(NAME_COLUMN),
                                                   NAME_COLUMN_WIDTH))
        self._on_selection(QItemSelection(), QItemSelection())
        self.unreadChanged.emit(self.model.unhandled_count())

    def message_updated(self, row: dict[str, Any]) -> None:
        self.model.replace(row)
        self._on_selection(QItemSelection(), QItemSelection())
        self.unreadChanged.emit(self.model.unhandled_count())

    def focus_list(self) -> None:
        """The keyboard focus on the list, on the first message if none is chosen."""
        self.table.setFocus(Qt.FocusReason.ShortcutFocusReason)
        if not self.table.selectionModel().hasSelection() and self.model.rowCount():
            self.table.selectRow(max(self.table.currentIndex().row(), 0))

    def selected(self) -> dict[str, Any] | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.row_at(rows[0].row()) if rows else None

    def _on_selection(self, *_: QItemSelection) -> None:
        row = self.selected()
        if row is None:
            self.heading.setText(self.tr("Keine Nachricht ausgewählt"))
            self.text.setPlainText("")
            self.handled_button.setEnabled(False)
            return
        self.heading.setText(breakable(self.tr("{name} – Rückruf unter {phone}").format(
            name=row["customer_name"], phone=row["callback_phone"])))
        self.text.setPlainText(row["text"])
        self.handled_button.setEnabled(not row.get("handled_at"))

    def _handled(self) -> None:
        row = self.selected()
        if row is not None:
            self.handledRequested.emit(int(row["id"]))
