"""hotlist: embeddable, offline hotlist checks.

Is this travel document stolen or lost, is this vehicle stolen, is this person
wanted?  ``hotlist.load()`` reads local extracts; ``Hotlist.check()`` answers in
microseconds.
"""

from __future__ import annotations

from hotlist._errors import ExtractError, HotlistError, IntegrityError, InvalidQuery

__version__ = "0.1.0"

__all__ = [
    "ExtractError",
    "HotlistError",
    "IntegrityError",
    "InvalidQuery",
    "__version__",
]
