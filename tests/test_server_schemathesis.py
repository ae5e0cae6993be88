"""The API against its own OpenAPI document: requests generated from the spec, valid and not,
never get a server error, and every answer has a status, content type and body the spec
declares for it."""

from __future__ import annotations

import warnings
from pathlib import Path

import pytest
from conftest import EXAMPLE

pytest.importorskip("fastapi")
schemathesis = pytest.importorskip("schemathesis")

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis.errors import Unsatisfiable  # noqa: E402
from schemathesis import GenerationMode  # noqa: E402
from schemathesis.checks import not_a_server_error  # noqa: E402
from schemathesis.specs.openapi.checks import (  # noqa: E402
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from naql.cli import main  # noqa: E402
from naql.server import create_app  # noqa: E402

# Generated requests per operation and mode: bounded so the file runs in seconds, and drawn
# the same way every run (derandomize) so CI does not fail by luck.
EXAMPLES = 40
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


@pytest.fixture(scope="module")
def api_schema(tmp_path_factory: pytest.TempPathFactory) -> schemathesis.BaseSchema:
    # Loaded from a fixture by hand: schemathesis.pytest.from_fixture reads a pytest
    # attribute (Function._nodeid) that pytest 9 no longer has.
    db = tmp_path_factory.mktemp("schemathesis") / "naql.db"
    assert main(["index", "add", str(EXAMPLE), "--db", str(db), "-q"]) == 0
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`")
        return schemathesis.openapi.from_asgi("/openapi.json", create_app(Path(db)))


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_the_api_keeps_its_spec_and_never_fails(
    api_schema: schemathesis.BaseSchema, mode: GenerationMode
) -> None:
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert {op.label for op in operations} >= {"GET /api/stories", "POST /api/query"}
    for operation in operations:

        @given(case=operation.as_strategy(generation_mode=mode))
        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def run(case: schemathesis.Case) -> None:
            case.call_and_validate(checks=CHECKS)

        try:
            run()
        except Unsatisfiable:
            # A path of free-form strings (a story id) has no invalid value to send.
            assert mode is GenerationMode.NEGATIVE, operation.label
        except Exception as error:
            raise AssertionError(f"{operation.label} ({mode.value}): {error}") from error
