"""The Hotlist: loaded datasets, their indexes, and the checks that run on them.

A :class:`Hotlist` holds one immutable :class:`_State` (tables, indexes, data
version).  Every ``check()`` reads ``self._state`` once and answers from that
state alone, so many threads may check at once and a later reload can swap in a
new state with one assignment.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
import threading
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow as pa

from hotlist import names
from hotlist._documents import Candidate, DocumentIndex, PersonDocumentIndex
from hotlist._errors import InvalidQuery
from hotlist._persons import PersonIndex, PersonQuery
from hotlist._progress import Steps
from hotlist._sql import SqlBackend
from hotlist._vehicles import VehicleIndex
from hotlist.extracts import DatasetReport, LoadReport, load_datasets
from hotlist.extracts._vocab import vocabulary_value
from hotlist.ids import country as country_ids
from hotlist.ids import docnum
from hotlist.ids import mrz as mrz_ids
from hotlist.ids import plate as plate_ids
from hotlist.ids import vin as vin_ids
from hotlist.schema import DATASETS, SCHEMAS, CheckResult, Dataset, Hit

__all__ = [
    "CHECK_FIELDS",
    "DEFAULT_LIMIT",
    "DEFAULT_MAX_EDITS",
    "DEFAULT_MIN_SCORE",
    "Hotlist",
    "load",
]

DEFAULT_LIMIT = 10
DEFAULT_MIN_SCORE = 0.5
DEFAULT_MAX_EDITS = 1

# The query fields check() takes, with the longest value each accepts.  Anything
# longer is refused at once: no identifier is that long, and a 5 MB "name" must
# not cost the border system more than a length check.
CHECK_FIELDS: dict[str, int] = {
    "document": 64,
    "country": 64,
    "document_type": 40,
    "mrz": 300,
    "vin": 64,
    "plate": 32,
    "name": 300,
    "family_name": 200,
    "given_names": 200,
    "dob": 32,
    "nationality": 64,
    "sex": 16,
}

MRZ_DOCUMENT_TYPES = {"P": "passport", "I": "id_card", "A": "id_card", "C": "id_card", "V": "visa"}


def _fail_control(name: str, value: str) -> None:
    import unicodedata

    for i, ch in enumerate(value):
        if unicodedata.category(ch) == "Cc" and not (name == "mrz" and ch in "\r\n"):
            raise InvalidQuery(
                f"{name} contains a control character (U+{ord(ch):04X}) at position {i + 1}; "
                "send the value as it is printed on the document"
            )


def _text(name: str, value: object) -> str | None:
    """A query value checked at the boundary: text, not too long, no control characters."""
    if value is None:
        return None
    if not isinstance(value, str):
        if name == "dob" and isinstance(value, dt.date):
            return value.isoformat()
        raise InvalidQuery(f"{name} must be text, not {type(value).__name__}")
    limit = CHECK_FIELDS[name]
    if len(value) > limit:
        raise InvalidQuery(
            f"{name} is {len(value):,} characters long; at most {limit} are accepted"
        )
    if not value.isprintable():
        _fail_control(name, value)
    value = value.strip()
    if not value:
        raise InvalidQuery(f"{name} is empty; leave it out instead")
    return value


def _country(name: str, value: str | None) -> str | None:
    if value is None:
        return None
    try:
        code: str = country_ids.normalize(value)
    except InvalidQuery as exc:
        raise InvalidQuery(f"{name}: {exc}") from None
    return code


def normalize_value(vocabulary: str, value: str) -> str | None:
    """The canonical value of ``value`` in a closed vocabulary (``document_type``,
    ``sex``...), with the same synonyms the extract loader accepts; None when it is
    unknown or says "unknown"."""
    return vocabulary_value(vocabulary, value) or None


def _vocab(name: str, column: str, value: str | None) -> str | None:
    if value is None:
        return None
    canonical = normalize_value(column, value)
    if canonical is None:
        raise InvalidQuery(f"{name} {value!r} is not a known value of {column}")
    return canonical


@dataclass(frozen=True)
class _State:
    """One data version: tables, indexes and the SQL views over them."""

    tables: dict[str, pa.Table]
    documents: DocumentIndex
    vehicles: VehicleIndex
    persons: PersonIndex
    person_documents: PersonDocumentIndex
    data_version: str
    data_time: dt.datetime
    loaded_at: dt.datetime
    report: LoadReport
    sources: tuple[str, ...]
    sql: SqlBackend = field(repr=False)
    build_seconds: float = 0.0

    @classmethod
    def build(
        cls,
        tables: Mapping[str, pa.Table],
        report: LoadReport,
        *,
        data_version: str,
        data_time: dt.datetime,
        sources: Sequence[str] = (),
        progress: bool | None = None,
    ) -> _State:
        started = time.perf_counter()
        full: dict[str, pa.Table] = {
            name: tables.get(name, SCHEMAS[name].empty_table()) for name in DATASETS
        }
        steps = Steps(4, enabled=progress)
        try:
            with steps.step("indexing documents"):
                documents = DocumentIndex(full["documents"])
            with steps.step("indexing vehicles"):
                vehicles = VehicleIndex(full["vehicles"])
            with steps.step("indexing persons"):
                persons = PersonIndex(full["persons"])
            with steps.step("indexing persons' documents"):
                person_documents = PersonDocumentIndex(full["persons"])
        finally:
            steps.close()
        return cls(
            tables=full,
            documents=documents,
            vehicles=vehicles,
            persons=persons,
            person_documents=person_documents,
            data_version=data_version,
            data_time=data_time,
            loaded_at=dt.datetime.now(dt.UTC),
            report=report,
            sources=tuple(sources),
            sql=SqlBackend(full),
            build_seconds=time.perf_counter() - started,
        )


class Hotlist:
    """Loaded hotlists and their indexes.  Create with :func:`hotlist.load`."""

    def __init__(self, state: _State) -> None:
        self._state = state
        self._lock = threading.Lock()

    @classmethod
    def from_tables(
        cls,
        *,
        documents: pa.Table | None = None,
        vehicles: pa.Table | None = None,
        persons: pa.Table | None = None,
        data_version: str | None = None,
        progress: bool | None = False,
    ) -> Hotlist:
        """A Hotlist over tables already in the canonical schemas (``hotlist.schema``).

        For data that is already clean (from a database, or from
        :mod:`hotlist.synth`); extracts from outside go through :func:`load`,
        which validates and reports every row.
        """
        given: dict[Dataset, pa.Table | None] = {
            "documents": documents,
            "vehicles": vehicles,
            "persons": persons,
        }
        tables: dict[str, pa.Table] = {}
        for name, table in given.items():
            if table is None:
                continue
            try:
                tables[name] = table.select(SCHEMAS[name].names).cast(SCHEMAS[name])
            except (KeyError, pa.ArrowInvalid, pa.ArrowNotImplementedError) as exc:
                raise InvalidQuery(f"{name}: not in the canonical schema: {exc}") from exc
        counts = {name: t.num_rows for name, t in tables.items()}
        report = LoadReport(
            datasets={n: DatasetReport(dataset=n, read=c, loaded=c) for n, c in counts.items()}
        )
        if data_version is None:
            h = hashlib.sha256()
            for table_name in sorted(tables):
                for batch in tables[table_name].to_batches():
                    for col in batch.columns:
                        for buf in col.buffers():
                            if buf is not None:
                                h.update(buf)
            data_version = h.hexdigest()[:16]
        state = _State.build(
            tables,
            report,
            data_version=data_version,
            data_time=dt.datetime.now(dt.UTC),
            progress=progress,
        )
        return cls(state)

    # -- properties --------------------------------------------------------------
    @property
    def data_version(self) -> str:
        return self._state.data_version

    @property
    def report(self) -> LoadReport:
        """The load report: rows read, loaded and rejected, with every problem."""
        return self._state.report

    @property
    def tables(self) -> dict[str, pa.Table]:
        """The canonical Arrow tables (read-only views; do not mutate)."""
        return dict(self._state.tables)

    def __repr__(self) -> str:
        s = self._state
        counts = ", ".join(f"{n}={s.tables[n].num_rows:,}" for n in DATASETS)
        return f"<Hotlist {counts} data_version={s.data_version!r}>"

    # -- check -------------------------------------------------------------------
    def check(
        self,
        *,
        document: str | None = None,
        country: str | None = None,
        document_type: str | None = None,
        mrz: str | None = None,
        vin: str | None = None,
        plate: str | None = None,
        name: str | None = None,
        family_name: str | None = None,
        given_names: str | None = None,
        dob: str | dt.date | None = None,
        nationality: str | None = None,
        sex: str | None = None,
        limit: int = DEFAULT_LIMIT,
        min_score: float = DEFAULT_MIN_SCORE,
        max_edits: int = DEFAULT_MAX_EDITS,
        name_threshold: float | None = None,
    ) -> CheckResult:
        """Check one traveller, document, vehicle or person against every list.

        Keyword arguments only; combine as many as the situation gives:

        - ``document`` (+ ``country``, the issuing state, and ``document_type``
          as qualifiers): a travel or identity document number.
        - ``mrz``: the machine-readable zone of a document (TD1, TD2, TD3,
          MRV-A, MRV-B); checks the document and its holder at once.
        - ``vin``: a full VIN, a shorter chassis number, or the last 6-8
          characters of a VIN; ``plate`` (+ ``country``, where registered).
        - ``name`` ("FAMILY, Given Names" or "Given Family"), or
          ``family_name`` and ``given_names``; qualified by ``dob`` (ISO, partial
          allowed), ``nationality`` and ``sex``.

        Options: ``limit`` (default 10) hits at most, best first; ``min_score``
        (default 0.5) drops weaker hits; ``max_edits`` (default 1; 0 for exact
        and OCR-equivalent keys only) is the edit tolerance for document
        numbers and VINs; ``name_threshold`` (default
        ``hotlist.names.MATCH_THRESHOLD``) is the least person score reported.

        Raises :class:`hotlist.InvalidQuery` for a value that cannot be used.
        """
        state = self._state
        if (
            document is not None
            and mrz is None
            and vin is None
            and plate is None
            and name is None
            and family_name is None
            and given_names is None
            and dob is None
            and nationality is None
            and sex is None
        ):
            # The border's commonest call, a document number alone: the same steps
            # as answer(), without the general dispatch.
            query: dict[str, Any] = {"document": document}
            if country is not None:
                query["country"] = country
            if document_type is not None:
                query["document_type"] = document_type
            if not (
                limit is DEFAULT_LIMIT
                and min_score is DEFAULT_MIN_SCORE
                and (max_edits.__class__ is int and 0 <= max_edits <= 1)
                and name_threshold is None
            ):
                _check_options(limit, min_score, max_edits, name_threshold)
            candidates = _document_candidates(
                state,
                _text("document", document),
                None if country is None else _country("country", _text("country", country)),
                None
                if document_type is None
                else _vocab(
                    "document_type", "document_type", _text("document_type", document_type)
                ),
                max_edits,
            )
            if not candidates:
                return CheckResult.make([], [], query, state.data_version)
            hits = _hits(state, candidates, limit=limit, min_score=min_score)
            return CheckResult.make(hits, [], query, state.data_version)
        given = {
            "document": document,
            "country": country,
            "document_type": document_type,
            "mrz": mrz,
            "vin": vin,
            "plate": plate,
            "name": name,
            "family_name": family_name,
            "given_names": given_names,
            "dob": dob,
            "nationality": nationality,
            "sex": sex,
        }
        query = {k: v for k, v in given.items() if v is not None}
        _check_options(limit, min_score, max_edits, name_threshold)
        candidates, warnings = answer(
            state,
            query,
            max_edits=max_edits,
            name_threshold=names.MATCH_THRESHOLD if name_threshold is None else name_threshold,
        )
        hits = _hits(state, candidates, limit=limit, min_score=min_score)
        return CheckResult.make(hits, warnings, query, state.data_version)

    def check_many(self, queries: Any, **options: Any) -> pa.Table:
        """Check many queries at once; see :func:`hotlist._batch.check_many`."""
        from hotlist._batch import check_many

        return check_many(self._state, queries, **options)

    # -- analysts ----------------------------------------------------------------
    def sql(self, query: str, params: Any = None) -> Any:
        """Run SQL over views ``documents``, ``vehicles``, ``persons`` (DuckDB).

        Returns a DuckDB relation: ``.arrow()``, ``.df()``, ``.pl()``, ``.fetchall()``.
        """
        return self._state.sql.sql(query, params)

    def stats(self) -> dict[str, Any]:
        """Counts, data version and age, the load summary and the bytes held."""
        s = self._state
        now = dt.datetime.now(dt.UTC)
        indexes = {
            "documents": s.documents.nbytes,
            "vehicles": s.vehicles.nbytes,
            "persons": s.persons.nbytes + s.person_documents.nbytes,
        }
        data = {n: int(s.tables[n].nbytes) for n in DATASETS}
        per_record = {
            n: round((data[n] + indexes[n]) / s.tables[n].num_rows, 1)
            if s.tables[n].num_rows
            else None
            for n in DATASETS
        }
        return {
            **{n: s.tables[n].num_rows for n in DATASETS},
            "data_version": s.data_version,
            "data_time": s.data_time.isoformat(),
            "data_age_seconds": round((now - s.data_time).total_seconds(), 1),
            "loaded_at": s.loaded_at.isoformat(),
            "index_build_seconds": round(s.build_seconds, 3),
            "report": s.report.summary(),
            "bytes": {
                "data": data,
                "indexes": indexes,
                "total": sum(data.values()) + sum(indexes.values()),
            },
            "bytes_per_record": per_record,
            "sources": list(s.sources),
        }


def _check_options(
    limit: int, min_score: float, max_edits: int, name_threshold: float | None
) -> None:
    if not isinstance(limit, int) or isinstance(limit, bool) or limit < 1:
        raise InvalidQuery(f"limit must be a whole number >= 1, not {limit!r}")
    if (
        not isinstance(min_score, (int, float))
        or not 0.0 <= min_score <= 1.0
        or math.isnan(min_score)
    ):
        raise InvalidQuery(f"min_score must be between 0 and 1, not {min_score!r}")
    if max_edits not in (0, 1) or isinstance(max_edits, bool):
        raise InvalidQuery(f"max_edits must be 0 or 1, not {max_edits!r}")
    if name_threshold is not None and (
        not isinstance(name_threshold, (int, float)) or not 0.0 < name_threshold <= 1.0
    ):
        raise InvalidQuery(f"name_threshold must be in (0, 1], not {name_threshold!r}")


def answer(
    state: _State, query: Mapping[str, object], *, max_edits: int, name_threshold: float
) -> tuple[list[Candidate], list[str]]:
    """Candidates and warnings for one query of check() keywords (None values left out).

    The one code path behind ``check()`` and the per-query part of ``check_many()``.
    """
    if not query:
        raise InvalidQuery(
            "empty query: give at least one of document, mrz, vin, plate, name "
            "(or family_name / given_names)"
        )
    warnings: list[str] = []
    cleaned = {k: _text(k, v) for k, v in query.items()}
    candidates = _run_query(
        state, cleaned, warnings, max_edits=max_edits, name_threshold=name_threshold
    )
    return candidates, warnings


def _run_query(
    state: _State,
    q: dict[str, str | None],
    warnings: list[str],
    *,
    max_edits: int,
    name_threshold: float,
) -> list[Candidate]:
    """Every candidate for one validated query (values stripped, None when absent)."""
    out: list[Candidate] = []
    document = q.get("document")
    country = _country("country", q.get("country"))
    document_type = _vocab("document_type", "document_type", q.get("document_type"))
    name = q.get("name")
    family_name, given_names = q.get("family_name"), q.get("given_names")
    dob_text = q.get("dob")
    nationality = _country("nationality", q.get("nationality"))
    sex = _vocab("sex", "sex", q.get("sex"))
    dob = names.parse_dob(dob_text) if dob_text else None

    if country is not None and not (document or q.get("plate")):
        raise InvalidQuery("country qualifies a document or a plate; give document= or plate= too")
    if document_type is not None and not document:
        raise InvalidQuery("document_type qualifies a document; give document= too")
    if name and (family_name or given_names):
        raise InvalidQuery("give either name or family_name / given_names, not both")
    if (dob or nationality or sex) and not (name or family_name or given_names or q.get("mrz")):
        raise InvalidQuery("dob, nationality and sex qualify a person; give name= too")

    text = q.get("mrz")
    if text is not None:
        if document:
            raise InvalidQuery("give either mrz or document, not both: the MRZ carries the number")
        parsed = mrz_ids.parse(text)
        warnings.extend(parsed.warnings)
        document = parsed.document_number
        country = country or country_ids.lookup(parsed.issuing_country)
        document_type = document_type or MRZ_DOCUMENT_TYPES.get(parsed.document_code[:1])
        if not (name or family_name or given_names):
            family_name = parsed.family_name or None
            given_names = parsed.given_names or None
        if dob is None and parsed.date_of_birth is not None:
            b = parsed.date_of_birth
            dob = names.PartialDate(b.year, b.month, b.day)
        nationality = nationality or country_ids.lookup(parsed.nationality)
        sex = sex or (parsed.sex if parsed.sex in ("M", "F") else None)

    if document:
        out += _document_candidates(state, document, country, document_type, max_edits)

    vin = q.get("vin")
    if vin is not None:
        out += _match_vin(state, vin, warnings, max_edits=max_edits)

    plate = q.get("plate")
    if plate is not None:
        compact = plate_ids.compact(plate)
        plate_ids.validate(compact)
        out += state.vehicles.match_plate(compact, country=country)

    if family_name or given_names:
        name = f"{family_name or ''}, {given_names or ''}".strip(", ")
    if name:
        normalised = names.normalize(name)
        if not normalised:
            raise InvalidQuery(f"name {name!r} has no letters that can be compared")
        pq = PersonQuery(normalised, dob, nationality, sex)
        out += state.persons.match(pq, threshold=name_threshold)
    return out


def _document_candidates(
    state: _State,
    document: str | None,
    country: str | None,
    document_type: str | None,
    max_edits: int,
) -> list[Candidate]:
    """Documents (and wanted persons listing the number) for one document number."""
    if document is None:
        return []
    compact = docnum.validate(document)
    out = state.documents.match(
        compact, country=country, document_type=document_type, max_edits=max_edits
    )
    if state.person_documents.size:
        out += state.person_documents.match(compact)
    return out


def _match_vin(state: _State, vin: str, warnings: list[str], *, max_edits: int) -> list[Candidate]:
    compact, corrections = vin_ids.repair(vin_ids.compact(vin))
    warnings.extend(corrections)
    if len(compact) < 6:
        raise InvalidQuery(
            f"vin {vin!r} is too short: give the full VIN, a chassis number, "
            "or at least its last 6 characters"
        )
    if len(compact) == 17:
        status = vin_ids.check_digit_status(compact)
        if status == "invalid":
            warnings.append(
                f"VIN check digit is wrong: position 9 is {compact[8]!r}, "
                f"expected {vin_ids.check_digit(compact)!r}; searched tolerantly"
            )
    elif len(compact) > 17:
        raise InvalidQuery(f"vin {vin!r} is longer than the 17 characters of a VIN")
    return state.vehicles.match_vin(compact, max_edits=max_edits)


def _record(state: _State, dataset: str, row: int) -> dict[str, Any]:
    rec: dict[str, Any] = state.tables[dataset].slice(row, 1).to_pylist()[0]
    return rec


LEVEL_ORDER = {"exact": 0, "ocr": 1, "edit": 2, "partial": 3, "fuzzy": 4}


def select(candidates: Iterable[Candidate], *, limit: int, min_score: float) -> list[Candidate]:
    """The best candidate per record, at least ``min_score``, best first, ``limit`` at most.

    Ties are broken by match level, then dataset and row, so the order is stable.
    """
    best: dict[tuple[str, int], Candidate] = {}
    for c in candidates:
        if c.score < min_score:
            continue
        key = (c.dataset, c.row)
        if key not in best or best[key].score < c.score:
            best[key] = c
    ranked = sorted(best.values(), key=lambda c: (-c.score, LEVEL_ORDER[c.match], c.dataset, c.row))
    return ranked[:limit]


def _hits(state: _State, candidates: list[Candidate], *, limit: int, min_score: float) -> list[Hit]:
    hits = []
    for c in select(candidates, limit=limit, min_score=min_score):
        record = _record(state, c.dataset, c.row)
        hits.append(
            Hit(
                dataset=c.dataset,  # type: ignore[arg-type]
                record_id=record["record_id"],
                match=c.match,  # type: ignore[arg-type]
                score=c.score,
                reasons=list(c.reasons),
                record=record,
            )
        )
    return hits


def _file_digest(paths: Iterable[str]) -> tuple[str, dt.datetime]:
    """A data version from the bytes of the source files, and the newest file time."""
    h = hashlib.sha256()
    newest = 0.0
    for p in sorted(paths):
        path = Path(p)
        with path.open("rb") as f:
            h.update(hashlib.file_digest(f, "sha256").digest())
        newest = max(newest, path.stat().st_mtime)
    when = dt.datetime.fromtimestamp(newest, dt.UTC) if newest else dt.datetime.now(dt.UTC)
    return h.hexdigest()[:16], when


def load(
    folder: str | Path | None = None,
    /,
    *,
    documents: str | Path | Sequence[str | Path] | None = None,
    vehicles: str | Path | Sequence[str | Path] | None = None,
    persons: str | Path | Sequence[str | Path] | None = None,
    mapping: Mapping[str, Mapping[str, str]] | None = None,
    strict: bool = False,
    progress: bool | None = None,
) -> Hotlist:
    """Load extracts and build the indexes.

    ``folder`` is searched for ``documents.*``, ``vehicles.*`` and ``persons.*``
    (CSV, Parquet, JSON Lines, Arrow IPC); or name the files per dataset.
    ``mapping`` renames foreign columns per dataset, e.g.
    ``{"documents": {"DIN": "document_number"}}``.  Bad rows are left out and
    reported in ``hl.report``; ``strict=True`` raises :class:`hotlist.ExtractError`
    instead.  ``progress`` shows a progress bar (default: when on a terminal).
    """
    tables, report = load_datasets(
        folder,
        documents=documents,
        vehicles=vehicles,
        persons=persons,
        mapping=mapping,
        strict=strict,
    )
    sources = [str(f) for f in report.files]
    version, when = _file_digest(sources)
    state = _State.build(
        tables, report, data_version=version, data_time=when, sources=sources, progress=progress
    )
    return Hotlist(state)
