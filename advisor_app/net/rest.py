"""The console's REST calls: blocking ``requests``, so call them off the GUI thread and
the event loop (``asyncio.to_thread``; the console's default executor is a small pool).

``requests.Session`` is not documented as thread-safe, and the console calls from several
worker threads at once (the start-up refreshes run side by side). A :class:`RestClient`
therefore gives each thread a session of its own (``threading.local``) rather than
serialising the calls behind a lock: calls still run in parallel, each thread reuses its
own connections, and no two threads share a connection pool or cookie jar. The token is a
plain attribute, read once per request.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any

import requests

TIMEOUT = (5, 20)  # connect, read


class ServerError(Exception):
    """The server refused or could not be reached; ``code`` as in the API's errors,
    ``fields`` the per-field problems, ``retry_after`` seconds for a throttled sign-in."""

    def __init__(self, code: str, message: str, status: int | None = None, *,
                 fields: dict[str, str] | None = None, retry_after: int | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.status = status
        self.fields = fields or {}
        self.retry_after = retry_after


@dataclass(frozen=True)
class SignedIn:
    token: str
    advisor: dict[str, Any]


class RestClient:
    def __init__(self, server_url: str, token: str | None = None) -> None:
        self.server_url = server_url.rstrip("/")
        self.token = token
        self._local = threading.local()
        self._sessions: list[requests.Session] = []
        self._sessions_lock = threading.Lock()

    def _session(self) -> requests.Session:
        """This thread's session (see the module docstring)."""
        session: requests.Session | None = getattr(self._local, "session", None)
        if session is None:
            session = self._local.session = requests.Session()
            with self._sessions_lock:
                self._sessions.append(session)
        return session

    def close(self) -> None:
        """Close the connections of every thread's session (after the last call)."""
        with self._sessions_lock:
            sessions, self._sessions = self._sessions, []
        for session in sessions:
            session.close()

    def _request(self, method: str, path: str, **kwargs: Any) -> Any:
        headers = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        try:
            response = self._session().request(method, f"{self.server_url}{path}", headers=headers,
                                          timeout=TIMEOUT, **kwargs)
        except requests.RequestException as problem:
            raise ServerError("unreachable", f"the server cannot be reached ({problem})") from None
        if response.status_code >= 400:
            try:
                error = response.json()["error"]
                fields = {str(f["field"]): str(f["message"]) for f in error.get("fields", [])}
                code, message = str(error["code"]), str(error["message"])
            except (ValueError, KeyError, TypeError):
                raise ServerError("http_error", f"HTTP {response.status_code}",
                                  response.status_code) from None
            retry = response.headers.get("Retry-After", "")
            raise ServerError(code, message, response.status_code, fields=fields,
                              retry_after=int(retry) if retry.isdigit() else None)
        return response.json() if response.content else None

    def sign_in(self, username: str, password: str) -> SignedIn:
        body = self._request("POST", "/api/v1/auth/sign-in",
                             json={"username": username, "password": password})
        self.token = body["token"]
        return SignedIn(token=body["token"], advisor=body["advisor"])

    def sign_out(self) -> None:
        self._request("POST", "/api/v1/auth/sign-out")
        self.token = None

    def get(self, path: str, **params: Any) -> Any:
        return self._request("GET", path, params=params)

    def post(self, path: str, body: Any = None) -> Any:
        return self._request("POST", path, json=body)

    @property
    def ws_url(self) -> str:
        return self.server_url.replace("https://", "wss://", 1).replace("http://", "ws://", 1)


def field_errors(error: ServerError) -> dict[str, str]:
    """Per-field problems the server reported (empty for other errors)."""
    return dict(error.fields)
