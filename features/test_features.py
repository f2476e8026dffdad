"""Binds every feature file in this folder to pytest (pytest-bdd)."""

from pytest_bdd import scenarios

scenarios(".")
