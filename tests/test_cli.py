from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from hotlist import CheckResult, Hotlist, cli, fields
from hotlist.fields import QueryField
from registered_kind import firearms_extract

COMMANDS = ["demo", "check", "validate", "stats", "sql", "snapshot", "apply", "verify", "info"]
COMMANDS += ["check-file"]  # tests/scale/test_stream.py runs it
COMMANDS += ["serve", "keys"]  # tests/serve runs them
COMMANDS += ["audit"]  # tests/audit/test_cli_audit.py runs it


def _subcommands() -> list[str]:
    parser = cli.build_parser()
    action = next(a for a in parser._actions if a.dest == "command")
    return sorted(action.choices)  # type: ignore[arg-type]


def test_every_command_is_tested_here() -> None:
    assert _subcommands() == sorted(COMMANDS)


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help(command: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        cli.main([command, "--help"])
    assert info.value.code == 0
    out = capsys.readouterr().out
    assert f"Usage: hotlist {command}" in out  # rich-argparse: click-style help
    parser = cli.build_parser()
    action = next(a for a in parser._actions if a.dest == "command")
    sub = action.choices[command]  # type: ignore[index]
    assert sub.description, f"{command} has no description"
    for a in sub._actions:
        assert a.help, f"{command} {a.dest} has no help text"


def test_check_json_finds_the_specimen(capsys: pytest.CaptureFixture[str]) -> None:
    code = cli.main(["check", "--document", "L898902C3", "--country", "UTO", "--json"])
    assert code == 0
    result = json.loads(capsys.readouterr().out)
    assert result["hit"] is True
    assert result["hits"][0]["record"]["document_number"] == "L898902C3"


def test_check_exit_code_on_hit(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["check", "--vin", "1M8GDM9AXKP042788", "--exit-code"]) == 1
    assert "HIT" in capsys.readouterr().out


def test_check_exit_code_tells_a_warned_miss_from_a_clean_one(
    capsys: pytest.CaptureFixture[str],
) -> None:
    # Reviewer's Y-25: a miss whose result warns that a listed person may be missing
    # (here: a name of initials only) exited 0 like a clean miss, so a script read it
    # as clean and the warning was only on stdout.
    assert cli.main(["check", "--name", "A M E", "--exit-code", "--json"]) == cli.WARNED_MISS
    assert json.loads(capsys.readouterr().out)["warnings"]
    assert cli.main(["check", "--document", "X12345678", "--exit-code", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["warnings"] == []
    assert cli.main(["check", "--name", "A M E"]) == 0  # without --exit-code: done


def test_check_bad_input_is_a_clear_message(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["check", "--document", "L898902C3", "--country", "Atlantis"]) == 2
    assert "hotlist:" in capsys.readouterr().err


def test_validate_reports_bad_rows(capsys: pytest.CaptureFixture[str]) -> None:
    messy = cli.sample_data_path() / "bad" / "documents_messy.csv"
    mapping = {
        "documents": {
            "Lfd-Nr": "record_id",
            "DIN": "document_number",
            "Ausstellerstaat": "issuing_country",
            "Dokumentart": "document_type",
            "Meldedatum": "reported_on",
            "Meldeland": "reporting_country",
            "Bemerkung": "notes",
        }
    }
    code = cli.main(
        ["validate", str(messy), "--mapping", json.dumps(mapping), "--json", "--exit-code"]
    )
    report = json.loads(capsys.readouterr().out)
    assert report["rejected"] > 0 and code == 1
    # rejected only when it cannot be searched; the other problems load with warnings
    assert (report["read"], report["loaded"], report["rejected"]) == (14, 12, 2)
    assert report["loaded_with_problems"] == 6
    rows = report["datasets"]["documents"]["problems"]
    assert len(rows) == 2 and all(p["file"].endswith("documents_messy.csv") for p in rows)


def test_demo_runs_from_another_directory(tmp_path: object) -> None:
    out = subprocess.run(
        [sys.executable, "-m", "hotlist", "demo"],
        cwd=str(tmp_path),
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    ).stdout
    assert out.count("NO HIT") == 1
    for level in ("exact", "ocr", "edit", "partial", "fuzzy"):
        assert f" {level} " in out or f"│ {level}" in out, level
    # the load report as a table, not a dict repr
    assert "Load report" in out and "w/problems" in out and "{'" not in out


def test_sql_command(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["sql", "select count(*) as n from documents", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)[0]["n"] > 1000


@pytest.fixture
def serial_field() -> Iterator[QueryField]:
    """A query field registered for this test only (and removed after)."""
    spec = QueryField(
        "serial_number", "str | None", 40, ("firearms",), "a firearm's serial number", "SERIAL"
    )
    fields.register_field(spec)
    yield spec
    fields.unregister_field(spec.name)


def test_a_registered_field_is_a_check_flag_that_reaches_the_check(
    serial_field: QueryField, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    parser = cli.build_parser()
    action = next(a for a in parser._actions if a.dest == "command")
    check = action.choices["check"]  # type: ignore[index]
    flag = check._option_string_actions["--serial-number"]
    assert (flag.dest, flag.metavar, flag.help) == ("serial_number", "SERIAL", serial_field.help)

    calls: list[dict[str, object]] = []

    def check_spy(self: Hotlist, **kwargs: object) -> CheckResult:
        calls.append(kwargs)
        return CheckResult.make([], [], {"serial_number": "AB1234"}, self.data_version)

    monkeypatch.setattr(Hotlist, "check", check_spy)
    assert cli.main(["check", "--serial-number", "AB1234", "--country", "FRA", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["query"] == {"serial_number": "AB1234"}
    (call,) = calls
    # built-in fields as check()'s keywords, registered ones through extra=
    assert call["country"] == "FRA" and call["extra"] == {"serial_number": "AB1234"}
    assert "serial_number" not in call


def test_check_flags_are_the_field_table() -> None:
    parser = cli.build_parser()
    action = next(a for a in parser._actions if a.dest == "command")
    check = action.choices["check"]  # type: ignore[index]
    for spec in fields.all_fields():
        flag = check._option_string_actions["--" + spec.name.replace("_", "-")]
        assert (flag.dest, flag.help, flag.metavar) == (spec.name, spec.help, spec.metavar)


@pytest.fixture
def firearms(tmp_path: Path) -> Iterator[Path]:
    with firearms_extract(tmp_path / "extract") as folder:
        yield folder


def test_a_registered_kind_is_checked_from_the_command_line(
    firearms: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["check", "--data", str(firearms), "--serial", "CZOO4273I", "--json"]) == 0
    hits = json.loads(capsys.readouterr().out)["hits"]
    assert [(h["dataset"], h["record_id"], h["match"]) for h in hits] == [("firearms", "F5", "ocr")]
    # the kind's own rule, said as a user error: a make alone only narrows a serial
    assert cli.main(["check", "--data", str(firearms), "--make", "Glock"]) == 2
    assert "serial" in capsys.readouterr().err
