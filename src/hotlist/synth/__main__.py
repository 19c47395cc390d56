"""``python -m hotlist.synth``: write synthetic extracts of any size."""

from hotlist.synth import main

raise SystemExit(main())
