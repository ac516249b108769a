"""Signing in: checks the form, calls the server off the GUI thread, keeps or forgets
the password in the keyring, and tells the dialog what went wrong."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Signal

from advisor_app import credentials
from advisor_app.net.rest import RestClient, ServerError
from advisor_app.settings import ConsoleSettings
from advisor_app.ui.sign_in import SignInDialog
from advisor_app.ui.texts import sign_in_input_problem, sign_in_problem


class SignInFlow(QObject):
    """Drives :class:`SignInDialog`; emits :attr:`signedIn` with a signed-in RestClient."""

    signedIn = Signal(object, dict)  # RestClient, the advisor

    def __init__(self, dialog: SignInDialog, settings: ConsoleSettings,
                 rest_factory: Callable[[str], Any] = RestClient,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.dialog = dialog
        self.settings = settings
        self._rest_factory = rest_factory
        self._running: asyncio.Task[bool] | None = None
        dialog.signInRequested.connect(self._on_request)

    def _on_request(self, server_url: str, username: str, password: str,
                    remember: bool) -> None:
        self._running = asyncio.ensure_future(
            self.sign_in(server_url, username, password, remember))

    async def sign_in_with_stored(self) -> bool:
        """Sign in with the remembered password, if there is one."""
        server_url, username = self.settings.server_url, self.settings.username
        if not (self.settings.remember and username):
            return False
        password = await asyncio.to_thread(credentials.load_password, server_url, username)
        if password is None:
            return False
        return await self.sign_in(server_url, username, password, True)

    async def sign_in(self, server_url: str, username: str, password: str,
                      remember: bool) -> bool:
        problem = sign_in_input_problem(server_url, username, password)
        if problem:
            self.dialog.show_problem(problem)
            return False
        self.dialog.show_problem("")
        self.dialog.set_busy(True)
        rest = self._rest_factory(server_url)
        try:
            signed_in = await asyncio.to_thread(rest.sign_in, username, password)
        except ServerError as error:
            self.dialog.show_problem(sign_in_problem(error))
            return False
        finally:
            self.dialog.set_busy(False)
        self.settings.server_url = server_url
        self.settings.username = username
        self.settings.remember = remember
        if remember:
            await asyncio.to_thread(credentials.store_password, server_url, username, password)
        else:
            await asyncio.to_thread(credentials.forget_password, server_url, username)
        self.dialog.password.clear()
        self.signedIn.emit(rest, signed_in.advisor)
        return True

    async def sign_out(self) -> None:
        """Forget the remembered password of the current server and user."""
        await asyncio.to_thread(credentials.forget_password, self.settings.server_url,
                                self.settings.username)
        self.settings.remember = False
        self.dialog.remember.setChecked(False)
