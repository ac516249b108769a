"""Remembered passwords, in the system keyring only (never in a file of ours)."""

from __future__ import annotations

import contextlib

import keyring
from keyring.errors import KeyringError, PasswordDeleteError

SERVICE = "videoberatung"


def keyring_key(server_url: str, username: str) -> str:
    return f"{server_url}|{username}"


def load_password(server_url: str, username: str) -> str | None:
    try:
        password: str | None = keyring.get_password(SERVICE, keyring_key(server_url, username))
    except KeyringError:
        return None
    return password


def store_password(server_url: str, username: str, password: str) -> bool:
    """Keep the password; False when no keyring is available (then nothing is kept)."""
    try:
        keyring.set_password(SERVICE, keyring_key(server_url, username), password)
    except KeyringError:
        return False
    return True


def forget_password(server_url: str, username: str) -> None:
    with contextlib.suppress(PasswordDeleteError, KeyringError):
        keyring.delete_password(SERVICE, keyring_key(server_url, username))
