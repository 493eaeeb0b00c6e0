"""Notices use the overview's planted county (tests/overview/conftest.py)."""

from tests.overview.conftest import head_b, planted, refreshed, today  # noqa: F401
