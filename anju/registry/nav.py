"""Menu entries and home panels of the registry (households here, the workbook in io/nav)."""

from anju.registry import nav_households  # noqa: F401
from anju.registry.io import nav as io_nav  # noqa: F401
