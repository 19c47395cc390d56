# cython: language_level=3
"""``Hotlist.check``'s compiled entry (optional; see ``hotlist._check_entry``).

:func:`check` has the generated signature of ``Hotlist.check`` (the same
keyword-only parameters, the same default objects), so a call binds its
keywords in C instead of filling 17 parameters from ``__kwdefaults__``.  A
document number alone (with its country / type) goes straight to the compiled
document miss and then the document search, a VIN or a plate to the vehicle
miss; everything else -- and every call on a stale state -- to the Python
``check`` itself, with every argument as given, so every answer is that
function's.
"""

from time import time as _time

from hotlist._query import DEFAULT_LIMIT, DEFAULT_MAX_EDITS, DEFAULT_MIN_SCORE

cdef object _general = None  # the Python check(self, **fields)
cdef object _miss = None  # the compiled document miss (None: none)
cdef object _search = None  # the document search after it
cdef object _vehicle = None  # the vehicle fast path
cdef object _inf = float("inf")


def configure(general, miss, search, vehicle):
    """Set the Python ``check``, the compiled document miss check (or None), the
    document search it leaves the rest to and the vehicle fast path."""
    global _general, _miss, _search, _vehicle
    _general, _miss, _search, _vehicle = general, miss, search, vehicle


def check(
    self,
    *,
    document=None,
    country=None,
    document_type=None,
    mrz=None,
    vin=None,
    plate=None,
    name=None,
    family_name=None,
    given_names=None,
    dob=None,
    nationality=None,
    sex=None,
    extra=None,
    limit=DEFAULT_LIMIT,
    min_score=DEFAULT_MIN_SCORE,
    max_edits=DEFAULT_MAX_EDITS,
    name_threshold=None,
):
    state = self._state
    stale_after = state.stale_after
    if (
        (stale_after == _inf or not stale_after < _time())  # not stale (check()'s own test)
        and extra is None
        and mrz is None
        and name is None
        and family_name is None
        and given_names is None
        and dob is None
        and nationality is None
        and sex is None
    ):
        if document is not None:
            if vin is None and plate is None:
                # the border's commonest call, a document number alone
                if _miss is not None:
                    result = _miss(
                        state, document, country, document_type, limit, min_score, max_edits, name_threshold
                    )
                    if result is not None:
                        return result
                return _search(
                    state, document, country, document_type, limit, min_score, max_edits, name_threshold
                )
        elif document_type is None:
            # a VIN alone, or a plate (with its country): a miss answered at once
            result = _vehicle(state, vin, plate, country, limit, min_score, max_edits, name_threshold)
            if result is not None:
                return result
    return _general(
        self,
        document=document,
        country=country,
        document_type=document_type,
        mrz=mrz,
        vin=vin,
        plate=plate,
        name=name,
        family_name=family_name,
        given_names=given_names,
        dob=dob,
        nationality=nationality,
        sex=sex,
        extra=extra,
        limit=limit,
        min_score=min_score,
        max_edits=max_edits,
        name_threshold=name_threshold,
    )
