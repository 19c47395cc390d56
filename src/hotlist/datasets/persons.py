"""Wanted persons, by name (with date of birth, nationality and sex) and by the
document numbers listed on them.

The storage half of the kind: the canonical columns of an extract, what makes a
record searchable (a name), and its index, which is two: the names
(:class:`hotlist._persons.PersonIndex`) and the listed document numbers
(:class:`hotlist._documents.PersonDocumentIndex`), kept together as one
:class:`PersonsIndex`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from hotlist import names
from hotlist._documents import Candidate, PersonDocumentIndex
from hotlist._errors import InvalidQuery
from hotlist._persons import PersonIndex, PersonQuery
from hotlist.datasets._kind import IndexParts, Parts, Query
from hotlist.extracts import _convert as cv
from hotlist.extracts._canonical import (
    RawColumns,
    country_unknown,
    key_check,
    list_key,
    name_parts,
    record_text,
)
from hotlist.extracts._vocab import country_lookup
from hotlist.schema import PERSONS_SCHEMA, REQUIRED_COLUMNS

__all__ = ["KIND", "Persons", "PersonsIndex"]


@dataclass(frozen=True, slots=True)
class PersonsIndex:
    """The persons kind's index: the names, and the document numbers listed on them."""

    names: PersonIndex
    documents: PersonDocumentIndex


def _dob_lenient(text: str) -> tuple[int | None, int | None, int | None] | None:
    """A DOB in a shape the vectorised parser does not know (``12 Aug 1974``), by
    ``hotlist.names.parse_dob_lenient``."""
    try:
        found = names.parse_dob_lenient(text)
    except ValueError:
        return None
    if found is None:
        return None
    return found.year, found.month, found.day


@dataclass(frozen=True)
class Persons:
    """The ``persons`` kind (see :class:`hotlist.datasets.Kind`)."""

    name: str = "persons"
    schema: pa.Schema = PERSONS_SCHEMA
    required: tuple[str, ...] = REQUIRED_COLUMNS["persons"]
    searchable: tuple[str, ...] = ("name", "family_name", "given_names")
    searchable_text: str = "name (or family_name and given_names)"
    part_names: tuple[str, ...] = ("persons", "person_documents")
    query_fields: tuple[str, ...] = (
        "name",
        "family_name",
        "given_names",
        "dob",
        "nationality",
        "sex",
        "document",
        "mrz",
    )

    def canonicalise(self, raw: RawColumns) -> dict[str, pa.Array]:
        issues = raw.issues
        name, family, given = name_parts(
            raw.text("name"), raw.text("family_name"), raw.text("given_names")
        )
        issues.add(
            cv.is_null(name),
            "name",
            None,
            "no name: a person needs a name, or a family_name and given_names",
        )
        key_check("name", name, "name", issues, reject=True)
        out = {"name": name, "family_name": family, "given_names": given}
        out["aliases"] = list_key("name", raw.texts("aliases"), raw.n, "aliases", issues)
        dob, year, month, day = raw.partial_date("date_of_birth", lenient=_dob_lenient)
        out |= {"date_of_birth": dob, "dob_year": year, "dob_month": month, "dob_day": day}
        out["sex"] = raw.closed("sex")
        out["nationalities"] = raw.texts(
            "nationalities", normalise=country_lookup(), unknown=country_unknown
        )
        out["notice_type"] = raw.closed("notice_type", required=True)
        out["offences"] = raw.text("offences")
        out["caution"] = raw.text("caution")
        numbers = raw.texts("document_numbers")
        out["document_numbers"] = list_key("document", numbers, raw.n, "document_numbers", issues)
        out["issuing_authority"] = raw.text("issuing_authority")
        return out

    def row_key(self, record: Mapping[str, object]) -> str:
        columns = ("name", "date_of_birth", "aliases", "document_numbers")
        return "\x1f".join(record_text(record, c) for c in columns)

    def build(self, table: pa.Table) -> PersonsIndex:
        return PersonsIndex(PersonIndex(table), PersonDocumentIndex(table))

    def parts(self, index: PersonsIndex) -> IndexParts:
        return {"persons": index.names.parts(), "person_documents": index.documents.parts()}

    def from_parts(self, table: pa.Table, parts: Mapping[str, Parts]) -> PersonsIndex:
        return PersonsIndex(
            PersonIndex.from_parts(table, *parts["persons"]),
            PersonDocumentIndex.from_parts(table, *parts["person_documents"]),
        )

    def updated(
        self, index: PersonsIndex, table: pa.Table, keep: np.ndarray, new: pa.Table
    ) -> PersonsIndex:
        # Name keys are computed per name in Python: re-indexed in full.
        return self.build(table)

    def nbytes(self, index: PersonsIndex) -> int:
        return index.names.nbytes + index.documents.nbytes

    # -- query half ------------------------------------------------------------
    def match(
        self,
        index: PersonsIndex,
        query: Query,
        warnings: list[str],
        *,
        max_edits: int,
        name_threshold: float,
    ) -> list[Candidate]:
        """Wanted persons who list the query's document number, and wanted persons
        by name (qualified by dob, nationality and sex) scoring at least
        ``name_threshold``; the persons matcher's warnings (names held back as too
        common) go to ``warnings``."""
        out: list[Candidate] = []
        number = query.get("document")
        if isinstance(number, str) and index.documents.size:
            out += index.documents.match(number)
        name = query.get("name")
        if isinstance(name, str):
            normalised = names.normalize(name)
            if not normalised:
                raise InvalidQuery(f"name {name!r} has no letters that can be compared")
            dob = query.get("dob")
            nationality, sex = query.get("nationality"), query.get("sex")
            asked = PersonQuery(
                normalised,
                dob if isinstance(dob, names.PartialDate) else None,
                nationality if isinstance(nationality, str) else None,
                sex if isinstance(sex, str) else None,
            )
            out += index.names.match(asked, threshold=name_threshold, warnings=warnings)
        return out


KIND = Persons()
