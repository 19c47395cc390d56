"""The spelled key (reviewer's Y-6): ``phonetic_key`` without the TS / Z, DH / D,
SZ / SH, CZ / CH and TCH / CH rewrites.  A listed part is found by it as well as
by its phonetic key, and its term frequency is counted by it: run before
Metaphone, those rewrites put rare names under common names' keys (ZAITSEVA
under every ZAIZEVA, ZAYCEVA ...) and a typo that broke the digraph lost the
key the name was found by (PEDRAKOSKAAZEM for PEDRAK, OSKASZEM)."""

from __future__ import annotations

from unittest.mock import patch

from hypothesis import example, given
from hypothesis import strategies as st

from hotlist import names
from hotlist.names import _phonetic
from hotlist.names._phonetic import spelled_key


def test_the_spelled_key_keeps_the_digraphs_the_phonetic_key_rewrites() -> None:
    for token, spelled in [
        ("ZAITSEVA", "STSF"),
        ("SATSUDA", "STST"),
        ("OSKASZEM", "ASKSM"),
        ("QADHAFI", "KTHF"),
        ("KOWALCZYK", "KFLKSK"),
    ]:
        assert spelled_key(token) == spelled
        assert names.phonetic_key(token) != spelled
        assert {names.phonetic_key(token), spelled} <= set(names.blocking_keys(token))
    # the renderings the rewrites are for still share the phonetic key
    assert names.phonetic_key("QADHAFI") == names.phonetic_key("GADDAFI")
    assert names.phonetic_key("TSVETKOV") == names.phonetic_key("ZWETKOW")
    assert names.phonetic_key("KOWALCZYK") == names.phonetic_key("KOVALCHIK")


@given(st.text(st.sampled_from("ABEFGHIJKLMNOPQRSUVWXY"), min_size=1, max_size=14))
def test_without_t_c_z_or_d_the_spelled_key_is_the_phonetic_key(token: str) -> None:
    # every rewrite it leaves out needs one of those letters, and no rewrite writes one
    assert spelled_key(token) == names.phonetic_key(token)


@example("RADKHAN")  # KH is H, then DH would be D
@given(st.text(st.sampled_from("ACDHKSTUZ"), min_size=1, max_size=12))
def test_the_spelled_key_is_made_where_a_left_out_rule_may_be_used(token: str) -> None:
    # the shortcut (no _SPELLED_MARKS: the phonetic key) against the key made in full
    assert spelled_key(token) == _full(token)


def _full(token: str) -> str:
    """``spelled_key`` with the spelled rules' form made whatever the letters."""
    with patch.object(_phonetic, "_SPELLED_MARKS", ("",)):  # "" is in every text
        return _phonetic._key(token, spelled=True)
