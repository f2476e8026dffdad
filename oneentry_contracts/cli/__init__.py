"""The `oneentry-contracts` command: one module per subcommand."""
