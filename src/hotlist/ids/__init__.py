"""Identifier functions, one module per identifier, each with the same verbs.

``compact()`` strips and upper-cases, ``validate()`` returns the canonical value
or raises ``hotlist.InvalidQuery``, ``is_valid()`` never raises, ``format()``
prints the value for a person.
"""

from __future__ import annotations

from hotlist.ids import country, docnum, mrz, plate, vin

__all__ = ["country", "docnum", "mrz", "plate", "vin"]
