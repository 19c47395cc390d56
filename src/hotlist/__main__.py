"""``python -m hotlist`` runs the ``hotlist`` command."""

import sys

from hotlist.cli import main

if __name__ == "__main__":
    sys.exit(main())
