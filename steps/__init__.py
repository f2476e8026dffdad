"""Step definitions, one module per domain; registered by the root conftest.py."""
