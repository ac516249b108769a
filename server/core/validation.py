"""Normalising what people type: phone numbers, names. Shared by REST models and the CLI."""

from __future__ import annotations

import unicodedata

import phonenumbers

DEFAULT_REGION = "DE"


def normalise_phone(raw: str, region: str = DEFAULT_REGION) -> str:
    """The number in E.164 (+4930123456), or ValueError with a message for the person."""
    text = raw.strip()
    if not text or len(text) > 32:
        raise ValueError("please enter a phone number")
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        raise ValueError("this is not a phone number") from None
    if not phonenumbers.is_valid_number(number):
        raise ValueError("this phone number is not valid; include the area code")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def clean_name(raw: str, max_length: int = 120) -> str:
    """A person's name: trimmed, inner whitespace collapsed, no control characters."""
    name = " ".join(raw.split())
    if any(unicodedata.category(ch).startswith("C") for ch in name):
        raise ValueError("the name contains characters that are not allowed")
    if not name:
        raise ValueError("please enter a name")
    if len(name) > max_length:
        raise ValueError(f"the name may have at most {max_length} characters")
    return name
