"""Test-suite settings.

The suite's conftest files hold fixtures, not doctests; collecting them as
doctest modules would import two modules named ``conftest`` (the test folders
are not packages) and fail depending on the order folders are named in.
"""

collect_ignore_glob = ["*/conftest.py"]
