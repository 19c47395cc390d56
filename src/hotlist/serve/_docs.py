"""Interactive API docs at ``/docs``: Swagger UI served from the installed
``swagger-ui-bundle`` package (no CDN: a border post is often offline), or a
plain page linking ``/openapi.json`` when that package is missing."""

from __future__ import annotations

from functools import cache
from pathlib import Path

__all__ = ["asset", "docs_page"]

_TYPES = {
    ".js": b"application/javascript",
    ".css": b"text/css",
    ".png": b"image/png",
}
_ASSETS = ("swagger-ui-bundle.js", "swagger-ui.css", "favicon-32x32.png")

_PAGE = """<!doctype html>
<html><head><meta charset="utf-8"><title>hotlist check service</title>
<link rel="stylesheet" href="/docs/swagger-ui.css"></head>
<body><div id="ui"></div>
<script src="/docs/swagger-ui-bundle.js"></script>
<script>SwaggerUIBundle({url: "/openapi.json", dom_id: "#ui", persistAuthorization: true});</script>
</body></html>
"""

_PLAIN = """<!doctype html>
<html><head><meta charset="utf-8"><title>hotlist check service</title></head>
<body><h1>hotlist check service</h1>
<p>The OpenAPI document is at <a href="/openapi.json">/openapi.json</a>.
Install <code>swagger-ui-bundle</code> (part of <code>hotlist[serve]</code>)
for interactive docs.</p>
</body></html>
"""


try:
    import swagger_ui_bundle  # type: ignore[import-untyped]
except ImportError:  # the page then links /openapi.json only
    _FOLDER: Path | None = None
else:
    _FOLDER = Path(str(swagger_ui_bundle.swagger_ui_path))


def docs_page() -> bytes:
    return (_PAGE if _FOLDER is not None else _PLAIN).encode()


@cache
def asset(name: str) -> tuple[bytes, bytes] | None:
    """The bytes and content type of one Swagger UI file, or None."""
    folder = _FOLDER
    if folder is None or name not in _ASSETS:
        return None
    path = folder / name
    try:
        return path.read_bytes(), _TYPES[path.suffix]
    except OSError:
        return None
