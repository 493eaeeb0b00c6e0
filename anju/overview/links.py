"""Where each number of the overview leads: the existing list pages, with their filters.

Each function returns the URL of the records behind a number, or "" when the user's role
may not open that page (the number is then shown without a link). Each link carries the
list's filters for exactly that number; where no page lists exactly the records (a
township's weekly cells), the link goes to the closest page and the overview says so in
its tooltip (``APPROXIMATE``).
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.urls import reverse

from anju.accounts.roles import BUSINESS, CITY, TOWNSHIP, Role
from anju.overview import keys as K

# Numbers whose link shows a superset of the records counted (no exact filter exists).
APPROXIMATE = {
    "weeks": "周报页面按乡镇、周次列出全县报送情况",
}


def _url(name: str, **params) -> str:
    clean = {k: v for k, v in params.items() if v not in (None, "")}
    query = urlencode(clean)
    return reverse(name) + (f"?{query}" if query else "")


class Links:
    """URL builders for one user (what they may open) and one unit (township, village)."""

    def __init__(self, user):
        self.user = user
        self.role = user.role

    # --- registry ------------------------------------------------------------------------
    def households(self, township=None, village=None, **filters) -> str:
        if self.role not in BUSINESS:
            return ""
        return _url(
            "registry:household_list",
            township=township.pk if township else None,
            village=village.pk if village else None,
            campaign="on",
            **filters,
        )

    # --- screening -----------------------------------------------------------------------
    def findings(self, township=None, village=None, **filters) -> str:
        if self.role not in BUSINESS:
            return ""
        return _url(
            "screening:findings",
            township=township.code if township else None,
            village=village.code if village else None,
            **filters,
        )

    # --- ledger --------------------------------------------------------------------------
    def ledger(self, township=None, village=None, **filters) -> str:
        if self.role not in BUSINESS:
            return ""
        return _url(
            "rectification:ledger_list",
            township=township.pk if township else None,
            village=village.pk if village else None,
            **filters,
        )

    # --- weekly reports ------------------------------------------------------------------
    def weeks(self) -> str:
        return reverse("reporting:index") if self.role in CITY | TOWNSHIP else ""

    # --- visits --------------------------------------------------------------------------
    def coverage(self, township=None, village=None) -> str:
        if self.role not in CITY | TOWNSHIP:
            return ""
        return _url(
            "visits:coverage",
            township=township.pk if township else None,
            village=village.pk if village else None,
        )

    # --- spot-checks ---------------------------------------------------------------------
    def spot_checks(self, sample_pk: int | None = None) -> str:
        if self.role == Role.CITY_REVIEWER:
            if sample_pk:
                return reverse("inspections:sample", args=[sample_pk])
            return reverse("inspections:plan")
        if self.role in TOWNSHIP:
            return reverse("inspections:results")
        return ""

    def unit(self, township, village=None) -> dict[str, str]:
        """Every link of one row of the overview (a township, or a village of it)."""
        links = {
            K.HH_SCOPE: self.households(township, village),
            K.HH_ASSESSED: self.households(township, village, grade="assessed"),
            "hh_unassessed": self.households(township, village, grade="none"),
            K.HH_PLAQUED: self.households(township, village, plaque="yes"),
            K.HH_C_PENDING: self.households(
                township, village, grade="C", renovation="not_accepted"
            ),
            K.HH_D_PENDING: self.households(
                township, village, grade="D", renovation="not_accepted"
            ),
            "cd_pending": self.households(township, village, grade="CD", renovation="not_accepted"),
            "findings": self.findings(township, village),
            K.L_TOTAL: self.ledger(township, village),
            K.L_OPEN: self.ledger(township, village, state="open"),
            K.L_CLOSED: self.ledger(township, village, state="closed"),
            K.L_OVERDUE: self.ledger(township, village, light="red"),
            K.L_AWAITING: self.ledger(township, village, state="awaiting"),
            "coverage": self.coverage(township, village),
            "weeks": self.weeks(),
            "spot": self.spot_checks(),
        }
        for aspect, key in K.FINDING_ASPECT.items():
            links[key] = self.findings(township, village, aspect=aspect)
        return links
