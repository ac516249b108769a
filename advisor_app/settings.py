"""The console's one settings object: QSettings under organisation "Videoberatung".

The server URL, the user name, the language, the chosen camera, microphone and
speaker, whether the microphone is processed, and the window geometry are kept here;
the password lives in the system keyring (:mod:`advisor_app.credentials`), never here.
"""

from __future__ import annotations

from PySide6.QtCore import QByteArray, QLocale, QSettings

ORGANISATION = "Videoberatung"
APPLICATION = "Berater-Konsole"
DEFAULT_SERVER = "http://localhost:8080"
LANGUAGES = ("de", "en")


class ConsoleSettings:
    def __init__(self, store: QSettings | None = None) -> None:
        self._store = store or QSettings(ORGANISATION, APPLICATION)

    def _text(self, key: str, default: str = "") -> str:
        value = self._store.value(key, default)
        return value if isinstance(value, str) else default

    @property
    def server_url(self) -> str:
        return self._text("sign_in/server_url", DEFAULT_SERVER)

    @server_url.setter
    def server_url(self, value: str) -> None:
        self._store.setValue("sign_in/server_url", value)

    @property
    def username(self) -> str:
        return self._text("sign_in/username")

    @username.setter
    def username(self, value: str) -> None:
        self._store.setValue("sign_in/username", value)

    @property
    def remember(self) -> bool:
        return self._text("sign_in/remember", "false") == "true"

    @remember.setter
    def remember(self, value: bool) -> None:
        self._store.setValue("sign_in/remember", "true" if value else "false")

    @property
    def language(self) -> str:
        """``de`` or ``en``: the setting if made, else the system's language, else German."""
        chosen = self._text("ui/language")
        if chosen in LANGUAGES:
            return chosen
        return "en" if QLocale.system().language() == QLocale.Language.English else "de"

    @language.setter
    def language(self, value: str) -> None:
        self._store.setValue("ui/language", value)

    @property
    def language_choice(self) -> str:
        """What the advisor chose: ``de``, ``en`` or empty (follow the system)."""
        chosen = self._text("ui/language")
        return chosen if chosen in LANGUAGES else ""

    @property
    def voice_processing(self) -> bool:
        """Echo cancellation, noise suppression and gain control on the microphone;
        on unless the advisor switched it off."""
        return self._text("devices/voice_processing", "true") != "false"

    @voice_processing.setter
    def voice_processing(self, value: bool) -> None:
        self._store.setValue("devices/voice_processing", "true" if value else "false")

    def device(self, kind: str) -> str:
        """The saved device of ``kind`` (camera, microphone, speaker); empty if none."""
        return self._text(f"devices/{kind}")

    def set_device(self, kind: str, device: str) -> None:
        self._store.setValue(f"devices/{kind}", device)

    def geometry(self, name: str) -> QByteArray | None:
        value = self._store.value(f"geometry/{name}")
        return value if isinstance(value, QByteArray) else None

    def set_geometry(self, name: str, value: QByteArray) -> None:
        self._store.setValue(f"geometry/{name}", value)

    def sync(self) -> None:
        self._store.sync()
