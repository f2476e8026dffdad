"""Cassettes: vcrpy settings and matching, checked loading and never-lost saving,
scrubbing of secrets, the secrets audit, and where a scenario's cassette lives."""
