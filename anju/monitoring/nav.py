"""Menu entry of 动态监测: the department lists (import, versions, what changed)."""

from anju.accounts.roles import CITY, TOWNSHIP
from anju.core import nav

nav.register("部门名单", "monitoring:lists", CITY | TOWNSHIP, order=215)
