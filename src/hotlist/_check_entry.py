"""``Hotlist.check``'s compiled entry: :func:`compiled_entry` decorates the
generated ``check`` (``python -m hotlist._codegen``).

A call of a Python function with 17 keyword-only parameters fills every one
not given from ``__kwdefaults__`` (a dict lookup each): ~0.2 µs of a ~1.5 µs
document miss.  ``hotlist._check_kernel.check`` takes the same parameters in C
and sends a document number alone, or a VIN / plate alone, to the fast paths;
anything else goes to the Python ``check`` with every argument as given, so
the answers are that function's (``tests/engine/test_check_entry.py``).  The
compiled entry is used only when its parameters and default objects are
exactly the Python function's (a field added to ``hotlist.fields`` and not to
the kernel leaves the Python function in place), and not without the kernel
or with ``HOTLIST_PURE=1``.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any, TypeVar

from hotlist._query import _FAST_MISS, document_search
from hotlist._vehicle_fast import vehicle_miss

__all__ = ["compiled_entry", "same_parameters"]

F = TypeVar("F", bound=Callable[..., Any])

_KERNEL: Any = None
try:  # the compiled entry (built by ``pip install .``; optional)
    import hotlist._check_kernel as _check_kernel  # noqa: PLR0402 - a module, not a name of hotlist

    _KERNEL = None if os.environ.get("HOTLIST_PURE") else _check_kernel
except ImportError:  # pragma: no cover - depends on the build
    pass


def same_parameters(compiled: Callable[..., Any], general: Callable[..., Any]) -> bool:
    """Whether ``compiled`` takes exactly ``general``'s keyword-only parameters,
    in its order, with the same default objects."""
    ours: dict[str, Any] | None = getattr(compiled, "__kwdefaults__", None)
    theirs: dict[str, Any] | None = getattr(general, "__kwdefaults__", None)
    if ours is None or theirs is None or list(ours) != list(theirs):
        return False
    return all(ours[k] is theirs[k] for k in theirs)


def compiled_entry(general: F) -> F:
    """``general`` (the generated ``check``) or, with the kernel, the compiled
    entry in front of it (with its name, docstring, annotations and
    ``__wrapped__``, so that ``help``, ``inspect.signature`` and
    ``typing.get_type_hints`` show ``general``'s)."""
    if _KERNEL is None or not same_parameters(_KERNEL.check, general):
        return general
    _KERNEL.configure(general, _FAST_MISS, document_search, vehicle_miss)
    entry: Any = _KERNEL.check
    # help(), inspect.signature, typing.get_type_hints and tracebacks read these
    for attr in ("__module__", "__name__", "__qualname__", "__doc__", "__annotations__"):
        setattr(entry, attr, getattr(general, attr))
    entry.__wrapped__ = general
    out: F = entry
    return out
