"""The names of offices that documents print, in one place.

Today they are derived from the round's county (the bureau "<县名>住房和城乡建设局", its
office that prints documents) and from one setting (the superior office the county reports
to, ``ANJU_SUPERIOR_OFFICE``). Issue #16 gives the round these texts; a round that carries
``issuing_office`` or ``superior_office`` already wins over the derived ones, so the
document builders never need to change again.
"""

from __future__ import annotations

from django.conf import settings


def county_name(campaign) -> str:
    county = getattr(campaign, "county", None)
    return county.name if county is not None else ""


def bureau(campaign) -> str:
    """The issuing office of the county's documents (发文机关)."""
    named = getattr(campaign, "issuing_office", "")
    return named or f"{county_name(campaign)}住房和城乡建设局"


def short(campaign) -> str:
    """The bureau as its documents name it in running text: 市住建局 for a county-level city
    (禹州市), 县住建局 for a county, 区住建局 for a district; "住建局" without a county."""
    name = county_name(campaign)
    return f"{name[-1]}住建局" if name and name[-1] in "市县区旗" else "住建局"


def superior(campaign) -> str:
    """The office the county reports upward to (上行文的主送机关)."""
    return getattr(campaign, "superior_office", "") or settings.SUPERIOR_OFFICE


def printer(issuer: str) -> str:
    """印发机关 of the 版记: the issuing office's own office (办公室)."""
    return f"{issuer}办公室"


def mark(issuer: str) -> str:
    """发文机关标志: the issuer's name and "文件"."""
    return f"{issuer}文件"
