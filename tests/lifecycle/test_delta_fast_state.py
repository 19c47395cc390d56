"""A delta's new data version starts with nothing a fast path worked out for the old one.

``State.fast`` holds what a fast path works out once per data version (the vehicle
miss context, check_many's workers); a delta builds the new state with
``dataclasses.replace``, which would hand it the old version's dict: a VIN the
delta adds was then a miss through check()'s vehicle fast path, a hit through the
general pipeline.
"""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
from lifecycle_helpers import write_delta

import hotlist
from hotlist import synth


def test_a_vin_a_delta_adds_is_found_by_the_fast_path(tmp_path: Path) -> None:
    listed = synth.vehicles(300, 3)
    hl = hotlist.Hotlist.from_tables(vehicles=listed, progress=False)
    vin = "WDB12345678901234"
    assert not hl.check(vin=vin).hit  # a miss: the fast path's context is made now
    one = listed.slice(0, 1)
    columns = {c: one.column(c) for c in one.column_names}
    columns["record_id"] = pa.array(["ADDED-1"])
    columns["vin"] = pa.array([vin], one.schema.field("vin").type)
    write_delta(tmp_path / "d" / "vehicles.parquet", pa.table(columns, schema=one.schema))
    before = hl._state.fast
    hl.apply(tmp_path / "d")
    assert hl._state.fast is not before
    assert [h.record_id for h in hl.check(vin=vin).hits] == ["ADDED-1"]
    assert hl.check(vin=vin).hits == hl.check(vin=vin, limit=5).hits  # the general pipeline
