"""The one table of query fields (hotlist.fields) and what is derived from it."""

from __future__ import annotations

import inspect

import pytest

import hotlist
from hotlist import _codegen, fields
from hotlist._errors import InvalidQuery
from hotlist._query import CHECK_FIELDS, DOCUMENT_ONLY, document_check


def test_check_signature_block_is_generated_from_the_table() -> None:
    # fails when hotlist/fields.py changed and `python -m hotlist._codegen` was not run
    assert _codegen.up_to_date(), "run: python -m hotlist._codegen"


def test_check_is_keyword_only_with_every_builtin_field_typed() -> None:
    params = inspect.signature(hotlist.Hotlist.check).parameters
    assert all(
        p.kind is inspect.Parameter.KEYWORD_ONLY for name, p in params.items() if name != "self"
    )
    assert not any(p.kind is inspect.Parameter.VAR_KEYWORD for p in params.values())
    names = [n for n in params if n != "self"]
    assert names[: len(fields.BUILTIN_NAMES)] == list(fields.BUILTIN_NAMES)
    assert names[len(fields.BUILTIN_NAMES) :] == [
        "extra",
        "limit",
        "min_score",
        "max_edits",
        "name_threshold",
    ]
    for name in fields.BUILTIN_NAMES:
        assert params[name].annotation == fields.field(name).annotation
        assert f"``{name}``" in (hotlist.Hotlist.check.__doc__ or "")


def test_check_fields_are_the_tables_limits() -> None:
    assert {f: fields.field(f).max_length for f in fields.BUILTIN_NAMES} == CHECK_FIELDS
    assert hotlist.engine.CHECK_FIELDS == CHECK_FIELDS


def test_clean_reads_every_field_by_its_declared_limit() -> None:
    for spec in fields.all_fields():
        assert fields.clean(spec.name, "x" * spec.max_length) == "x" * spec.max_length
        with pytest.raises(InvalidQuery, match=f"at most {spec.max_length}"):
            fields.clean(spec.name, "x" * (spec.max_length + 1))
    assert fields.clean("mrz", "P<A\nB") == "P<A\nB"  # multiline: line breaks are the value's
    with pytest.raises(InvalidQuery, match="control character"):
        fields.clean("name", "A\nB")


def test_qualifier_rule_comes_from_the_table() -> None:
    hl = hotlist.Hotlist.from_tables()
    with pytest.raises(InvalidQuery, match="country qualifies a document or a plate"):
        hl.check(country="DE", vin="WVWZZZ1JZXW000001")
    with pytest.raises(InvalidQuery, match="document_type qualifies a document; give document="):
        hl.check(document_type="passport", plate="B-AB 123")


def test_extra_takes_registered_fields_only() -> None:
    hl = hotlist.Hotlist.from_tables()
    with pytest.raises(InvalidQuery, match="not a query field; registered fields"):
        hl.check(document="X1234567", extra={"serail": "A1"})
    with pytest.raises(InvalidQuery, match="give document as check"):
        hl.check(extra={"document": "X1234567"})


def test_register_field_is_idempotent_and_refuses_a_clash() -> None:
    spec = fields.field("document")
    fields.register_field(spec)
    with pytest.raises(ValueError, match="already declared differently"):
        fields.register_field(fields.QueryField("document", "str | None", 1, (), "x"))


def test_the_fast_path_takes_the_document_fields_of_the_table() -> None:
    # the number and what qualifies it, in check()'s order, as document_check takes them
    assert DOCUMENT_ONLY == ("document", "country", "document_type")
    params = list(inspect.signature(document_check).parameters)
    assert params[1 : 1 + len(DOCUMENT_ONLY)] == list(DOCUMENT_ONLY)


def test_a_registered_field_can_be_removed_a_builtin_cannot() -> None:
    spec = fields.QueryField("tail_number", "str | None", 12, ("aircraft",), "x", qualifies=())
    fields.register_field(spec)
    try:
        assert fields.limits()["tail_number"] == 12
    finally:
        fields.unregister_field("tail_number")
    assert "tail_number" not in fields.field_names()
    with pytest.raises(ValueError, match="built in"):
        fields.unregister_field("document")


def test_the_fast_path_reads_its_fields_as_the_table_declares() -> None:
    # document_check calls country_code / in_vocabulary directly (no dispatch per call):
    # the normalisers the table declares for those fields
    assert fields.field("country").normaliser == "country"
    assert fields.field("document_type").normaliser == "vocabulary"
    hl = hotlist.Hotlist.from_tables()
    for kwargs in ({"country": "Germany"}, {"document_type": "PASSPORT"}):
        fast = hl.check(document="X1234567", **kwargs)
        general = hl.check(document="X1234567", dob="1970", **kwargs)  # not the fast path
        assert fast.query == {"document": "X1234567", **kwargs}
        assert fast.searched == general.searched
    with pytest.raises(InvalidQuery, match="not a known value of document_type") as fast_error:
        hl.check(document="X1234567", document_type="boat")
    with pytest.raises(InvalidQuery, match="not a known value of document_type") as general_error:
        hl.check(document="X1234567", document_type="boat", dob="1970")
    assert str(fast_error.value) == str(general_error.value)
