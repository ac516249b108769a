"""Hostile text: what customers (or someone pretending to be one) may type anywhere."""

from __future__ import annotations

MARKUP = "<b>x</b><script>alert(1)</script>"
IMAGE = "<img src=x onerror=alert(1)>"
JAVASCRIPT_LINK = "javascript:alert(1)"
BIDI = "Max \u202eredrah\u202c \u2066Muster\u2069"  # right-to-left override, isolate
ZERO_WIDTH = "Er\u200bi\u2060ka\ufeff"
FAMILY = "\U0001f468\u200d\U0001f469\u200d\U0001f467"  # one emoji: man, ZWJ, woman, ZWJ, girl
FLAG = "\U0001f3f3\ufe0f\u200d\U0001f308"
EMOJI = f"Erika {FAMILY} {FLAG} \U0001f600"
LONG_WORD = "W" * 10_000
CRLF_HEADER = "Erika\r\nBcc: evil@example.com\r\nX-Injected: 1"
CRLF_ICS = "Erika\r\nATTENDEE:mailto:evil@example.com\r\nEND:VEVENT"
NUL = "Erika\x00Mustermann"

# What each surface gets to show: every item valid for a name (at most 120 characters).
NAME = f"{MARKUP}{IMAGE} \u202e{FAMILY}\u200b {JAVASCRIPT_LINK}"
# A chat line or left message: several lines, the longest word the server takes there.
TEXT = "\n".join((
    MARKUP, IMAGE, f"[link]({JAVASCRIPT_LINK}) {JAVASCRIPT_LINK}", BIDI, ZERO_WIDTH, EMOJI,
    "Zeile\r\nnach CR/LF", "L" * 1200,
    " ".join(["eine sehr lange Zeile"] * 10),
))
