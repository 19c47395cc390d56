"""Work done by a call, counted instead of timed.

Tests must not assert wall-clock times (they flake on a busy machine; timing
lives in ``benchmarks/``).  What a timing assertion usually means to say is
"this does not do work proportional to a huge input": :func:`python_lines`
counts the Python lines a call executes (``sys.settrace`` line events, nested
calls included), which is deterministic, so a test can compare the work on a
huge input with the work on a small one.  Work done inside C (a regex, a
``str`` method) is not counted; for those the test still runs the huge input
through, so a catastrophic case shows up as a hang rather than a pass.
"""

from __future__ import annotations

import gc
import sys
from collections.abc import Callable
from types import FrameType
from typing import Any


def python_lines(func: Callable[..., Any], *args: Any, **kwargs: Any) -> tuple[int, Any]:
    """(Python lines executed, the result or the exception raised) of ``func(*args)``."""
    count = 0

    def local(frame: FrameType, event: str, arg: Any) -> Any:
        nonlocal count
        if event == "line":
            count += 1
        return local

    def global_(frame: FrameType, event: str, arg: Any) -> Any:
        return local

    # A garbage collection during the call would run other objects' finalizers
    # (left by earlier tests) and count their lines: collect first, then hold it off.
    gc.collect()
    was_enabled = gc.isenabled()
    gc.disable()
    previous = sys.gettrace()
    sys.settrace(global_)
    try:
        outcome: Any = func(*args, **kwargs)
    except Exception as exc:  # the caller looks at what was raised
        outcome = exc
    finally:
        sys.settrace(previous)
        if was_enabled:
            gc.enable()
    return count, outcome
