"""The sign-in dialog: server, user name, password, „Angemeldet bleiben“."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)


class SignInDialog(QDialog):
    """Collects the sign-in; emits :attr:`signInRequested`, shows what went wrong."""

    signInRequested = Signal(str, str, str, bool)  # server URL, user name, password, remember

    def __init__(self, server_url: str = "", username: str = "", remember: bool = False,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("signIn")
        self.setWindowTitle(self.tr("Videoberatung – Anmeldung"))
        self.setMinimumWidth(440)

        title = QLabel(self.tr("Anmeldung für Beraterinnen und Berater"))
        title.setObjectName("title")
        self.server = QLineEdit(server_url)
        self.server.setPlaceholderText("https://beratung.example.de")
        self.username = QLineEdit(username)
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.remember = QCheckBox(self.tr("Angemeldet bleiben"))
        self.remember.setChecked(remember)
        self.remember.setToolTip(self.tr(
            "Das Passwort wird im Schlüsselbund des Systems gespeichert, nie in einer Datei."))
        self.problem = QLabel()
        self.problem.setObjectName("problem")
        self.problem.setTextFormat(Qt.TextFormat.PlainText)
        self.problem.setWordWrap(True)
        self.problem.hide()

        form = QFormLayout()
        form.addRow(self.tr("Server"), self.server)
        form.addRow(self.tr("Benutzername"), self.username)
        form.addRow(self.tr("Passwort"), self.password)
        form.addRow("", self.remember)

        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.sign_in_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.sign_in_button.setText(self.tr("Anmelden"))
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("Beenden"))
        self.buttons.accepted.connect(self._request)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(28, 24, 28, 20)
        layout.setSpacing(14)
        layout.addWidget(title)
        layout.addLayout(form)
        layout.addWidget(self.problem)
        layout.addWidget(self.buttons)
        (self.password if username else self.username).setFocus()

    def _request(self) -> None:
        self.signInRequested.emit(self.server.text().strip(), self.username.text().strip(),
                                  self.password.text(), self.remember.isChecked())

    def show_problem(self, text: str) -> None:
        self.problem.setText(text)
        self.problem.setVisible(bool(text))

    def set_busy(self, busy: bool) -> None:
        self.sign_in_button.setEnabled(not busy)
        self.sign_in_button.setText(self.tr("Anmeldung läuft …") if busy else self.tr("Anmelden"))
