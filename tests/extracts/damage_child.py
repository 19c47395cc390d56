"""Read damaged extracts in a child process, so a crash in native code fails the
test (naming the file) instead of killing the test run.  Each file must either
raise ExtractError naming it, or load with every physical record counted and
every rejected row reported."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

_CHILD = textwrap.dedent(
    """
    import sys
    from hotlist._errors import ExtractError
    from hotlist.extracts import read_extract
    for path in sys.argv[2:]:
        print(path, end=" ", flush=True)
        try:
            r = read_extract(path, sys.argv[1])
        except ExtractError as e:
            assert path in str(e), e
            print("ExtractError", flush=True)
        else:
            assert r.read == r.loaded + r.rejected, path
            assert len(r.problems) == r.rejected, path
            print("loaded", flush=True)
    """
)


def read_in_child(paths: list[Path], dataset: str) -> list[str]:
    """The outcome ("ExtractError" or "loaded") of reading each file, in order."""
    done = subprocess.run(
        [sys.executable, "-c", _CHILD, dataset, *map(str, paths)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    lines = done.stdout.strip().splitlines()
    last = lines[-1:] or ["(none)"]
    assert done.returncode == 0, f"exit {done.returncode} at {last[0]}\n{done.stderr[-3000:]}"
    assert len(lines) == len(paths), lines
    return [line.split()[-1] for line in lines]
