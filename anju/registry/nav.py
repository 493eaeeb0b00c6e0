"""Menu entries and home panels of the registry."""

from anju.registry import nav_households, nav_io  # noqa: F401
