"""The public API: names fixed by DESIGN.md, re-exported with a sorted, complete __all__."""

from __future__ import annotations

import inspect

import hotlist


def test_all_is_sorted_and_complete() -> None:
    assert hotlist.__all__ == sorted(hotlist.__all__)
    public = {
        name
        for name, value in vars(hotlist).items()
        if not name.startswith("_") and not inspect.ismodule(value) and name != "annotations"
    } | {"ids", "names", "audit", "__version__"}
    assert set(hotlist.__all__) == public
    for name in hotlist.__all__:
        assert hasattr(hotlist, name), name


def test_contract_names_exist() -> None:
    assert callable(hotlist.load)
    assert callable(hotlist.names.similarity)
    assert 0.0 < hotlist.names.MATCH_THRESHOLD < 1.0
    assert callable(hotlist.ids.mrz.parse)
    assert callable(hotlist.ids.vin.validate) and callable(hotlist.ids.vin.check_digit)
    assert callable(hotlist.ids.docnum.compact) and callable(hotlist.ids.plate.compact)
    assert hotlist.ids.country.normalize("D") == hotlist.ids.country.normalize("Germany") == "DEU"
    for method in ("check", "check_many", "sql", "stats"):
        assert callable(getattr(hotlist.Hotlist, method))


def test_check_takes_keywords_only() -> None:
    params = inspect.signature(hotlist.Hotlist.check).parameters
    assert all(
        p.kind is inspect.Parameter.KEYWORD_ONLY for name, p in params.items() if name != "self"
    )
    for name in ("document", "country", "mrz", "vin", "plate", "name", "dob", "nationality"):
        assert name in params
