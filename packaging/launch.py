"""Entry script of the frozen bundle: the same `tcmcounty` command as the console entry point."""

from desktop.cli import main

raise SystemExit(main())
