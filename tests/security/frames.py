"""Hypothesis strategies for WebSocket frames, derived from the protocol's JSON Schema.

``valid_messages`` draws messages that the models accept; ``mutated_messages`` breaks one
thing in such a message (a field missing, one too many, a value of the wrong kind);
``garbage_frames`` draws frames that are no message at all (bytes, text, other JSON,
oversized, unicode edge cases).
"""

from __future__ import annotations

import json
import re
from typing import Any

from hypothesis import strategies as st
from pydantic import TypeAdapter

from live_protocol.codec import MAX_MESSAGE_BYTES

Frame = str | bytes
_LONG_TEXT = 200  # keep generated free text short; the oversized frames are separate
_REPEATED_CLASS = re.compile(r"^\^(\[[^\]]+\])\+\$$")


def _strategy(schema: dict[str, Any], defs: dict[str, Any]) -> st.SearchStrategy[Any]:
    if "$ref" in schema:
        return _strategy(defs[schema["$ref"].rsplit("/", 1)[1]], defs)
    if "anyOf" in schema:
        return st.one_of([_strategy(option, defs) for option in schema["anyOf"]])
    if "const" in schema:
        return st.just(schema["const"])
    if "enum" in schema:
        return st.sampled_from(schema["enum"])
    kind = schema.get("type")
    if kind == "null":
        return st.none()
    if kind == "boolean":
        return st.booleans()
    if kind == "integer":
        return st.integers(schema.get("minimum", -(2**31)), schema.get("maximum", 2**31))
    if kind == "number":
        return st.floats(allow_nan=False, allow_infinity=False)
    if kind == "string":
        low = schema.get("minLength", 0)
        high = min(schema.get("maxLength", _LONG_TEXT), max(low, _LONG_TEXT))
        pattern = schema.get("pattern")
        if pattern is None:
            return st.text(min_size=low, max_size=high)
        repeated = _REPEATED_CLASS.match(pattern)
        if repeated:  # "^[A-Za-z0-9_-]+$" with a length: draw the class that often
            pattern = f"^{repeated.group(1)}{{{max(low, 1)},{high}}}$"
        return st.from_regex(pattern, fullmatch=True)
    if kind == "object":
        properties = schema.get("properties", {})
        required = set(schema.get("required", []))
        fixed = {name: _strategy(sub, defs) for name, sub in properties.items()
                 if name in required}
        optional = {name: _strategy(sub, defs) for name, sub in properties.items()
                    if name not in required}
        return st.fixed_dictionaries(fixed, optional=optional)
    raise AssertionError(f"no strategy for {schema}")


def valid_messages(union: Any) -> st.SearchStrategy[dict[str, Any]]:
    """Messages of a direction's union (``CustomerToServer``, ``AdvisorToServer``)."""
    schema = TypeAdapter(union).json_schema()
    defs = schema.get("$defs", {})
    return st.one_of([_strategy(option, defs) for option in schema["oneOf"]])


def message_types(union: Any) -> list[str]:
    schema = TypeAdapter(union).json_schema()
    return sorted(schema["discriminator"]["mapping"])


_WRONG_VALUES = st.sampled_from([None, True, -1, 0, 2**63, 1.5, "", "x" * 300, [], {},
                                 {"type": "ping"}, "\u0000", "\ud800"])


@st.composite
def mutated_messages(draw: st.DrawFn, union: Any) -> dict[str, Any]:
    """A valid message with one thing wrong: a field gone, one too many, or a value of
    the wrong kind (which may, by chance, still be acceptable)."""
    message = dict(draw(valid_messages(union)))
    how = draw(st.sampled_from(["drop", "extra", "wrong"]))
    if how == "drop":
        del message[draw(st.sampled_from(sorted(message)))]
    elif how == "extra":
        message[draw(st.text(min_size=1, max_size=20).filter(
            lambda name: name not in message))] = draw(_WRONG_VALUES)
    else:
        message[draw(st.sampled_from(sorted(message)))] = draw(_WRONG_VALUES)
    return message


def _encode(message: Any, ascii_only: bool) -> str:
    text = json.dumps(message, ensure_ascii=ascii_only)
    try:
        text.encode()
    except UnicodeEncodeError:  # a lone surrogate goes over the wire only escaped
        return json.dumps(message)
    return text


# Text that has broken parsers and loggers: escaped lone surrogates, NUL, bidi controls,
# a 10,000-character word, combining marks, emoji, a byte-order mark.
UNICODE_EDGES = [
    '{"type": "chat", "text": "\\ud800", "client_id": "a"}',
    '{"type": "chat", "text": "\\udfff\\ud800", "client_id": "\\ud83d"}',
    '{"type": "ping", "\\u0000": 1}',
    '{"type": "\\u0000ping"}',
    '{"type": "chat", "text": "a\u0000b", "client_id": "\u0000"}',
    '{"type": "chat", "text": "\u202egnirts desrever\u202c\u2066\u2069", "client_id": "b"}',
    '{"type": "leave_message", "text": "' + "W" * 10_000 + '"}',
    '{"type": "chat", "text": "' + "\u0301" * 3000 + '", "client_id": "c"}',
    '{"type": "sign_in", "name": "' + "\U0001f600" * 150 + '", "phone": "\u0660\u0661"}',
    "\ufeff" + '{"type": "ping"}',
    '{"type": "ping"}\u0000',
    '{"type": "ping", "type": "hello"}',
]


def _nested(depth: int) -> str:
    return "[" * depth + "]" * depth


garbage_frames: st.SearchStrategy[Frame] = st.one_of(
    st.binary(max_size=300),
    st.text(max_size=300),
    st.sampled_from(UNICODE_EDGES),
    st.sampled_from(["null", "[]", "0", '"ping"', "true", "{}", '{"type": null}',
                     '{"type": 5}', '{"type": "pong"}', '{"type": "welcome"}',
                     '{"type": "' + "x" * 100 + '"}', _nested(5000), "{" * 100_000]),
    st.builds(lambda fill: '{"type": "ping", "pad": "' + fill * (MAX_MESSAGE_BYTES + 10) + '"}',
              st.sampled_from(["a", "\u00e4"])),
    st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=20),
                 lambda children: st.lists(children, max_size=4)
                 | st.dictionaries(st.text(max_size=10), children, max_size=4),
                 max_leaves=20).map(json.dumps),
)


def frames(union: Any) -> st.SearchStrategy[Frame]:
    """Any frame a client might send to the endpoint of ``union``."""
    as_text = st.booleans()
    return st.one_of(
        st.tuples(valid_messages(union), as_text).map(lambda pair: _encode(*pair)),
        st.tuples(mutated_messages(union), as_text).map(lambda pair: _encode(*pair)),
        garbage_frames,
    )
