"""oneentry-contracts: contract tests and purchase scenarios for OneEntry shops."""
