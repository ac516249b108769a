"""Generated input against every REST operation of a real server (schemathesis).

Cases come from the server's own /openapi.json, valid ones (positive) and ones that break
the schema (negative), each anonymous, with a plain advisor's bearer token and with an
administrator's. Every response must be no 5xx and as declared in the schema (status
code, content type and body), and the server's log must stay free of unhandled
exceptions.

``VB_FUZZ_EXAMPLES`` sets the examples per operation and run (``make fuzz`` raises it for
a nightly run); the default keeps ``make test`` to a few minutes on two cores. Generation
is derandomised: the same code gives the same cases.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from tests.security.conftest import World, open_world

EXAMPLES = int(os.environ.get("VB_FUZZ_EXAMPLES", "12"))
CHECKS = [not_a_server_error, response_schema_conformance, status_code_conformance,
          content_type_conformance]
# Each case signs the advisor out: it gets a token of its own, so keep it to a few.
SIGN_OUT = "POST /api/v1/auth/sign-out"


@pytest.fixture(scope="module")
def fuzz_world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    yield from open_world(tmp_path_factory.mktemp("fuzz"))


def _run_operation(world: World, operation: schemathesis.APIOperation, mode: GenerationMode,
                   who: str, examples: int) -> int:
    calls = 0

    @settings(max_examples=examples, derandomize=True, deadline=None, database=None,
              phases=[Phase.explicit, Phase.generate],
              suppress_health_check=list(HealthCheck))
    @given(case=operation.as_strategy(generation_mode=mode))
    def check(case: schemathesis.Case) -> None:
        nonlocal calls
        calls += 1
        headers = {}
        if who != "anonymous":
            token = (world.add_advisor(f"out{world.next_number()}", "geldanlage")
                     if operation.label == SIGN_OUT else world.tokens[who])
            headers = world.headers(token)
        case.call_and_validate(base_url=world.server.url, headers=headers, checks=CHECKS,
                               timeout=30)

    check()
    return calls


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE],
                         ids=["valid", "invalid"])
@pytest.mark.parametrize("who", ["anonymous", "advisor", "admin"])
def test_generated_requests_get_declared_answers(
    fuzz_world: World, mode: GenerationMode, who: str
) -> None:
    world = fuzz_world
    if who == "advisor" and who not in world.tokens:
        world.tokens[who] = world.add_advisor("fuzzberater", "baufinanzierung")
    schema = schemathesis.openapi.from_url(f"{world.server.url}/openapi.json")
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 20, [o.label for o in operations]
    failures: list[str] = []
    unbreakable = []
    total = 0
    for operation in operations:
        examples = min(EXAMPLES, 4) if operation.label == SIGN_OUT else EXAMPLES
        try:
            total += _run_operation(world, operation, mode, who, examples)
        except Unsatisfiable:
            # No parameters, or only free text in the path: nothing can be invalid.
            assert mode == GenerationMode.NEGATIVE, operation.label
            unbreakable.append(operation.label)
        except Exception as failure:
            failures.append(f"{operation.label}:\n{failure}")
    problems = world.server_log_problems()
    assert not failures, "\n\n".join(failures)
    assert not problems, "\n".join(problems[:40])
    # Hypothesis stops early where an operation has few distinct inputs (GET /healthz);
    # six runs (valid/invalid × anonymous/advisor/admin) at the default add up to over
    # 1,500.
    tested = len(operations) - len(unbreakable)
    assert tested >= len(operations) * 2 // 3, unbreakable
    assert total >= tested * EXAMPLES * 2 // 3, total
    print(f"{total} generated requests over {tested} operations")
