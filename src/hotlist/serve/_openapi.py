"""The service's OpenAPI 3.1 document, derived from the one table of query fields.

The request schema of ``POST /v1/check`` and ``POST /v1/check-many`` is built
from :func:`hotlist.fields.all_fields` when the app is made: every field's name,
longest value and help text (a field a dataset kind registered at run time
included), and the engine's option defaults; the result schema is the pydantic
``CheckResultModel``.  Adding a query field to the table adds it here.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

from hotlist.engine import DEFAULT_LIMIT, DEFAULT_MAX_EDITS, DEFAULT_MIN_SCORE
from hotlist.fields import all_fields
from hotlist.schema import CheckResultModel

__all__ = ["MAX_LIMIT", "OPTIONS", "build_openapi", "option_parser", "query_schema"]

MAX_LIMIT = 1000  # hits per check a caller may ask for

# JSON: a JSON Schema object (nested dicts and lists).
JSON = dict[str, Any]

# check()'s options: their JSON Schemas (a query parameter of check-many, a key of check).
OPTIONS: Mapping[str, JSON] = {
    "limit": {
        "type": "integer",
        "minimum": 1,
        "maximum": MAX_LIMIT,
        "default": DEFAULT_LIMIT,
        "description": "most hits returned, best first",
    },
    "min_score": {
        "type": "number",
        "minimum": 0,
        "maximum": 1,
        "default": DEFAULT_MIN_SCORE,
        "description": "weaker hits are left out",
    },
    "max_edits": {
        "type": "integer",
        "enum": [0, 1],
        "default": DEFAULT_MAX_EDITS,
        "description": "edit tolerance for document numbers and VINs (0: exact and OCR only)",
    },
    "name_threshold": {
        "type": "number",
        "exclusiveMinimum": 0,
        "maximum": 1,
        "description": "least person score reported (default: hotlist.names.MATCH_THRESHOLD)",
    },
}


def option_parser(name: str) -> type[int] | type[float]:
    """How a query-string option's text is read: ``int`` or ``float``, from its schema."""
    return int if OPTIONS[name]["type"] == "integer" else float


def query_schema(*, with_options: bool) -> JSON:
    """A query object's JSON Schema: every declared query field (and check()'s options)."""
    props: JSON = {
        f.name: {"type": "string", "maxLength": f.max_length, "description": f.help}
        for f in all_fields()
    }
    if with_options:
        props.update(copy.deepcopy(dict(OPTIONS)))
    return {
        "type": "object",
        "properties": props,
        "additionalProperties": False,
        "minProperties": 1,
        "example": {"document": "L898902C3", "country": "UTO"},
    }


def _result_schemas() -> JSON:
    schema = CheckResultModel.model_json_schema(
        mode="serialization", ref_template="#/components/schemas/{model}"
    )
    defs: JSON = schema.pop("$defs", {})
    defs["CheckResult"] = schema
    # A hit's pydantic form is the class HitModel (Hit itself is a slotted
    # class); clients generated from the schema keep the component name "Hit".
    hit = defs.pop("HitModel")
    hit["title"] = "Hit"
    defs["Hit"] = hit
    renamed: JSON = _renamed(defs, "#/components/schemas/HitModel", "#/components/schemas/Hit")
    return renamed


def _renamed(value: Any, old: str, new: str) -> Any:
    """``value`` with every ``$ref`` equal to ``old`` pointing at ``new``."""
    if isinstance(value, dict):
        return {
            k: new if k == "$ref" and v == old else _renamed(v, old, new) for k, v in value.items()
        }
    if isinstance(value, list):
        return [_renamed(v, old, new) for v in value]
    return value


PROBLEM: JSON = {
    "type": "object",
    "description": "RFC 9457 problem details",
    "properties": {
        "type": {"type": "string"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "instance": {"type": "string"},
    },
    "required": ["type", "title", "status", "detail"],
}

_PROBLEM_TEXT = {
    400: "the body is not valid JSON, NDJSON or Arrow",
    401: "no API key, or an unknown one",
    403: "the key's role lacks the right for this",
    404: "no such path",
    408: "the body took longer than the request time limit to arrive",
    409: "the reload failed; the old data version keeps serving",
    413: "the body or the batch is too large",
    415: "unsupported content type",
    422: "the query cannot be used as given (the library's message)",
    429: "the key's rate limit is exceeded; see Retry-After",
    503: "no data loaded, the data is stale and refused, or too many batches at once",
}


def _content(schema: JSON, *types: str) -> JSON:
    return {"content": {t: {"schema": schema} for t in types or ("application/json",)}}


def _ref(name: str) -> JSON:
    return {"$ref": f"#/components/schemas/{name}"}


def _operation(
    op_id: str,
    summary: str,
    ok: JSON,
    problems: tuple[int, ...] = (),
    *,
    secured: bool = True,
    **more: Any,
) -> JSON:
    """One operation: its 200 answer, its problem answers, and whether it needs a key."""
    responses = {"200": ok}
    for code in problems:
        responses[str(code)] = {
            "description": _PROBLEM_TEXT[code],
            **_content(_ref("Problem"), "application/problem+json"),
        }
    security: list[dict[str, list[str]]] = [{"apiKey": []}] if secured else []
    return {
        "summary": summary,
        "operationId": op_id,
        "security": security,
        **more,
        "responses": responses,
    }


def _status_schema() -> JSON:
    nullable = {"type": ["string", "null"]}
    return {
        "type": "object",
        "properties": {
            "data_version": nullable,
            "data_time": nullable,
            "data_age_seconds": {"type": ["number", "null"]},
            "counts": {"type": "object", "additionalProperties": {"type": "integer"}},
            "matcher_version": {"type": "string"},
            "ready": {"type": "boolean"},
            "not_ready": {"type": "array", "items": {"type": "string"}},
            "audited": {"type": "boolean"},
            "last_reload": {"type": ["object", "null"]},
            "caller": {
                "type": "object",
                "description": "who the service takes the caller for: key, operator, role...",
            },
        },
        "required": ["data_version", "matcher_version", "ready", "caller"],
    }


def _paths(max_rows: int) -> JSON:
    binary = {"type": "string", "format": "binary"}
    ndjson, arrow = "application/x-ndjson", "application/vnd.apache.arrow.stream"
    ready = {
        "type": "object",
        "properties": {
            "ready": {"type": "boolean"},
            "reasons": {"type": "array", "items": {"type": "string"}},
            "data_version": {"type": ["string", "null"]},
            "last_reload": {"type": ["object", "null"]},
        },
        "required": ["ready", "reasons"],
    }
    options = [
        {
            "name": name,
            "in": "query",
            "required": False,
            "schema": {k: v for k, v in spec.items() if k != "description"},
            "description": spec["description"],
        }
        for name, spec in OPTIONS.items()
    ]
    batch = {"type": "array", "maxItems": max_rows, "items": _ref("BatchQuery")}
    batch_body = {"content": {**_content(batch)["content"], ndjson: {"schema": {"type": "string"}},
                              arrow: {"schema": binary}}}  # fmt: skip
    anything = {"type": "object"}
    return {
        "/v1/check": {
            "post": _operation(
                "check",
                "Check one document, MRZ, vehicle or person",
                {
                    "description": "the result as the key's role sees it",
                    **_content(_ref("CheckResult")),
                },
                (400, 401, 403, 408, 413, 422, 429, 503),
                requestBody={"required": True, **_content(_ref("Query"))},
            )
        },
        "/v1/check-many": {
            "post": _operation(
                "checkMany",
                "Check many queries: JSON array, NDJSON or Arrow IPC in; NDJSON (or Arrow IPC "
                "with Accept) streamed out, one line per result row",
                {
                    "description": "one JSON object per line: check_many's columns",
                    "content": {ndjson: {"schema": {"type": "string"}}, arrow: {"schema": binary}},
                },
                (400, 401, 403, 408, 413, 415, 422, 429, 503),
                parameters=options,
                requestBody={"required": True, **batch_body},
            )
        },
        "/v1/status": {
            "get": _operation(
                "status",
                "Data version, age, counts, matcher version",
                {"description": "status", **_content(_status_schema())},
                (401, 429),
            )
        },
        "/v1/reload": {
            "post": _operation(
                "reload",
                "Reload the data now (right: reload)",
                {"description": "the new data version is served", **_content(anything)},
                (401, 403, 409, 429),
            )
        },
        "/healthz": {
            "get": _operation(
                "healthz",
                "The process is up",
                {"description": "up", **_content(anything)},
                secured=False,
            )
        },
        "/readyz": {
            "get": {
                **_operation(
                    "readyz",
                    "Ready to take traffic: data loaded, not stale, signatures good",
                    {"description": "ready", **_content(ready)},
                    secured=False,
                ),
                "responses": {
                    "200": {"description": "ready", **_content(ready)},
                    "503": {"description": "not ready", **_content(ready)},
                },
            }
        },
        "/metrics": {
            "get": _operation(
                "metrics",
                "Prometheus metrics",
                {
                    "description": "text exposition format",
                    **_content({"type": "string"}, "text/plain"),
                },
                secured=False,
            )
        },
    }


def build_openapi(*, version: str, max_rows: int) -> JSON:
    """The OpenAPI document served at ``/openapi.json``."""
    components = _result_schemas()
    components["Problem"] = copy.deepcopy(PROBLEM)
    components["Query"] = query_schema(with_options=True)
    components["BatchQuery"] = query_schema(with_options=False)
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "hotlist check service",
            "version": version,
            "description": "Is this travel document stolen or lost, this vehicle stolen, "
            "this person wanted? Every request runs through a session of the key's "
            "role, purpose and post; hits show the fields the role may see.",
        },
        "components": {
            "schemas": components,
            "securitySchemes": {
                "apiKey": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "an API key made by `hotlist keys add`",
                }
            },
        },
        "paths": _paths(max_rows),
    }
