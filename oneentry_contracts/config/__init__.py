"""The harness configuration: `oneentry-contracts.toml` validated and merged with the
environment and the command line, and the commented starter file `init` writes."""
