"""What a scrubbed cassette says instead of a secret, and the shapes of the secrets themselves.

Shared by the scrubber (`scrub`), which writes these placeholders, and the secrets audit
(`audit`), which accepts them and hunts for the shapes. This module imports nothing heavy: the
audit runs in `oneentry-contracts`' own process, where importing vcrpy before pytest starts
breaks pytest-recording's assertion rewriting.
"""

from __future__ import annotations

import re
from typing import Final

__all__ = [
    "ACCESS",
    "APP_TOKEN_HEADER_PLACEHOLDER",
    "APP_TOKEN_PLACEHOLDER",
    "HOST_PLACEHOLDER",
    "JWT",
    "MIN_SUBSTRING_SECRET",
    "PLACEHOLDER",
    "REDACTED",
    "REFRESH",
    "REFRESH_SHAPE",
]

HOST_PLACEHOLDER: Final = "https://project.oneentry.test"
APP_TOKEN_PLACEHOLDER: Final = "<APP_TOKEN>"
# What the plugin records in the `x-app-token` header; a readable word, so replayed requests
# still carry a plausible header value.
APP_TOKEN_HEADER_PLACEHOLDER: Final = "app-token-placeholder"
REDACTED: Final = "<REDACTED>"

# Stems of the numbered token placeholders: `<ACCESS_TOKEN_1>`, `<REFRESH_TOKEN_2>`, ...
ACCESS: Final = "ACCESS_TOKEN"
REFRESH: Final = "REFRESH_TOKEN"

# A secret shorter than this is replaced (and searched for) only where it stands alone, not
# inside a longer word or number, so a short sandbox password cannot turn "12345" or
# "secretary" into garbage.
MIN_SUBSTRING_SECRET: Final = 8

PLACEHOLDER: Final = re.compile(r"<[A-Z][A-Z0-9_]*>")
JWT: Final = re.compile(r"eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*")
REFRESH_SHAPE: Final = re.compile(
    r"(?<![0-9A-Za-z])\d{13}-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
    r"(?![0-9A-Za-z])"
)
