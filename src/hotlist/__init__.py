"""hotlist: embeddable, offline hotlist checks.

Is this travel document stolen or lost, is this vehicle stolen, is this person
wanted?  ``hotlist.load()`` reads local extracts and builds compact indexes;
``Hotlist.check()`` answers in microseconds, ``check_many()`` screens whole
tables, ``sql()`` queries the lists with DuckDB.

>>> import hotlist
>>> hl = hotlist.load(hotlist.sample_data_path(), progress=False)
>>> hl.check(document="L898902C3", country="UTO").hit
True
>>> hotlist.ids.country.normalize("D") == hotlist.ids.country.normalize("Germany") == "DEU"
True
"""

from __future__ import annotations

from hotlist import audit, ids, names
from hotlist._delta import DeltaReport
from hotlist._errors import (
    ExtractError,
    HotlistError,
    IntegrityError,
    InvalidQuery,
    RowProblem,
    StaleDataError,
    VersionMismatchError,
)
from hotlist._sample import sample_data_path
from hotlist._stats import Stats
from hotlist._summary import ScreeningSummary, screening_summary
from hotlist._version import __version__
from hotlist.audit import AccessDenied, AuditLog
from hotlist.engine import Hotlist, load, open
from hotlist.extracts import LoadReport
from hotlist.schema import CheckResult, Hit

__all__ = [
    "AccessDenied",
    "AuditLog",
    "CheckResult",
    "DeltaReport",
    "ExtractError",
    "Hit",
    "Hotlist",
    "HotlistError",
    "IntegrityError",
    "InvalidQuery",
    "LoadReport",
    "RowProblem",
    "ScreeningSummary",
    "StaleDataError",
    "Stats",
    "VersionMismatchError",
    "__version__",
    "audit",
    "ids",
    "load",
    "names",
    "open",
    "sample_data_path",
    "screening_summary",
]
