"""A snapshot records, per kind, a digest of the rules its stored keys were made
with, and ``open`` refuses one whose rules differ from this hotlist's for a kind
it holds rows of (reviewer's Y-3: new transliteration rules made query keys that
an older snapshot's listed keys no longer met, and listed persons went missing
without a word).  The digest covers the rule tables and what the code makes of
a canary of inputs, so a key change made in code alone changes it too."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import hotlist
import hotlist.names
from hotlist import _key_rules, _snapshot
from hotlist._errors import IntegrityError
from hotlist.ids import ocr
from hotlist.names import _phonetic, _tokens, _translit


def _clear_name_caches() -> None:
    _translit._slow.cache_clear()
    _tokens._normalize_slow.cache_clear()


def _fresh_rules() -> dict[str, str]:
    _key_rules.key_rules.cache_clear()
    return _key_rules.key_rules()


@pytest.fixture(autouse=True)
def _clear_cache() -> object:
    _key_rules.key_rules.cache_clear()
    yield
    _key_rules.key_rules.cache_clear()


def test_the_manifest_records_the_key_rules(snapshot: Path) -> None:
    manifest = json.loads((snapshot / "manifest.json").read_text())
    assert manifest["key_rules"] == _key_rules.key_rules()
    assert set(manifest["key_rules"]) == {"documents", "persons", "vehicles"}
    assert hotlist.open(snapshot).stats()  # opens under the same rules


@pytest.mark.parametrize("kind", ["documents", "persons", "vehicles"])
def test_a_snapshot_of_other_rules_for_a_kind_it_holds_is_refused(
    snapshot: Path, monkeypatch: pytest.MonkeyPatch, kind: str
) -> None:
    other = dict(_key_rules.key_rules(), **{kind: "0123456789abcdef"})
    monkeypatch.setattr(_snapshot, "key_rules", lambda: other)
    with pytest.raises(IntegrityError, match=f"other key rules for its {kind}"):
        hotlist.open(snapshot)
    # and `hotlist verify` says so too (it said "ok" of a snapshot open refuses)
    with pytest.raises(IntegrityError, match=f"other key rules for its {kind}"):
        _snapshot.verify(snapshot)


def test_a_snapshot_saved_before_the_rules_were_recorded_is_refused(
    snapshot: Path, tmp_path: Path
) -> None:
    copy = Path(shutil.copytree(snapshot, tmp_path / "old"))
    manifest = json.loads((copy / "manifest.json").read_text())
    del manifest["key_rules"]
    (copy / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(IntegrityError, match="not recorded"):
        hotlist.open(copy, verify="size")


def test_rules_of_a_kind_it_holds_no_rows_of_do_not_matter(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    sample = hotlist.load(hotlist.sample_data_path(), progress=False)
    tables = dict(sample._state.tables)
    tables.pop("persons")
    saved = hotlist.Hotlist.from_tables(**tables, progress=False).save(tmp_path / "s")
    other = dict(_key_rules.key_rules(), persons="0123456789abcdef")
    monkeypatch.setattr(_snapshot, "key_rules", lambda: other)
    assert hotlist.open(saved).stats()


def test_a_rule_table_change_changes_the_digest(monkeypatch: pytest.MonkeyPatch) -> None:
    before = _fresh_rules()
    monkeypatch.setattr(ocr, "CLASSES", (*ocr.CLASSES[:-1], "8BE"))
    changed = _fresh_rules()
    assert changed["documents"] != before["documents"]
    assert changed["vehicles"] != before["vehicles"]
    # a wanted person's document numbers are stored as document keys (reviewer's
    # Y-5: a persons-only snapshot opened after an OCR change without a word)
    assert changed["persons"] != before["persons"]


@pytest.mark.parametrize(("letter", "was", "now"), [("Ж", "ZH", "J"), ("Ю", "IU", "YU")])
def test_a_transliteration_change_changes_the_persons_digest(
    monkeypatch: pytest.MonkeyPatch, letter: str, was: str, now: str
) -> None:
    """Reviewer's Y-4: ICAO's Ж ZH -> J changed Жуков, Юрий's stored keys and
    normalised name while the digest stayed the same (no canary name had Ж)."""
    assert _translit._TABLE[ord(letter)] == was
    before = _fresh_rules()
    monkeypatch.setattr(_translit, "_TABLE", {**_translit._TABLE, ord(letter): now})
    _clear_name_caches()
    try:
        assert hotlist.names.normalize("Жуков, Юрий") != "ZHUKOV, IURII"
        assert _fresh_rules()["persons"] != before["persons"]
    finally:
        monkeypatch.undo()
        _clear_name_caches()


def test_a_syllabic_script_change_changes_the_persons_digest(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Reviewer's Y-8: Chinese, Japanese and Korean names are split one syllable a
    part; a change to that split changed their stored keys, not the digest."""
    before = _fresh_rules()
    monkeypatch.setattr(_translit, "_SYLLABIC", re.compile("(?!x)x"))
    _clear_name_caches()
    try:
        assert _fresh_rules()["persons"] != before["persons"]
    finally:
        monkeypatch.undo()
        _clear_name_caches()


def test_the_library_versions_are_in_the_persons_digest(monkeypatch: pytest.MonkeyPatch) -> None:
    before = _fresh_rules()
    monkeypatch.setattr(_key_rules, "_libraries", lambda: ("0.0", "0.0"))
    assert _fresh_rules()["persons"] != before["persons"]


def test_a_key_change_made_in_code_alone_changes_the_digest(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """No table changes, only what the code makes of a name: the canary sees it."""
    before = _fresh_rules()
    real = _phonetic.phonetic_key
    monkeypatch.setattr(_phonetic, "phonetic_key", lambda t: real(t)[:3])
    monkeypatch.setattr(hotlist.names, "phonetic_key", _phonetic.phonetic_key)
    assert _fresh_rules()["persons"] != before["persons"]


def test_the_digest_is_the_same_with_and_without_the_compiled_kernels() -> None:
    """A snapshot saved where the kernels are built opens where they are not
    (``HOTLIST_PURE=1``), and the other way round: the keys are the same."""
    code = "from hotlist._key_rules import key_rules; print(sorted(key_rules().items()))"
    out = [
        subprocess.run(
            [sys.executable, "-c", code],
            capture_output=True,
            text=True,
            check=True,
            env={**os.environ, **env},
            timeout=120,
        ).stdout
        for env in ({}, {"HOTLIST_PURE": "1"})
    ]
    assert out[0] == out[1]
    assert out[0].count("'") == 12


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("counts", None, "no 'counts'"),
        ("counts", [1], "'counts' is list"),
        ("key_rules", [1], "other key rules"),
        ("key_rules", {"persons": 7}, "persons 7,"),
    ],
)
def test_a_damaged_manifest_is_refused_with_a_clear_error(
    snapshot: Path, tmp_path: Path, field: str, value: object, message: str
) -> None:
    """The key-rules test runs before the manifest's other checks: a missing or
    mistyped field there still gives IntegrityError naming it, not a KeyError."""
    copy = Path(shutil.copytree(snapshot, tmp_path / "bad"))
    manifest = json.loads((copy / "manifest.json").read_text())
    if value is None:
        del manifest[field]
    else:
        manifest[field] = value
    (copy / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(IntegrityError, match=re.escape(message)):
        hotlist.open(copy, verify="size")
