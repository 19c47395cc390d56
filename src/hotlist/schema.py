"""Canonical Arrow schemas of the three built-in datasets, their vocabularies, and
the pydantic models of one record, of a query and of a result.

The built-in kinds (:mod:`hotlist.datasets`) take their ``schema`` and
``required`` columns from here, so ``SCHEMAS`` / ``REQUIRED_COLUMNS`` / ``DATASETS``
always agree with them; a kind registered at run time brings its own.

Every extract, whatever its format and column names, becomes one Arrow table
with exactly the columns below (in this order).  Codes with few distinct values
(countries, statuses, types, sex) are dictionary-encoded: they cost one or two
bytes a record, which is how a 128 M-record list fits in memory.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterator, Mapping
from datetime import date
from typing import Any, ClassVar, Literal, get_args

import pyarrow as pa
from pydantic import BaseModel, ConfigDict, Field
from pydantic.fields import FieldInfo

from hotlist._errors import HotlistError
from hotlist._present import result_html, result_text

__all__ = [
    "DATASETS",
    "DOCUMENTS_SCHEMA",
    "DOCUMENT_STATUSES",
    "DOCUMENT_TYPES",
    "MATCH_LEVELS",
    "NOTICE_TYPES",
    "PERSONS_SCHEMA",
    "REQUIRED_COLUMNS",
    "SCHEMAS",
    "SEXES",
    "VEHICLES_SCHEMA",
    "CheckResult",
    "CheckResultModel",
    "DocumentRecord",
    "Hit",
    "HitModel",
    "PersonRecord",
    "VehicleRecord",
]

# Each closed vocabulary once: a Literal type (for the record models and mypy) and
# its values as a tuple (for the loaders and the CLI).
Dataset = Literal["documents", "vehicles", "persons"]
DATASETS: tuple[Dataset, ...] = get_args(Dataset)

DocumentType = Literal[
    "passport", "id_card", "visa", "residence_permit", "travel_document", "other"
]
DocumentStatus = Literal["stolen", "lost", "revoked", "invalidated", "stolen_blank"]
NoticeType = Literal["red", "blue", "yellow", "diffusion", "warrant", "other"]
Sex = Literal["M", "F", "X"]
MatchLevel = Literal["exact", "ocr", "edit", "partial", "fuzzy"]
DOCUMENT_TYPES: tuple[DocumentType, ...] = get_args(DocumentType)
DOCUMENT_STATUSES: tuple[DocumentStatus, ...] = get_args(DocumentStatus)
NOTICE_TYPES: tuple[NoticeType, ...] = get_args(NoticeType)
SEXES: tuple[Sex, ...] = get_args(Sex)
MATCH_LEVELS: tuple[MatchLevel, ...] = get_args(MatchLevel)

_code = pa.dictionary(pa.int16(), pa.string())  # country codes: a few hundred values
_vocab = pa.dictionary(pa.int8(), pa.string())  # closed vocabularies

DOCUMENTS_SCHEMA = pa.schema(
    [
        pa.field("record_id", pa.string(), nullable=False),
        pa.field("document_number", pa.string(), nullable=False),
        pa.field("issuing_country", _code, nullable=False),
        pa.field("document_type", _vocab, nullable=False),
        pa.field("status", _vocab, nullable=False),
        pa.field("reported_on", pa.date32(), nullable=False),
        pa.field("reporting_country", _code),
        pa.field("issued_on", pa.date32()),
        pa.field("expires_on", pa.date32()),
        pa.field("notes", pa.string()),
    ]
)

VEHICLES_SCHEMA = pa.schema(
    [
        pa.field("record_id", pa.string(), nullable=False),
        pa.field("vin", pa.string()),
        pa.field("plate", pa.string()),
        pa.field("registration_country", _code),
        pa.field("make", pa.string()),
        pa.field("model", pa.string()),
        pa.field("colour", pa.string()),
        pa.field("year", pa.int16()),
        pa.field("stolen_on", pa.date32()),
        pa.field("notes", pa.string()),
    ]
)

PERSONS_SCHEMA = pa.schema(
    [
        pa.field("record_id", pa.string(), nullable=False),
        pa.field("name", pa.string(), nullable=False),  # full name as listed: "FAMILY, Given Names"
        pa.field("family_name", pa.string()),
        pa.field("given_names", pa.string()),
        pa.field("aliases", pa.list_(pa.string())),
        pa.field("date_of_birth", pa.string()),  # as given, ISO, partial allowed: 1974, 1974-08
        pa.field("dob_year", pa.int16()),
        pa.field("dob_month", pa.int8()),
        pa.field("dob_day", pa.int8()),
        pa.field("sex", _vocab),
        pa.field("nationalities", pa.list_(pa.string())),
        pa.field("notice_type", _vocab, nullable=False),
        pa.field("offences", pa.string()),
        pa.field("caution", pa.string()),
        pa.field("document_numbers", pa.list_(pa.string())),
        pa.field("issuing_authority", pa.string()),
    ]
)

SCHEMAS: dict[Dataset, pa.Schema] = {
    "documents": DOCUMENTS_SCHEMA,
    "vehicles": VEHICLES_SCHEMA,
    "persons": PERSONS_SCHEMA,
}

# Columns an extract must provide (after mapping).  Vehicles need vin or plate per
# row and persons need a name (full, or family + given); that is checked per row.
REQUIRED_COLUMNS: dict[Dataset, tuple[str, ...]] = {
    "documents": (
        "record_id",
        "document_number",
        "issuing_country",
        "document_type",
        "status",
        "reported_on",
    ),
    "vehicles": ("record_id",),
    "persons": ("record_id", "notice_type"),
}


class _Record(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class DocumentRecord(_Record):
    """One document record, as loaded (canonical codes)."""

    record_id: str
    document_number: str
    issuing_country: str = Field(min_length=3, max_length=3)
    document_type: DocumentType
    status: DocumentStatus
    reported_on: date
    reporting_country: str | None = None
    issued_on: date | None = None
    expires_on: date | None = None
    notes: str | None = None


class VehicleRecord(_Record):
    """One stolen-vehicle record, as loaded."""

    record_id: str
    vin: str | None = None
    plate: str | None = None
    registration_country: str | None = None
    make: str | None = None
    model: str | None = None
    colour: str | None = None
    year: int | None = None
    stolen_on: date | None = None
    notes: str | None = None


class PersonRecord(_Record):
    """One wanted-person record, as loaded."""

    record_id: str
    name: str
    family_name: str | None = None
    given_names: str | None = None
    aliases: list[str] = Field(default_factory=list)
    date_of_birth: str | None = None
    dob_year: int | None = None
    dob_month: int | None = None
    dob_day: int | None = None
    sex: Sex | None = None
    nationalities: list[str] = Field(default_factory=list)
    notice_type: NoticeType
    offences: str | None = None
    caution: str | None = None
    document_numbers: list[str] = Field(default_factory=list)
    issuing_authority: str | None = None


class HitModel(BaseModel):
    """One record that answers a query (the pydantic form of a :class:`Hit`: for
    validation, JSON and schemas).

    ``score`` is in [0, 1]: 1.0 is an exact key match under the asked country;
    ``reasons`` are short phrases a person reads ("document number exact",
    "DOB day/month swapped").  ``record`` is the whole record as a plain dict.
    ``dataset`` names the kind the record belongs to: ``documents``, ``vehicles``,
    ``persons``, or a kind registered with :mod:`hotlist.datasets`.
    """

    model_config = ConfigDict(frozen=True)

    dataset: str
    record_id: str
    match: MatchLevel
    score: float = Field(ge=0.0, le=1.0)
    reasons: list[str]
    record: dict[str, Any]
    # What the hit asks of the officer (hotlist._decisions): "alarm" (stop, hold,
    # confirm with the source) or "possible" (look closer), and a short instruction
    # from the dataset and status / notice type, any caution first.
    severity: Literal["alarm", "possible"] = "possible"
    action: str = ""


_HIT_FIELDS = tuple(HitModel.model_fields)
_new = object.__new__
_set = object.__setattr__


class _HitSlots:
    """A :class:`Hit`'s storage, assignable: :meth:`Hit.make` fills one and makes it a
    Hit (the same slots, so the class may change), which costs a third of setting
    nine frozen attributes through ``object.__setattr__``."""

    __slots__ = (
        "_reader",
        "_record",
        "_row",
        "action",
        "dataset",
        "match",
        "reasons",
        "record_id",
        "score",
        "severity",
    )

    _reader: Callable[[int], dict[str, Any]] | None
    _record: dict[str, Any] | None
    _row: int


class Hit(_HitSlots):
    """One record that answers a query: the fields of :class:`HitModel` (score,
    reasons, the record as a plain dict...).  ``severity`` is what the hit asks
    of the officer: ``alarm`` (stop, hold, confirm with the source) or
    ``possible`` (look closer); ``action`` a short instruction, any caution first.

    A frozen slotted class rather than a pydantic model, as :class:`CheckResult`:
    a hit costs a few microseconds, and ``check()`` reads its record from the
    table only when ``record`` is first asked for (``make(..., reader=, row=)``).
    ``Hit(**fields)`` validates like :class:`HitModel`; :meth:`model` gives the
    validated pydantic form, :meth:`model_dump` / :meth:`model_dump_json`
    serialise through it.
    """

    __slots__ = ()

    # The fields, as pydantic's ``model_fields`` names them (the service reads them).
    model_fields: ClassVar[dict[str, FieldInfo]] = HitModel.model_fields

    dataset: str
    record_id: str
    match: MatchLevel
    score: float
    reasons: list[str]
    severity: Literal["alarm", "possible"]
    action: str

    def __init__(self, **fields: Any) -> None:
        """A hit from its fields, validated as :class:`HitModel` validates them."""
        valid = HitModel(**fields)
        for name in _HIT_FIELDS:
            _set(self, "_record" if name == "record" else name, getattr(valid, name))
        _set(self, "_reader", None)
        _set(self, "_row", 0)

    @classmethod
    def make(  # noqa: PLR0917 - the hit path calls it positionally, for speed
        cls,
        dataset: str,
        record_id: str,
        match: str,
        score: float,
        reasons: list[str],
        record: dict[str, Any] | None,
        severity: str,
        action: str,
        reader: Callable[[int], dict[str, Any]] | None = None,
        row: int = 0,
    ) -> Hit:
        """Construct from trusted engine output, no checks; the fields in
        :class:`HitModel`'s order.  ``record`` None: read as ``reader(row)`` when
        ``record`` is first asked for (and ``reader`` then let go)."""
        self: Any = _new(_HitSlots)
        self.dataset = dataset
        self.record_id = record_id
        self.match = match
        self.score = score
        self.reasons = reasons
        self.severity = severity
        self.action = action
        self._record = record
        self._reader = reader
        self._row = row
        self.__class__ = cls
        return self  # type: ignore[no-any-return]

    @property
    def record(self) -> dict[str, Any]:
        """The whole record as a plain dict (read on first access, then kept)."""
        record: dict[str, Any] | None = self._record
        if record is None:
            reader = self._reader
            if reader is None:  # another thread read it meanwhile
                return self._record or {}
            record = reader(self._row)
            _set(self, "_record", record)  # before the reader goes (see above)
            _set(self, "_reader", None)
        return record

    def __setstate__(self, state: Any) -> None:
        """A hit pickled when :class:`Hit` was a pydantic model (hotlist before
        the slotted Hit; its state is pydantic's, the fields in ``__dict__``):
        result caches and queues survive an upgrade.  Hits pickled since are
        rebuilt by :meth:`__reduce__` and never come here."""
        fields = state.get("__dict__", state) if isinstance(state, dict) else None
        if not isinstance(fields, dict):
            raise TypeError(f"cannot unpickle a Hit from {type(state).__name__}")
        Hit.__init__(self, **fields)

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"Hit is frozen: cannot set {name!r}")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"Hit is frozen: cannot delete {name!r}")

    def _values(self) -> tuple[Any, ...]:
        """The fields' values, in :data:`HitModel` order."""
        return (
            self.dataset,
            self.record_id,
            self.match,
            self.score,
            self.reasons,
            self.record,
            self.severity,
            self.action,
        )

    def _fields(self) -> dict[str, Any]:
        return dict(zip(_HIT_FIELDS, self._values(), strict=True))

    def model(self) -> HitModel:
        """The validated pydantic model of this hit."""
        return HitModel(**self._fields())

    @classmethod
    def model_validate(cls, obj: Any) -> Hit:
        """A hit from a mapping, a :class:`HitModel` or a hit, validated."""
        if isinstance(obj, Hit):
            obj = obj._fields()
        valid = obj if isinstance(obj, HitModel) else HitModel.model_validate(obj)
        return cls(**dict(valid))

    @classmethod
    def model_json_schema(cls, **kwargs: Any) -> dict[str, Any]:
        """The JSON Schema of a hit (:class:`HitModel`'s)."""
        return HitModel.model_json_schema(**kwargs)

    def model_dump(self, **kwargs: Any) -> dict[str, Any]:
        """A plain dict (pydantic ``model_dump`` of :meth:`model`)."""
        return self.model().model_dump(**kwargs)

    def model_dump_json(self, **kwargs: Any) -> str:
        """JSON text (pydantic ``model_dump_json`` of :meth:`model`)."""
        return self.model().model_dump_json(**kwargs)

    def model_copy(self, *, update: Mapping[str, Any] | None = None, deep: bool = False) -> Hit:
        """A copy with the fields in ``update`` replaced (not validated, as pydantic's)."""
        fields = self._fields()
        if deep:
            fields = copy.deepcopy(fields)
        if update:
            unknown = set(update) - set(_HIT_FIELDS)
            if unknown:
                raise ValueError(f"Hit has no field(s) {sorted(unknown)}")
            fields.update(update)
        return type(self).make(*fields.values())

    def __iter__(self) -> Iterator[tuple[str, Any]]:
        """(field, value) pairs, as a pydantic model gives them (``dict(hit)``)."""
        return iter(zip(_HIT_FIELDS, self._values(), strict=True))

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Hit):
            return NotImplemented
        return self._values() == other._values()

    __hash__ = None  # type: ignore[assignment]

    def __reduce__(self) -> tuple[Any, tuple[Any, ...]]:
        return (_unpickled_hit, (type(self), *self._values()))

    def __copy__(self) -> Hit:
        return self.model_copy()

    def __deepcopy__(self, memo: dict[int, Any]) -> Hit:
        return self.model_copy(deep=True)

    def __repr__(self) -> str:
        return f"Hit({self._shown(', ')})"

    def __str__(self) -> str:
        return self._shown(" ")

    def _shown(self, sep: str) -> str:
        return sep.join(f"{k}={v!r}" for k, v in zip(_HIT_FIELDS, self._values(), strict=True))


def _unpickled_hit(cls: type[Hit], *values: Any) -> Hit:
    """A pickled hit, back (its record read: pickle holds the values, not the table)."""
    return cls.make(*values)


class CheckResultModel(BaseModel):
    """The pydantic form of a :class:`CheckResult`: for validation, JSON and schemas."""

    model_config = ConfigDict(frozen=True)

    hit: bool
    alarm: bool = False
    hits: list[HitModel] = Field(default_factory=list)
    omitted: int = 0
    warnings: list[str] = Field(default_factory=list)
    query: dict[str, Any] = Field(default_factory=dict)
    data_version: str = ""
    # The lists this query was searched in; a field whose list is empty or not
    # loaded is named in ``warnings`` ("not checked" is never "clear").
    searched: list[str] = Field(default_factory=list)


class CheckResult:
    """The answer to one ``check()``: hits best first, warnings, the data version.

    A plain slotted class rather than a pydantic model on purpose: ``check()``
    answers a miss in about a microsecond and constructing even an unvalidated
    pydantic model costs several.  Its contents come from the engine, which is
    trusted; :meth:`model` gives the validated pydantic form and
    :meth:`model_dump` / :meth:`model_dump_json` serialise through it.
    """

    __slots__ = ("data_version", "hits", "omitted", "query", "searched", "warnings")

    hits: list[Hit]
    warnings: list[str]
    query: dict[str, Any]
    data_version: str
    searched: tuple[str, ...]  # the datasets this query was searched in
    omitted: int  # hits that passed min_score but were left out by ``limit``

    def __init__(
        self,
        hits: list[Hit] | None = None,
        warnings: list[str] | None = None,
        query: dict[str, Any] | None = None,
        data_version: str = "",
        omitted: int = 0,
        *,
        searched: tuple[str, ...] = (),
    ) -> None:
        self.hits = hits if hits is not None else []
        self.warnings = warnings if warnings is not None else []
        self.query = query if query is not None else {}
        self.data_version = data_version
        self.searched = tuple(searched)
        self.omitted = omitted

    @classmethod
    def make(  # noqa: PLR0917 - check()'s fast path calls it positionally, for speed
        cls,
        hits: list[Hit],
        warnings: list[str],
        query: dict[str, Any],
        data_version: str,
        omitted: int = 0,
        searched: tuple[str, ...] = (),
    ) -> CheckResult:
        """Construct from trusted engine output: no defaults to resolve, no checks
        (``searched`` may be given by position: check()'s fast path does)."""
        self = _new(cls)
        self.hits = hits
        self.warnings = warnings
        self.query = query
        self.data_version = data_version
        self.searched = searched
        self.omitted = omitted
        return self

    @property
    def hit(self) -> bool:
        """True when at least one record answers the query."""
        return bool(self.hits)

    @property
    def alarm(self) -> bool:
        """True when at least one hit is an alarm (stop, hold, confirm with the source)."""
        return any(h.severity == "alarm" for h in self.hits)

    def receipt(self) -> Any:
        """A signed statement that this query was checked; only results of an
        audited session (``hl.session(...)`` with an audit log) have one."""
        raise HotlistError(
            "this result was not audited: check through hl.session(...) on a Hotlist "
            "loaded or opened with audit=hotlist.AuditLog(...) to get a receipt"
        )

    def model(self) -> CheckResultModel:
        """The validated pydantic model of this result."""
        return CheckResultModel(
            hit=self.hit,
            alarm=self.alarm,
            hits=[h.model() for h in self.hits],
            omitted=self.omitted,
            warnings=self.warnings,
            query=self.query,
            data_version=self.data_version,
            searched=list(self.searched),
        )

    def model_dump(self, **kwargs: Any) -> dict[str, Any]:
        """A plain dict (pydantic ``model_dump`` of :meth:`model`)."""
        return self.model().model_dump(**kwargs)

    def model_dump_json(self, **kwargs: Any) -> str:
        """JSON text (pydantic ``model_dump_json`` of :meth:`model`)."""
        return self.model().model_dump_json(**kwargs)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, CheckResult):
            return NotImplemented
        return (
            self.hits == other.hits
            and self.warnings == other.warnings
            and self.query == other.query
            and self.data_version == other.data_version
            and self.searched == other.searched
            and self.omitted == other.omitted
        )

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        best = f", best={self.hits[0].dataset}:{self.hits[0].record_id}" if self.hits else ""
        return (
            f"CheckResult(hit={self.hit}, hits={len(self.hits)}{best}, "
            f"warnings={len(self.warnings)}, data_version={self.data_version!r})"
        )

    def __str__(self) -> str:
        return result_text(self)

    def _repr_html_(self) -> str:
        return result_html(self)
