"""Test-suite settings.

The suite's conftest files hold fixtures, not doctests; collecting them as
doctest modules would import two modules named ``conftest`` (the test folders
are not packages) and fail depending on the order folders are named in.
Shared slow references (``tests/references.py``) import by their plain name
from any test folder.
"""

import sys
from pathlib import Path

collect_ignore_glob = ["*/conftest.py"]

sys.path.insert(0, str(Path(__file__).resolve().parent))
