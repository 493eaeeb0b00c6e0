"""Menu entry of the token page (the offices that connect other tools to the API)."""

from anju.api.tokens import MENU_ROLES
from anju.core import nav

nav.register("接口令牌", "api_pages:tokens", MENU_ROLES, order=850)
