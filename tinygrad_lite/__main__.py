"""``python -m tinygrad_lite ...`` runs the command line (see :mod:`tinygrad_lite.cli`)."""

from tinygrad_lite.cli import main

raise SystemExit(main())
