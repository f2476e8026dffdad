"""`python -m oneentry_sandbox` = the `oneentry-sandbox` command."""

from __future__ import annotations

import sys

from oneentry_sandbox.cli import main

sys.exit(main())
