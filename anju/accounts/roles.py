"""The roles of DESIGN.md §2 and SECURITY.md (三权分立). One account holds exactly one role."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    CITY_ADMIN = "city_admin", _("市住建局管理员")
    CITY_REVIEWER = "city_reviewer", _("市住建局审核员")
    TOWNSHIP_OFFICER = "township_officer", _("乡镇经办人")
    TOWNSHIP_HEAD = "township_head", _("乡镇主要负责人")
    VILLAGE_WORKER = "village_worker", _("村级信息员")
    INSPECTOR = "inspector", _("抽查组成员")
    SECURITY_ADMIN = "security_admin", _("安全管理员")
    AUDIT_ADMIN = "audit_admin", _("审计管理员")


# The unit level each role is held at.
ROLE_LEVEL = {
    Role.CITY_ADMIN: "county",
    Role.CITY_REVIEWER: "county",
    Role.INSPECTOR: "county",
    Role.SECURITY_ADMIN: "county",
    Role.AUDIT_ADMIN: "county",
    Role.TOWNSHIP_OFFICER: "township",
    Role.TOWNSHIP_HEAD: "township",
    Role.VILLAGE_WORKER: "village",
}

CITY = frozenset({Role.CITY_ADMIN, Role.CITY_REVIEWER})
TOWNSHIP = frozenset({Role.TOWNSHIP_OFFICER, Role.TOWNSHIP_HEAD})
# Roles that work with the campaign's business data (registry, findings, ledger).
BUSINESS = CITY | TOWNSHIP | {Role.VILLAGE_WORKER}
# Roles that see the whole county's business data.
COUNTY_WIDE = CITY
# The three administrators of 等保 三权分立: none of them edits business data.
SYSTEM_ADMINS = frozenset({Role.CITY_ADMIN, Role.SECURITY_ADMIN, Role.AUDIT_ADMIN})
ALL = frozenset(Role)
# Roles that may see full ID numbers and phones (each unmask is audited) and export them.
# SECURITY.md: these roles will also need TOTP (issue #8).
UNMASK = frozenset({Role.CITY_REVIEWER, Role.TOWNSHIP_OFFICER})
# Roles that may import the registry workbook.
IMPORTERS = frozenset({Role.CITY_ADMIN, Role.CITY_REVIEWER, Role.TOWNSHIP_OFFICER})


# --- who may act on a township's reports (weekly reports, final acceptance) -----------------
# The roles of a stage's transition table (``core.transitions``): who prepares (the officer),
# who approves or signs (the head), who reviews (the city reviewer).
OFFICERS = frozenset({Role.TOWNSHIP_OFFICER})
HEADS = frozenset({Role.TOWNSHIP_HEAD})
REVIEWERS = frozenset({Role.CITY_REVIEWER})


def actor_name(user) -> str:
    """The name recorded beside an action (the account's full name, else its username)."""
    return (getattr(user, "full_name", "") or user.get_username())[:60]


def require_township(actor, township, roles, what: str, *, error: type[Exception]) -> None:
    """Only the township's own people in ``roles`` may do ``what``; else ``error``."""
    if actor.role not in roles or actor.unit_id != township.pk:
        who = "、".join(str(Role(r).label) for r in sorted(roles))
        raise error(f"只有{township.name}的{who}可以{what}。")


def require_reviewer(actor, township, what: str, *, error: type[Exception]) -> None:
    """Only a city reviewer of the township's county may do ``what``; else ``error``."""
    if actor.role != Role.CITY_REVIEWER or township.parent_id != actor.unit_id:
        raise error(f"只有市住建局审核员可以{what}。")
