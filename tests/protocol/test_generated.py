"""The protocol package stands alone, and what is generated from it is up to date."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from pydantic import ValidationError

from live_protocol import ErrorCode, messages as m
from live_protocol.codec import parse_server_to_advisor, parse_server_to_customer
from live_protocol.document import generated_files, json_schema, members, with_tables
from server.core.errors import DomainError

ROOT = Path(__file__).resolve().parents[2]


def test_the_protocol_imports_nothing_of_the_server_or_the_console() -> None:
    code = ("import sys, live_protocol, live_protocol.document; "
            "print(sorted({n.split('.')[0] for n in sys.modules}))")
    loaded = json.loads(subprocess.run([sys.executable, "-c", code], check=True,
                                       capture_output=True, text=True).stdout.replace("'", '"'))
    assert {"server", "advisor_app", "sqlalchemy", "fastapi", "starlette", "PySide6", "aiortc",
            "av"}.isdisjoint(loaded)
    assert "pydantic" in loaded


@pytest.mark.parametrize(("relative", "content"), list(generated_files()))
def test_generated_files_match_the_models(relative: str, content: str | None) -> None:
    on_disk = (ROOT / relative).read_text(encoding="utf-8")
    expected = with_tables(on_disk) if content is None else content
    assert on_disk == expected, f"{relative} is stale: run scripts/protocol-docs"


def test_every_message_type_is_in_the_docs_and_the_schema() -> None:
    document = (ROOT / "docs/protocol.md").read_text(encoding="utf-8")
    schema = json_schema()["directions"]
    for union, direction in ((m.CustomerToServer, "customer_to_server"),
                             (m.ServerToCustomer, "server_to_customer"),
                             (m.AdvisorToServer, "advisor_to_server"),
                             (m.ServerToAdvisor, "server_to_advisor")):
        for model in members(union):
            kind = model.model_fields["type"].annotation.__args__[0]  # type: ignore[union-attr]
            assert f"| `{kind}` |" in document
            assert model.__name__ in json.dumps(schema[direction])
    for code in ErrorCode:
        assert f"| `{code.value}` |" in document


def test_every_domain_error_the_server_raises_has_a_protocol_code() -> None:
    def subclasses(cls: type[DomainError]) -> list[type[DomainError]]:
        return [cls, *(s for sub in cls.__subclasses__() for s in subclasses(sub))]

    import server.live.parties  # noqa: F401 - defines the live errors

    codes = {cls.code for cls in subclasses(DomainError)} - {"error"}
    assert codes <= {code.value for code in ErrorCode}


def test_clients_parse_what_the_server_writes_and_refuse_the_rest() -> None:
    frame = m.RelayedSignal(visit_id=3, sender=m.Party.ADVISOR,
                            candidate=m.IceCandidate(candidate="")).model_dump_json()
    assert '"from":"advisor"' in frame
    parsed = parse_server_to_customer(frame)
    assert isinstance(parsed, m.RelayedSignal) and parsed.sender == m.Party.ADVISOR
    waiting = m.WaitingRoom(waiting=[], session=None, appointments=[]).model_dump_json()
    assert isinstance(parse_server_to_advisor(waiting), m.WaitingRoom)
    with pytest.raises(Exception, match="unknown or missing message type"):
        parse_server_to_customer(waiting)  # not for the customer
    with pytest.raises(ValidationError):
        m.QueueStatus(advisor_status="asleep", place=1,  # type: ignore[arg-type]
                      estimated_wait_seconds=0)
