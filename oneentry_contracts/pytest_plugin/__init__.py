"""The pytest plugin (registered through the `pytest11` entry point): options,
markers, fixtures, cassette wiring, outcome reporting, and the one place that touches other
libraries' internals (`compat`)."""
