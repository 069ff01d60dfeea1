"""`python -m desktop` runs the `tcmcounty` command."""

from desktop.cli import main

raise SystemExit(main())
