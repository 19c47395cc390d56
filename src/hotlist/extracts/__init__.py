"""Extract loading: files of any supported format to canonical Arrow tables, and a
report of every row that did not make it.

>>> from hotlist.extracts import load_datasets
>>> tables, report = load_datasets(documents="sample_data/bad/documents_messy.csv",
...                                mapping=MESSY_MAPPING)       # doctest: +SKIP
>>> report.read == report.loaded + report.rejected               # doctest: +SKIP
True

Formats (by extension): CSV (``.csv``, ``.csv.gz``, ``.tsv``, ``.txt``; UTF-8 with or
without BOM; delimiter given or sniffed among ``,`` ``;`` ``|`` tab), Parquet
(``.parquet``, ``.pq``), JSON Lines (``.jsonl``, ``.ndjson``, optionally ``.gz``),
Arrow IPC file or stream (``.arrow``, ``.feather``, ``.ipc``, ``.arrows``).  List
columns (aliases, nationalities, document_numbers) are lists, or text with
entries separated by ``;`` or ``|``.
"""

from __future__ import annotations

from ._formats import EXTENSIONS, detect_format, sniff_delimiter
from ._load import ExtractResult, empty_table, find_extracts, load_datasets, read_extract
from ._report import DatasetReport, LoadReport

__all__ = [
    "EXTENSIONS",
    "DatasetReport",
    "ExtractResult",
    "LoadReport",
    "detect_format",
    "empty_table",
    "find_extracts",
    "load_datasets",
    "read_extract",
    "sniff_delimiter",
]
