"""Writes examples/screening.ipynb (kept as code so that its cells are reviewed as text).

    python examples/make_notebook.py

The notebook is committed without outputs; tests/test_example_notebook.py runs it,
and examples/screenshot.sh renders it to HTML and a PNG.
"""

from __future__ import annotations

from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

CELLS: list[tuple[str, str]] = [
    (
        "md",
        """\
# Screening a passenger manifest with hotlist

Load the lists, screen a manifest that has documents and names, summarise what
was found, plot it, ask the lists with SQL, and look at one check in full.
The data is the bundled sample (synthetic).""",
    ),
    (
        "code",
        """\
import pandas as pd

import hotlist

hl = hotlist.load(hotlist.sample_data_path())  # or hotlist.open(snapshot_folder)
hl.report""",
    ),
    ("code", "hl.stats()"),
    (
        "md",
        """\
## A manifest

An airline's columns, as they come: `doc_no` and `issuer` are mapped to `check()`'s
keywords; `passenger_id` and `flight` pass through to the results.""",
    ),
    (
        "code",
        """\
listed = hl.sql(
    "select document_number, issuing_country from documents "
    "where status = 'stolen' order by record_id limit 25"
).df()
wanted = hl.sql(
    "select given_names || ' ' || family_name as name, date_of_birth as dob "
    "from persons order by record_id limit 5"
).df()
rows = listed.set_axis(["doc_no", "issuer"], axis=1).to_dict("records")
rows[3]["doc_no"] = rows[3]["doc_no"].replace("0", "O", 1)  # an OCR slip
rows[5]["issuer"] = "DEU"  # the same number under another issuer: a weaker hit
rows[7]["doc_no"] = rows[7]["doc_no"][:-2] + rows[7]["doc_no"][-1]  # a character dropped
rows += [{"doc_no": f"X{i:07d}", "issuer": "FRA"} for i in range(170)]  # travellers
rows += wanted.to_dict("records")
manifest = pd.DataFrame(rows)
manifest.insert(0, "passenger_id", [f"PAX{i:04d}" for i in range(len(manifest))])
manifest.insert(1, "flight", "AF1234")
manifest.sample(5, random_state=1)""",
    ),
    (
        "code",
        """\
results = hl.check_many(manifest, columns={"doc_no": "document", "issuer": "country"})
hits = results.to_pandas().query("hit")
shown = ["passenger_id", "flight", "doc_no", "name", "dataset", "match", "score", "severity"]
hits[shown].head(10)""",
    ),
    ("md", "## Summary and plots"),
    ("code", 'summary = hotlist.screening_summary(results, country_column="issuer")\nsummary'),
    ("code", "summary.plot();"),
    ("md", "## SQL over the lists (DuckDB)"),
    (
        "code",
        """\
hl.sql(
    "select issuing_country, status, count(*) as n from documents "
    "group by all order by n desc limit 8"
)""",
    ),
    ("md", "## One check, in full"),
    ("code", 'hl.check(document="L8989O2C3", country="UTO")'),
]


def build() -> nbformat.NotebookNode:
    nb = new_notebook()
    nb.cells = [new_markdown_cell(t) if k == "md" else new_code_cell(t) for k, t in CELLS]
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    return nb


if __name__ == "__main__":
    out = Path(__file__).with_name("screening.ipynb")
    nbformat.write(build(), out)
    print(out)
