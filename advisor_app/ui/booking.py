"""„Termin buchen“: book an appointment for a customer; shows the server's field errors."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from PySide6.QtCore import QDateTime, Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

FIELDS = ("name", "email", "phone", "starts_at", "topic_id", "language")


def next_half_hour(now: datetime) -> datetime:
    start = now.replace(second=0, microsecond=0) + timedelta(hours=1)
    return start.replace(minute=0) if start.minute < 30 else start.replace(minute=30)


class BookingDialog(QDialog):
    """Collects a booking; emits :attr:`bookRequested` with the REST body."""

    bookRequested = Signal(dict)

    def __init__(self, topics: list[dict[str, Any]], language: str = "de",
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("booking")
        self.setWindowTitle(self.tr("Termin buchen"))
        self.setMinimumWidth(480)
        self.name = QLineEdit()
        self.email = QLineEdit()
        self.phone = QLineEdit()
        self.phone.setPlaceholderText("030 1234567")
        start = next_half_hour(datetime.now())
        self.starts_at = QDateTimeEdit(QDateTime.fromSecsSinceEpoch(int(start.timestamp())))
        self.starts_at.setCalendarPopup(True)
        self.starts_at.setDisplayFormat("dd.MM.yyyy HH:mm")
        self.topic = QComboBox()
        self.topic.addItem(self.tr("ohne Thema"), None)
        for topic in topics:
            name = topic.get("name") or {}
            self.topic.addItem(str(name.get(language) or name.get("de") or topic["slug"]),
                               topic["id"])
        self.language = QComboBox()
        self.language.addItem(self.tr("Deutsch"), "de")
        self.language.addItem(self.tr("Englisch"), "en")

        self.errors: dict[str, QLabel] = {}
        form = QFormLayout()
        for field, label, editor in (
            ("name", self.tr("Name"), self.name),
            ("email", self.tr("E-Mail"), self.email),
            ("phone", self.tr("Telefon"), self.phone),
            ("starts_at", self.tr("Datum und Uhrzeit"), self.starts_at),
            ("topic_id", self.tr("Thema"), self.topic),
            ("language", self.tr("Sprache"), self.language),
        ):
            form.addRow(label, editor)
            error = QLabel()
            error.setObjectName("fieldError")
            error.setTextFormat(Qt.TextFormat.PlainText)
            error.setWordWrap(True)
            error.hide()
            form.addRow("", error)
            self.errors[field] = error

        intro = QLabel(self.tr("Der Kunde erhält die Bestätigung mit dem Link per E-Mail."))
        intro.setWordWrap(True)
        self.problem = QLabel()
        self.problem.setObjectName("problem")
        self.problem.setTextFormat(Qt.TextFormat.PlainText)
        self.problem.setWordWrap(True)
        self.problem.hide()
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        self.book_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.book_button.setText(self.tr("Termin buchen"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("Abbrechen"))
        buttons.accepted.connect(self._request)
        buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 16)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.problem)
        layout.addWidget(buttons)

    def body(self) -> dict[str, Any]:
        starts_at = self.starts_at.dateTime().toPython()
        assert isinstance(starts_at, datetime)
        return {
            "name": self.name.text().strip(),
            "email": self.email.text().strip(),
            "phone": self.phone.text().strip(),
            "starts_at": starts_at.astimezone().isoformat(),
            "topic_id": self.topic.currentData(),
            "language": self.language.currentData(),
        }

    def _request(self) -> None:
        self.show_errors({}, "")
        self.book_button.setEnabled(False)
        self.bookRequested.emit(self.body())

    def show_errors(self, fields: dict[str, str], general: str) -> None:
        """The server's problems: per field under the field, the rest below the form."""
        self.book_button.setEnabled(True)
        for field, label in self.errors.items():
            label.setText(fields.get(field, ""))
            label.setVisible(field in fields)
        leftover = [f"{k}: {v}" for k, v in fields.items() if k not in self.errors]
        text = "\n".join([general, *leftover]) if (general or leftover) else ""
        self.problem.setText(text.strip())
        self.problem.setVisible(bool(text.strip()))
