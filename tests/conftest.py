"""Test-suite settings.

The suite's conftest files hold fixtures, not doctests; collecting them as
doctest modules would import two modules named ``conftest`` (the test folders
are not packages) and fail depending on the order folders are named in.
Shared slow references (``tests/references.py``) import by their plain name
from any test folder.

Hypothesis profiles (README, "Reproducing a test failure"):

- ``ci`` (the default): no deadline (a busy 2-core machine must not turn a slow
  example into a failure; timing lives in ``benchmarks/``), derandomised (every
  run draws the same examples, so a failure repeats on the next run), and the
  ``@reproduce_failure`` blob printed with every failure;
- ``nightly`` (``HYPOTHESIS_PROFILE=nightly``): random, and ten times the
  examples of tests that do not set their own ``max_examples``;
- ``mutation``: ``ci`` without shrinking, for ``tests/mutations.py``;
- ``repro``: loaded when ``--hypothesis-seed=N`` is given, since a derandomised
  profile ignores the seed; ``--hypothesis-profile=NAME`` also works.
"""

import os
import sys
from pathlib import Path

import pytest
from hypothesis import Phase, settings

collect_ignore_glob = ["*/conftest.py"]

sys.path.insert(0, str(Path(__file__).resolve().parent))

settings.register_profile("ci", deadline=None, derandomize=True, print_blob=True)
settings.register_profile("nightly", deadline=None, max_examples=1000, print_blob=True)
settings.register_profile("repro", deadline=None, derandomize=False, print_blob=True)
# tests/mutations.py: a mutant only needs to fail, so no shrinking and no explaining
settings.register_profile(
    "mutation",
    deadline=None,
    derandomize=True,
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


@pytest.hookimpl(trylast=True)
def pytest_configure(config: pytest.Config) -> None:
    current = settings.default
    if config.getoption("hypothesis_seed", None) is not None and current and current.derandomize:
        settings.load_profile("repro")
