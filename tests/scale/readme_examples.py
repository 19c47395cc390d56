"""The README's "Screening large manifests" examples, read from the README itself."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

README = Path(__file__).resolve().parents[2] / "README.md"


def example(name: str) -> str:
    """The code block after ``<!-- scale-example-NAME: ... -->``."""
    marker = f"<!-- scale-example-{name}: run by tests/scale/test_readme_scale.py -->"
    text = README.read_text(encoding="utf-8")
    after = text[text.index(marker) + len(marker) :]
    m = re.search(r"```(?:sh|python)\n(.*?)```", after, re.S)
    assert m is not None, f"the {name} example block is missing from the README"
    return m.group(1)


def run_shell_example(cwd: Path) -> subprocess.CompletedProcess[str]:
    """The shell example as written, less its first line (pip install: this
    environment has the extras already), with this venv's commands on PATH."""
    script = example("shell")
    assert script.startswith("pip install '.[dask,spark]'"), script.split("\n", 1)[0]
    script = script.split("\n", 1)[1]
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    return subprocess.run(
        ["bash", "-euo", "pipefail", "-c", script],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
