"""Normalising what people type: phone numbers, names, free text. Shared by REST models,
the live service and the CLI, so every way in applies the same rules."""

from __future__ import annotations

import unicodedata

import phonenumbers

DEFAULT_REGION = "DE"

# Characters that show nothing themselves but reorder or hide what is around them: bidi
# embeddings, overrides, isolates and marks (U+202E turns "gpj.exe" into "exe.jpg"), and
# zero-width spaces, joiners of words and byte-order marks. They are dropped, not refused:
# pasted text often carries them unseen. The zero-width (non-)joiner U+200C/U+200D stays,
# because emoji sequences and several scripts need it.
INVISIBLE = frozenset(
    "\u061c\u180e\u200b\u200e\u200f"
    "\u202a\u202b\u202c\u202d\u202e"
    "\u2060\u2061\u2062\u2063\u2064"
    "\u2066\u2067\u2068\u2069"
    "\u206a\u206b\u206c\u206d\u206e\u206f"
    "\ufeff\ufff9\ufffa\ufffb"
)
_DROP_INVISIBLE = dict.fromkeys(map(ord, INVISIBLE))

# Numbers the customer would be asked to be called back on at a charge to the bank
# (0900, 0137, 0180 in Germany; their equivalents elsewhere).
CHARGED_NUMBER_TYPES = frozenset({
    phonenumbers.PhoneNumberType.PREMIUM_RATE,
    phonenumbers.PhoneNumberType.SHARED_COST,
})


def drop_invisible(text: str) -> str:
    """``text`` without bidi controls and zero-width characters (see ``INVISIBLE``)."""
    return text.translate(_DROP_INVISIBLE)


def _is_control(character: str) -> bool:
    # Cc: C0 (NUL, ESC, CR …), DEL and C1; Cs: a lone surrogate, which no database or
    # UTF-8 encoder takes.
    return unicodedata.category(character) in ("Cc", "Cs")


def normalise_phone(raw: str, region: str = DEFAULT_REGION) -> str:
    """The number in E.164 (+4930123456), or ValueError with a message for the person."""
    text = drop_invisible(raw).strip()
    if not text or len(text) > 32:
        raise ValueError("please enter a phone number")
    if any(_is_control(ch) for ch in text):
        raise ValueError("this is not a phone number")
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        raise ValueError("this is not a phone number") from None
    if not phonenumbers.is_valid_number(number):
        raise ValueError("this phone number is not valid; include the area code")
    if phonenumbers.number_type(number) in CHARGED_NUMBER_TYPES:
        raise ValueError("premium-rate and shared-cost numbers (0900, 0137, 0180) cannot be "
                         "used for call-backs; please give another phone number")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def clean_name(raw: str, max_length: int = 120) -> str:
    """A person's name: on one line, trimmed, inner whitespace collapsed, invisible
    characters dropped, control characters refused."""
    name = " ".join(drop_invisible(raw).split())
    if any(_is_control(ch) for ch in name):
        raise ValueError("the name contains characters that are not allowed")
    if not name:
        raise ValueError("please enter a name")
    if len(name) > max_length:
        raise ValueError(f"the name may have at most {max_length} characters")
    return name


def clean_text(raw: str, max_length: int, what: str = "message") -> str:
    """Free text (a chat line, a left message): line breaks as ``\\n``, trimmed, invisible
    characters dropped; control characters other than newline and tab refused."""
    text = drop_invisible(raw.replace("\r\n", "\n").replace("\r", "\n")).strip()
    if any(_is_control(ch) and ch not in "\n\t" for ch in text):
        raise ValueError(f"the {what} contains characters that are not allowed")
    if not text:
        raise ValueError(f"the {what} is empty")
    if len(text) > max_length:
        raise ValueError(f"a {what} may have at most {max_length} characters")
    return text
