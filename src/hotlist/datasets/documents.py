"""Stolen and lost travel and identity documents, by document number.

The storage half of the kind: the canonical columns of an extract, what makes a
record searchable (its document number), and the index over the numbers
(:class:`hotlist._documents.DocumentIndex`: one OCR key per record).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import ClassVar

import pyarrow as pa

from hotlist._documents import Candidate, DocumentIndex
from hotlist.datasets._kind import Query
from hotlist.datasets._single import OneIndex
from hotlist.extracts import _convert as cv
from hotlist.extracts._canonical import RawColumns, key_check, record_text
from hotlist.ids import docnum
from hotlist.schema import DOCUMENTS_SCHEMA, REQUIRED_COLUMNS

__all__ = ["KIND", "Documents"]


@dataclass(frozen=True)
class Documents(OneIndex[DocumentIndex]):
    """The ``documents`` kind (see :class:`hotlist.datasets.Kind`); its index is a
    :class:`DocumentIndex` (build, parts, from_parts, updated, nbytes: :class:`OneIndex`)."""

    index_class: ClassVar[type[DocumentIndex]] = DocumentIndex

    name: str = "documents"
    schema: pa.Schema = DOCUMENTS_SCHEMA
    required: tuple[str, ...] = REQUIRED_COLUMNS["documents"]
    searchable: tuple[str, ...] = ("document_number",)
    searchable_text: str = "document_number"
    query_fields: tuple[str, ...] = ("document", "country", "document_type", "mrz")

    def canonicalise(self, raw: RawColumns) -> dict[str, pa.Array]:
        number = raw.text("document_number")
        raw.issues.add(
            cv.is_null(number),
            "document_number",
            None,
            "no document number: a document cannot be searched without one",
        )
        key_check("document", number, "document_number", raw.issues, reject=True)
        return {
            "document_number": number,
            "issuing_country": raw.country("issuing_country", required=True),
            "document_type": raw.closed("document_type", required=True),
            "status": raw.closed("status", required=True),
            "reported_on": raw.date("reported_on", required=True),
            "reporting_country": raw.country("reporting_country"),
            "issued_on": raw.date("issued_on"),
            "expires_on": raw.date("expires_on"),
            "notes": raw.text("notes"),
        }

    def row_key(self, record: Mapping[str, object]) -> str:
        return "\x1f".join(
            [
                docnum.compact(record_text(record, "document_number")),
                record_text(record, "issuing_country"),
            ]
        )

    # -- query half ------------------------------------------------------------
    def match(
        self,
        index: DocumentIndex,
        query: Query,
        warnings: list[str],
        *,
        max_edits: int,
        name_threshold: float,
    ) -> list[Candidate]:
        """Listed documents for the query's document number (already validated:
        the compact number), scored against its issuing country and type."""
        number = query.get("document")
        if not isinstance(number, str):
            return []
        return index.match(
            number,
            country=_text(query.get("country")),
            document_type=_text(query.get("document_type")),
            max_edits=max_edits,
        )


def _text(value: object) -> str | None:
    return value if isinstance(value, str) else None


KIND = Documents()
