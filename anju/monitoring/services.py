"""Use cases of 动态监测, called alike by pages, commands and the demo."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from anju.accounts.roles import CITY
from anju.registry.choices import RiskState

if TYPE_CHECKING:
    from anju.accounts.models import User
    from anju.monitoring.models import ListedHousehold, ListVersion
    from anju.registry.models import Household
    from anju.screening.models import Finding
    from anju.units.models import Unit

# The lists arrive at the county bureau (SOURCES.md): its city roles import them.
LIST_IMPORTERS = CITY


def can_import_lists(user: object) -> bool:
    return getattr(user, "role", None) in LIST_IMPORTERS


def rescreen_after_list(version: ListVersion) -> None:
    """A new current list changes what the 动态监测比对 rules see: queue a county run (its
    findings open, change and resolve like every other rule's)."""
    from anju.campaigns.models import Campaign
    from anju.screening import services as screening
    from anju.units.models import Level, Unit

    county = Unit.objects.filter(level=Level.COUNTY).order_by("code").first()
    if county is not None and Campaign.objects.current(county=county) is not None:
        screening.start_run(unit=county, user_id=version.user_id)


class RegisterError(Exception):
    """登记入档 cannot be done (already held, not an 应纳未纳 finding, no village)."""


def _register_data(listed: ListedHousehold) -> dict[str, Any]:
    """The registry household's identity as the list states it (what 登记入档 pre-fills)."""
    if listed.risk_eliminated is None:
        risk = RiskState.NONE
    else:
        risk = RiskState.CLEARED if listed.risk_eliminated else RiskState.OPEN
    return {
        "head_name": listed.head_name,
        "size": listed.size or listed.persons.count() or 1,
        "groups": listed.groups,
        # 户类型 脱贫户 → 是; another stated type (普通农户) → 否; not stated → 未填
        "is_alleviated": listed.household_type.startswith("脱贫")
        if listed.household_type
        else None,
        "enjoys_policy": None,
        "monitoring_type": listed.monitoring_type,
        "risk_state": risk,
        "no_house": None,
    }


def register_listed(*, user: User, finding: Finding, village: Unit | None) -> Household:
    """登记入档: create the registry household of an 应纳未纳 finding's list record, filled
    from the list (identity, groups, monitoring type, risk state, phone). The household's
    creation is audited like any other; its re-screen resolves the finding."""
    from anju.registry import services as registry
    from anju.registry.models import Household

    listed = finding.listed
    if finding.household_id is not None or listed is None:
        raise RegisterError("只有名单中未建档的农户（应纳未纳）可以登记入档。")
    if Household.objects.filter(id_number_hash=listed.id_number_hash).exists():
        raise RegisterError("该户已建档，无需重复登记；重新筛查后本问题自动消除。")
    if village is None:
        raise RegisterError("请选择该户所在的行政村。")
    if village.parent_id != finding.township_id:
        raise RegisterError("所选行政村不属于名单所列乡镇。")
    try:
        return registry.create_household(
            user=user,
            village=village,
            data=_register_data(listed),
            id_number=listed.id_number,
            phone=listed.phone if listed.phone_enc else "",
        )
    except registry.DuplicateIdNumber:
        raise RegisterError("该户已建档，无需重复登记；重新筛查后本问题自动消除。") from None
