from anju.core import nav
from anju.publicity.views import ROLES

nav.register("公示", "publicity:list", ROLES, order=650)
