"""What is generated from the protocol models: the message tables of docs/protocol.md,
the JSON Schema of every direction, and the page's ``protocol.js`` (the version, the
default heartbeat and the message types the page must handle).

``scripts/protocol-docs`` writes them; a test fails when a file differs from this.
"""

from __future__ import annotations

import enum
import json
import types
import typing
from collections.abc import Iterator
from typing import Any, Literal, Union, get_args, get_origin

from pydantic import BaseModel, TypeAdapter

from live_protocol import messages as m
from live_protocol.errors import ERROR_MEANINGS, ErrorCode

DIRECTIONS: dict[str, Any] = {
    "Customer → server": m.CustomerToServer,
    "Advisor → server": m.AdvisorToServer,
    "Server → customer": m.ServerToCustomer,
    "Server → advisor": m.ServerToAdvisor,
}
SCHEMA_NAMES = {
    "Customer → server": "customer_to_server",
    "Advisor → server": "advisor_to_server",
    "Server → customer": "server_to_customer",
    "Server → advisor": "server_to_advisor",
}


def members(union: Any) -> list[type[BaseModel]]:
    """The message models of a discriminated union, in the order written."""
    return list(get_args(get_args(union)[0]))


def type_of(model: type[BaseModel]) -> str:
    annotation = model.model_fields["type"].annotation
    value: str = get_args(annotation)[0]
    return value


def server_to_customer_types() -> list[str]:
    return [type_of(model) for model in members(m.ServerToCustomer)]


def _describe(annotation: Any) -> str:
    origin = get_origin(annotation)
    if origin is Literal:
        return " / ".join(f"`{value}`" for value in get_args(annotation))
    if origin in (Union, types.UnionType):
        options = [a for a in get_args(annotation) if a is not type(None)]
        described = " or ".join(_describe(a) for a in options)
        return f"{described} or null" if len(options) < len(get_args(annotation)) else described
    if origin is typing.Annotated:
        return _describe(get_args(annotation)[0])
    if origin is list:
        return f"list of {_describe(get_args(annotation)[0])}"
    if isinstance(annotation, type) and issubclass(annotation, enum.Enum):
        return " / ".join(f"`{member.value}`" for member in annotation)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation.__name__
    if isinstance(annotation, type):
        return {"str": "text", "int": "integer", "float": "number", "bool": "true/false",
                "datetime": "ISO 8601 instant"}.get(annotation.__name__, annotation.__name__)
    return str(annotation)


def _fields(model: type[BaseModel]) -> str:
    shown = []
    for name, field in model.model_fields.items():
        if name == "type":
            continue
        key = field.alias or name
        optional = "" if field.is_required() else " (optional)"
        shown.append(f"`{key}`: {_describe(field.annotation)}{optional}")
    return "; ".join(shown) or "—"


def _summary(model: type[BaseModel]) -> str:
    return " ".join((model.__doc__ or "").split())


def message_tables() -> str:
    """The markdown of every message, direction by direction, and the error codes."""
    lines: list[str] = []
    for title, union in DIRECTIONS.items():
        lines += [f"### {title}", "", "| type | fields | meaning |", "| --- | --- | --- |"]
        lines += [f"| `{type_of(model)}` | {_fields(model)} | {_summary(model)} |"
                  for model in members(union)]
        lines.append("")
    lines += ["### Error codes", "", "| code | meaning |", "| --- | --- |"]
    lines += [f"| `{code.value}` | {ERROR_MEANINGS[code]} |" for code in ErrorCode]
    return "\n".join(lines) + "\n"


def json_schema() -> dict[str, Any]:
    """One JSON Schema per direction (``$defs`` shared within each)."""
    schema: dict[str, Any] = {
        "$comment": "Generated from live_protocol (scripts/protocol-docs); do not edit.",
        "protocol": m.PROTOCOL_VERSION,
        "directions": {},
    }
    for title, union in DIRECTIONS.items():
        schema["directions"][SCHEMA_NAMES[title]] = TypeAdapter(union).json_schema(
            mode="serialization" if title.startswith("Server") else "validation")
    return schema


def page_module() -> str:
    """``customer_web/join/protocol.js``."""
    types_list = ", ".join(f'"{name}"' for name in server_to_customer_types())
    return (
        "// Generated from live_protocol (scripts/protocol-docs); do not edit.\n"
        "// The full JSON Schema of every message is protocol.schema.json beside this file.\n"
        "\n"
        f"export const PROTOCOL_VERSION = {m.PROTOCOL_VERSION};\n"
        "// Until the server names its own in welcome.heartbeat_seconds.\n"
        f"export const DEFAULT_HEARTBEAT_SECONDS = {m.HEARTBEAT_SECONDS:g};\n"
        "// Every message the server may send to the customer's page.\n"
        f"export const SERVER_TO_CUSTOMER = [{types_list}];\n"
    )


def schema_text() -> str:
    return json.dumps(json_schema(), indent=2, ensure_ascii=False, sort_keys=True) + "\n"


BEGIN = "<!-- generated from live_protocol: begin -->"
END = "<!-- generated from live_protocol: end -->"


def with_tables(document: str) -> str:
    """``document`` (docs/protocol.md) with its generated part replaced."""
    before, rest = document.split(BEGIN, 1)
    _, after = rest.split(END, 1)
    return f"{before}{BEGIN}\n\n{message_tables()}\n{END}{after}"


def generated_files() -> Iterator[tuple[str, str | None]]:
    """(path relative to the repository, content); None for docs/protocol.md, whose
    generated part is put in with :func:`with_tables`."""
    yield "docs/protocol.md", None
    yield "customer_web/join/protocol.js", page_module()
    yield "customer_web/join/protocol.schema.json", schema_text()
