"""Property-based API tests: schemathesis against the served /openapi.json.

Every operation gets a bounded number of generated requests (valid and
invalid); each answer must be no server error, a status code, content type
and body that the document declares.
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from serve_helpers import Keys, Server

schemathesis = pytest.importorskip("schemathesis")
from schemathesis.checks import not_a_server_error  # noqa: E402
from schemathesis.specs.openapi.checks import (  # noqa: E402
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


def test_api_conforms_to_its_openapi(server: Server, keys: Keys) -> None:
    api = schemathesis.openapi.from_url(f"{server.url}/openapi.json")
    operations = [result.ok() for result in api.get_all_operations()]
    assert len(operations) >= 7
    runs = [(op, schemathesis.GenerationMode.POSITIVE) for op in operations]
    # Invalid bodies and parameters for the operations that take any (reload takes none).
    runs += [
        (op, schemathesis.GenerationMode.NEGATIVE)
        for op in operations
        if op.path in ("/v1/check", "/v1/check-many")
    ]
    for operation, mode in runs:

        @given(case=operation.as_strategy(mode))
        @settings(
            max_examples=12,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            derandomize=True,
            database=None,
        )
        def conforms(case: Any) -> None:
            case.call_and_validate(
                base_url=server.url, headers=keys.auth("gate"), timeout=30, checks=CHECKS
            )

        conforms()
