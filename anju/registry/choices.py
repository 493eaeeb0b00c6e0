"""The registry's enumerations, with the words the bureau uses (TEMPLATE.md)."""

from django.db import models


class KeyGroup(models.IntegerChoices):
    """六类重点对象 (DOMAIN.md §1), stored as bits of Household.groups."""

    UNSTABLE = 1, "易返贫致贫户"
    DIBAO = 2, "低保户"
    TEKUN = 4, "分散供养特困人员"
    SUDDEN = 8, "突发严重困难户"
    DIBAO_EDGE = 16, "低保边缘家庭"
    OTHER_ALLEVIATED = 32, "其他脱贫户"


# The national systems' words for the key groups (TEMPLATE.md; the four types used until
# 2020, SOURCES.md §3), and short forms found in county sheets.
GROUP_ALIASES = {
    **dict.fromkeys(("建档立卡贫困户", "脱贫户", "其他脱贫"), KeyGroup.OTHER_ALLEVIATED),
    **dict.fromkeys(
        ("农村分散供养特困人员", "特困分散供养", "特困", "特困人员", "分散供养特困"),
        KeyGroup.TEKUN,
    ),
    **dict.fromkeys(("农村低保户", "农村最低生活保障对象", "低保"), KeyGroup.DIBAO),
    **dict.fromkeys(
        ("农村低保边缘家庭", "农村最低生活保障边缘家庭成员", "低保边缘", "低保边缘户"),
        KeyGroup.DIBAO_EDGE,
    ),
    "易返贫致贫": KeyGroup.UNSTABLE,
    "突发严重困难": KeyGroup.SUDDEN,
}


def groups_to_labels(mask: int) -> list[str]:
    return [g.label for g in KeyGroup if mask & g.value]


class MonitoringType(models.TextChoices):
    NONE = "", "（非监测对象）"
    UNSTABLE = "脱贫不稳定户", "脱贫不稳定户"
    EDGE = "边缘易致贫户", "边缘易致贫户"
    SUDDEN = "突发严重困难户", "突发严重困难户"


class RiskState(models.TextChoices):
    NONE = "", "（未填）"
    OPEN = "风险未消除", "风险未消除"
    CLEARED = "风险消除", "风险消除"


class Structure(models.TextChoices):
    BRICK_CONCRETE = "砖混", "砖混"
    BRICK_WOOD = "砖木", "砖木"
    EARTH_WOOD = "土木", "土木"
    STONE_WOOD = "石木", "石木"
    FRAME = "框架", "框架"
    OTHER = "其他", "其他"


class Grade(models.TextChoices):
    A = "A", "A级"
    B = "B", "B级"
    C = "C", "C级"
    D = "D", "D级"


DANGEROUS_GRADES = (Grade.C, Grade.D)


class AssessmentKind(models.TextChoices):
    APPRAISAL = "鉴定", "鉴定"
    RATING = "评定", "评定"


class Method(models.TextChoices):
    REINFORCE = "加固维修", "加固维修"
    REBUILD_IN_PLACE = "原址重建", "原址重建"
    REBUILD_ELSEWHERE = "异地重建", "异地重建"
    NEW_BUILD = "新建", "新建"
    OTHER_ASSURANCE = "其他保障", "其他保障"


REBUILD_METHODS = (Method.REBUILD_IN_PLACE, Method.REBUILD_ELSEWHERE, Method.NEW_BUILD)

# The words of the national housing system's exports for the same methods (TEMPLATE.md
# "Words from the national systems", SOURCES.md §3): current (since 2021) and legacy wording.
# Read as the canonical value wherever a method is read from text.
METHOD_ALIASES = {
    **dict.fromkeys(("维修加固", "修缮加固", "加固"), Method.REINFORCE),
    **dict.fromkeys(("拆除重建", "原址翻建", "原址新建", "重建"), Method.REBUILD_IN_PLACE),
    **dict.fromkeys(
        ("选址新建", "异地新建", "异地非集中新建", "异地相对集中新建"), Method.REBUILD_ELSEWHERE
    ),
    **dict.fromkeys(
        ("统建集体公租房", "集体公租房", "租赁", "置换", "幸福大院", "投亲靠友"),
        Method.OTHER_ASSURANCE,
    ),
}


class PaymentChannel(models.TextChoices):
    ONE_CARD = "一卡通", "一卡通"
    OTHER = "其他", "其他"


class OtherSubsidy(models.TextChoices):
    NONE = "", "（无）"
    DISASTER = "灾后重建", "灾后重建"
    SEISMIC = "抗震改造", "抗震改造"
    RELOCATION = "易地搬迁", "易地搬迁"


class AttachmentKind(models.TextChoices):
    BEFORE = "before", "改造前"
    DURING = "during", "施工中"
    AFTER = "after", "改造后"
    PLAQUE = "plaque", "挂牌"
    DOCUMENT = "document", "档案材料"
    OTHER = "other", "其他"
