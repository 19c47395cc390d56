"""The README's "Run it as a service" example, run as written (on a free port)."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from serve_helpers import free_port

README = Path(__file__).resolve().parents[2] / "README.md"
MARKER = "<!-- service-example: run by tests/serve/test_readme.py -->"


def example() -> str:
    text = README.read_text(encoding="utf-8")
    after = text[text.index(MARKER) + len(MARKER) :]
    m = re.search(r"```sh\n(.*?)```", after, re.S)
    assert m is not None, "the service example block is missing from the README"
    return m.group(1)


@pytest.mark.skipif(shutil.which("curl") is None, reason="the example uses curl")
def test_readme_service_example_works_as_written(tmp_path: Path) -> None:
    script = example()
    assert script.startswith("pip install '.[serve]'"), script.split("\n", 1)[0]
    script = script.split("\n", 1)[1]  # this environment has the extra installed already
    script = script.replace("8080", str(free_port()))
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    done = subprocess.run(
        ["bash", "-euo", "pipefail", "-c", script],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    out = done.stdout
    check = json.loads(out[out.index("{") : out.index("\n", out.index("{"))])
    assert check["hit"] is True
    assert check["hits"][0]["record_id"] == "DEMO-D-0001"
    lines = [json.loads(line) for line in out.splitlines() if line.startswith('{"query_index"')]
    assert {row["query_index"] for row in lines if row["hit"]} == {0, 1}
    assert 'hotlist_checks_total{kind="document"} 1.0' in out
    assert 'hotlist_checks_total{kind="batch"} 2.0' in out
    key = (tmp_path / "gate.key").read_text().strip()
    assert key not in (tmp_path / "keys.toml").read_text()
