"""`python -m oneentry_contracts.cli`: the same as the `oneentry-contracts` command."""

from oneentry_contracts.cli.main import main

raise SystemExit(main())
