"""The performance benchmark of the scenario harness (issue 7); see bench/README.md."""
