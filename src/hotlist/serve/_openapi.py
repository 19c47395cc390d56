"""The service's OpenAPI 3.1 document, derived from the engine's table of query fields.

The request schema of ``POST /v1/check`` is built from ``engine.CHECK_FIELDS``
(the query fields and the longest value each accepts), the CLI's help text of
each field and the engine's option defaults; the result schema is the pydantic
``CheckResultModel``.  Adding a query field to the engine adds it here.
"""

from __future__ import annotations

import copy
from typing import Any

__all__ = ["MAX_LIMIT", "OPTIONS", "build_openapi", "query_fields"]

MAX_LIMIT = 1000  # hits per check a caller may ask for


def query_fields() -> dict[str, int]:
    """Query field name -> the longest value accepted."""
    from hotlist.engine import CHECK_FIELDS

    return dict(CHECK_FIELDS)


def _options() -> dict[str, dict[str, Any]]:
    from hotlist.engine import DEFAULT_LIMIT, DEFAULT_MAX_EDITS, DEFAULT_MIN_SCORE

    return {
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


OPTIONS = tuple(_options())


def _help() -> dict[str, str]:
    from hotlist.cli import QUERY_FLAGS

    return dict(QUERY_FLAGS)


def query_schema(*, with_options: bool) -> dict[str, Any]:
    helps = _help()
    props: dict[str, Any] = {}
    for name, longest in query_fields().items():
        props[name] = {"type": "string", "maxLength": longest}
        if name in helps:
            props[name]["description"] = helps[name]
    if with_options:
        props.update(_options())
    return {
        "type": "object",
        "properties": props,
        "additionalProperties": False,
        "minProperties": 1,
        "example": {"document": "L898902C3", "country": "UTO"},
    }


def _result_schemas() -> dict[str, Any]:
    from hotlist.schema import CheckResultModel

    schema = CheckResultModel.model_json_schema(
        mode="serialization", ref_template="#/components/schemas/{model}"
    )
    defs = schema.pop("$defs", {})
    defs["CheckResult"] = schema
    return dict(defs)


PROBLEM = {
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


def _problems(*codes: int) -> dict[str, Any]:
    text = {
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
    problem = {"$ref": "#/components/schemas/Problem"}
    return {
        str(c): {
            "description": text[c],
            "content": {"application/problem+json": {"schema": problem}},
        }
        for c in codes
    }


def build_openapi(*, version: str, max_rows: int) -> dict[str, Any]:
    """The OpenAPI document served at ``/openapi.json``."""
    components = _result_schemas()
    components["Problem"] = PROBLEM
    components["Query"] = query_schema(with_options=True)
    components["BatchQuery"] = query_schema(with_options=False)
    security: list[dict[str, list[str]]] = [{"apiKey": []}]
    json_ok = "application/json"
    options = [
        {
            "name": name,
            "in": "query",
            "required": False,
            "schema": {k: v for k, v in spec.items() if k != "description"},
            "description": spec["description"],
        }
        for name, spec in _options().items()
    ]
    status = {
        "type": "object",
        "properties": {
            "data_version": {"type": ["string", "null"]},
            "data_time": {"type": ["string", "null"]},
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
    doc: dict[str, Any] = {
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
        "paths": {
            "/v1/check": {
                "post": {
                    "summary": "Check one document, MRZ, vehicle or person",
                    "operationId": "check",
                    "security": security,
                    "requestBody": {
                        "required": True,
                        "content": {json_ok: {"schema": {"$ref": "#/components/schemas/Query"}}},
                    },
                    "responses": {
                        "200": {
                            "description": "the result as the key's role sees it",
                            "content": {
                                json_ok: {"schema": {"$ref": "#/components/schemas/CheckResult"}}
                            },
                        },
                        **_problems(400, 401, 403, 408, 413, 422, 429, 503),
                    },
                }
            },
            "/v1/check-many": {
                "post": {
                    "summary": "Check many queries: JSON array, NDJSON or Arrow IPC in; "
                    "NDJSON (or Arrow IPC with Accept) streamed out, one line per result row",
                    "operationId": "checkMany",
                    "security": security,
                    "parameters": options,
                    "requestBody": {
                        "required": True,
                        "content": {
                            json_ok: {
                                "schema": {
                                    "type": "array",
                                    "maxItems": max_rows,
                                    "items": {"$ref": "#/components/schemas/BatchQuery"},
                                }
                            },
                            "application/x-ndjson": {"schema": {"type": "string"}},
                            "application/vnd.apache.arrow.stream": {
                                "schema": {"type": "string", "format": "binary"}
                            },
                        },
                    },
                    "responses": {
                        "200": {
                            "description": "one JSON object per line: check_many's columns",
                            "content": {
                                "application/x-ndjson": {"schema": {"type": "string"}},
                                "application/vnd.apache.arrow.stream": {
                                    "schema": {"type": "string", "format": "binary"}
                                },
                            },
                        },
                        **_problems(400, 401, 403, 408, 413, 415, 422, 429, 503),
                    },
                }
            },
            "/v1/status": {
                "get": {
                    "summary": "Data version, age, counts, matcher version",
                    "operationId": "status",
                    "security": security,
                    "responses": {
                        "200": {
                            "description": "status",
                            "content": {json_ok: {"schema": status}},
                        },
                        **_problems(401, 429),
                    },
                }
            },
            "/v1/reload": {
                "post": {
                    "summary": "Reload the data now (right: reload)",
                    "operationId": "reload",
                    "security": security,
                    "responses": {
                        "200": {
                            "description": "the new data version is served",
                            "content": {json_ok: {"schema": {"type": "object"}}},
                        },
                        **_problems(401, 403, 409, 429),
                    },
                }
            },
            "/healthz": {
                "get": {
                    "summary": "The process is up",
                    "operationId": "healthz",
                    "security": [],
                    "responses": {
                        "200": {
                            "description": "up",
                            "content": {json_ok: {"schema": {"type": "object"}}},
                        }
                    },
                }
            },
            "/readyz": {
                "get": {
                    "summary": "Ready to take traffic: data loaded, not stale, signatures good",
                    "operationId": "readyz",
                    "security": [],
                    "responses": {
                        "200": {"description": "ready", "content": {json_ok: {"schema": ready}}},
                        "503": {
                            "description": "not ready",
                            "content": {json_ok: {"schema": ready}},
                        },
                    },
                }
            },
            "/metrics": {
                "get": {
                    "summary": "Prometheus metrics",
                    "operationId": "metrics",
                    "security": [],
                    "responses": {
                        "200": {
                            "description": "text exposition format",
                            "content": {"text/plain": {"schema": {"type": "string"}}},
                        }
                    },
                }
            },
        },
    }
    return copy.deepcopy(doc)
