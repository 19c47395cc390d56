"""Every subcommand's user errors: one line on stderr, exit status 2, no traceback.

Run in-process through ``cli.main(argv)`` (fast); the broken pipe of
``hotlist info ... | head`` needs a real pipe, so that one runs in a subprocess.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from hotlist import cli

SAMPLE = str(cli.sample_data_path())
MISSING = "/nonexistent/hotlist-h10"


@pytest.fixture(scope="module")
def snapshot(tmp_path_factory: pytest.TempPathFactory) -> Path:
    dest = tmp_path_factory.mktemp("cli-errors") / "snap"
    assert cli.main(["snapshot", SAMPLE, str(dest)]) == 0
    return dest


def _error(argv: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    """Run argv; it must end with status 2 and exactly one line on stderr."""
    code = cli.main(argv)
    captured = capsys.readouterr()
    assert code == 2, (argv, captured.out, captured.err)
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1, (argv, captured.err)
    assert "Traceback" not in captured.err
    assert lines[0].startswith("hotlist"), lines[0]
    return lines[0]


# (argv, words the one line must contain); {snap} is a real snapshot folder.
CASES: list[tuple[list[str], tuple[str, ...]]] = [
    (["frob"], ("invalid choice", "frob")),
    (["stats", "--no-such-flag"], ("unrecognized arguments", "--no-such-flag")),
    (["demo", "--data", MISSING], ("no such file or folder", MISSING)),
    (["check", "--data", MISSING, "--document", "X1"], ("no such file or folder",)),
    (["check", "--document"], ("--document", "expected one argument", "--help")),
    (["check", "--limit", "many", "--document", "X1"], ("--limit", "invalid int")),
    (["check", "--max-edits", "5", "--document", "X1"], ("--max-edits", "invalid choice")),
    (["check", "--name", "Anna Eriksson", "--sex", "Q"], ("'Q'", "M, F, X")),
    (["check", "--document", "X1", "--document-type", "boat"], ("passport", "id_card")),
    (["check", "--document", "L898902C3", "--country", "Atlantis"], ("Atlantis",)),
    (["validate", "/missing.csv"], ("no such file or folder", "/missing.csv")),
    (["validate", SAMPLE, "--mapping", "{bad"], ("--mapping", "not valid JSON")),
    (["validate", f"{SAMPLE}/bad/documents_messy.csv", "--dataset", "boats"], ("--dataset",)),
    (["validate", f"{SAMPLE}/README.md"], ("cannot tell the dataset", "--dataset")),
    (["stats", "--data", MISSING], ("no such file or folder",)),
    (["stats", "--data", "/tmp"], ("no extracts found",)),
    (["sql", "selec nothing", "--data", "{snap}"], ("SQL", "syntax error")),
    (["sql", "select * from nowhere", "--data", "{snap}"], ("nowhere",)),
    (["snapshot", MISSING, "/tmp/h10-never"], ("no such file or folder",)),
    (["snapshot", SAMPLE, "/tmp/h10-never", "--mapping", "[1,"], ("not valid JSON",)),
    (["snapshot", SAMPLE, "{snap}"], ("exists", "--overwrite")),
    (["apply", "{snap}", MISSING], ("no such file or folder",)),
    (["apply", MISSING, SAMPLE], ("no such file or folder",)),
    (["apply", "{snap}", f"{SAMPLE}/README.md"], ("cannot tell the dataset", "--dataset")),
    (["verify", MISSING], ("no such file or folder",)),
    (["verify", SAMPLE], ("not a hotlist snapshot",)),
    (["info", MISSING], ("no such file or folder",)),
    (["info", SAMPLE], ("not a hotlist snapshot",)),
    (["check-file", MISSING, "--data", "{snap}", "--out", "/tmp/h10-x.parquet"], (MISSING,)),
    (["check-file", f"{SAMPLE}/README.md"], ("--data", "required")),
    (["serve"], ("required",)),
    (["keys", "add", "gate-1"], ("required",)),
    (["audit", "verify"], ("LOG", "required")),
    (["audit", "verify", MISSING], ("no such folder", MISSING)),
    (["keys", "remove", "nobody", "--keys", f"{MISSING}.toml"], ("no key named", "nobody")),
    (["audit"], ("audit",)),
]


@pytest.mark.parametrize(("argv", "words"), CASES, ids=[" ".join(c[0])[:60] for c in CASES])
def test_user_error_is_one_line_and_status_2(
    argv: list[str],
    words: tuple[str, ...],
    snapshot: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    line = _error([a.replace("{snap}", str(snapshot)) for a in argv], capsys)
    for word in words:
        assert word in line, (word, line)


def test_every_subcommand_has_an_error_case() -> None:
    tested = {argv[0] for argv, _ in CASES}
    parser = cli.build_parser()
    action = next(a for a in parser._actions if a.dest == "command")
    assert set(action.choices) <= tested  # type: ignore[arg-type]


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    import hotlist

    with pytest.raises(SystemExit) as info:
        cli.main(["--version"])
    assert info.value.code == 0
    assert capsys.readouterr().out.strip() == f"hotlist {hotlist.__version__}"


def test_data_takes_a_snapshot(snapshot: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import json

    argv = ["check", "--data", str(snapshot), "--document", "L898902C3", "--country", "UTO"]
    assert cli.main([*argv, "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["hit"] is True
    assert cli.main(["stats", "--data", str(snapshot), "--json"]) == 0
    stats = json.loads(capsys.readouterr().out)
    import hotlist

    assert stats["data_version"] == hotlist.open(snapshot).data_version


@pytest.mark.parametrize("command", ["stats", "info", "sql"])
def test_tables_by_default_json_on_request(
    command: str, snapshot: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import json

    argv = {
        "stats": ["stats", "--data", str(snapshot)],
        "info": ["info", str(snapshot)],
        "sql": [
            "sql",
            "select status, count(*) as n from documents group by 1",
            "--data",
            str(snapshot),
        ],
    }[command]
    assert cli.main(argv) == 0
    table = capsys.readouterr().out
    assert "│" in table or "┃" in table  # a rich table, not a dict repr
    assert not table.lstrip().startswith(("{", "["))
    assert cli.main([*argv, "--json"]) == 0
    json.loads(capsys.readouterr().out)


def test_broken_pipe_is_one_line(snapshot: Path) -> None:
    """``hotlist info SNAP | head -1``: the reader leaves early; no traceback."""
    code = (
        "import sys, os\n"
        "from hotlist import cli\n"
        "r, w = os.pipe()\n"
        "os.close(r)\n"  # the reader has gone before anything is written
        "os.dup2(w, 1)\n"
        "sys.stdout = open(1, 'w', closefd=False)\n"
        f"code = cli.main(['info', {str(snapshot)!r}, '--json'])\n"
        "sys.stderr.write(f'exit {code}\\n')\n"
        "sys.exit(code)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr and "Exception ignored" not in done.stderr
    lines = done.stderr.strip().splitlines()
    assert lines == ["hotlist: output closed early (broken pipe)", "exit 2"], lines
