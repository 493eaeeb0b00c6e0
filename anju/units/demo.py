"""Demo villages: fictional, clearly marked (is_fictional, shown as “（演示）”)."""

from __future__ import annotations

import random

from anju.units.models import Level, Unit

SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段雷钱汤尹黎易常武乔贺赖龚文"
PLACES = ["庄", "寨", "营", "岗", "沟", "湾", "河", "坡", "店", "楼", "集", "屯"]
PREFIXES = ["", "", "", "东", "西", "南", "北", "大", "小", "前", "后", "上", "下"]


def village_names(rng: random.Random, count: int) -> list[str]:
    names: set[str] = set()
    while len(names) < count:
        names.add(f"{rng.choice(PREFIXES)}{rng.choice(SURNAMES)}{rng.choice(PLACES)}村")
    return sorted(names)


def build(ctx) -> None:
    """Give every township that has no villages yet ``ctx.villages_per_township`` villages."""
    rng = random.Random(f"{ctx.seed}-villages")
    created = 0
    for township in Unit.objects.townships().order_by("code"):
        if township.children.exists():
            continue
        n = max(2, ctx.villages_per_township + rng.randint(-3, 3))
        villages = [
            Unit(
                code=f"{township.code}{200 + i:03d}",
                name=name,
                level=Level.VILLAGE,
                parent=township,
                is_fictional=True,
            )
            for i, name in enumerate(village_names(rng, n))
        ]
        Unit.objects.bulk_create(villages)
        created += len(villages)
    ctx.say(f"演示村（虚构）：新增 {created} 个")
