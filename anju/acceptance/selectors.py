"""What each final-submission page shows, built from scoped reads (``for_user``).

The one write a page may cause is the audit of "签字后台账已变更" the first time it is seen
(``services.changes_after_signing``): the flag itself is derived, never stored as a verdict.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.db.models import Count
from django.urls import reverse

from anju.acceptance import services
from anju.acceptance.models import (
    CLOSED_STATES,
    NOT_SUBMITTED,
    FinalSubmission,
    SealedScan,
    Status,
)
from anju.accounts import reauth
from anju.accounts.roles import Role
from anju.reporting import selectors as reporting_selectors
from anju.reporting.ledger import FIELD_LABELS

if TYPE_CHECKING:
    from django import forms

    from anju.acceptance.models import FinalSubmissionQuerySet
    from anju.accounts.models import User
    from anju.campaigns.models import Campaign
    from anju.units.models import Unit

Context = dict[str, Any]

STATES = [NOT_SUBMITTED, *((s.value, str(s.label)) for s in Status)]
STATE_HINTS = {
    "none": "乡镇尚未生成整改报告和整改台账",
    Status.AWAITING_SIGNATURE: "已生成，待乡镇主要负责人签字",
    Status.SIGNED: "已签字，待上传盖章扫描件",
    Status.AWAITING_REVIEW: "已签字盖章上传，待市住建局审核",
    Status.ACCEPTED: "市住建局已审核通过",
    Status.RETURNED: "市住建局已退回，待乡镇重新生成",
    Status.REOPENED: "验收后台账有变化，市住建局已重新打开，待乡镇重新生成、签字并上传",
}


def submissions_for(user: User, campaign: Campaign) -> FinalSubmissionQuerySet[FinalSubmission]:
    mine: FinalSubmissionQuerySet[FinalSubmission] = FinalSubmission.objects.for_user(user)
    return mine.filter(campaign=campaign).select_related("campaign", "township", "township__parent")


def live_for(user: User, campaign: Campaign, township: Unit) -> FinalSubmission | None:
    return submissions_for(user, campaign).filter(township=township).live().first()


def latest_by_township(user: User, campaign: Campaign) -> dict[int, FinalSubmission]:
    """Each township's submission that counts: the live one, else the latest returned or
    reopened."""
    latest: dict[int, FinalSubmission] = {}
    for s in submissions_for(user, campaign).order_by("township_id", "-id"):
        current = latest.get(s.township_id)
        if current is None or (current.status in CLOSED_STATES and s.status not in CLOSED_STATES):
            latest[s.township_id] = s
    return latest


def status_counts(user: User, campaign: Campaign) -> dict[str, int]:
    townships = list(reporting_selectors.townships_for(user))
    latest = latest_by_township(user, campaign)
    counts = {code: 0 for code, _ in STATES}
    for t in townships:
        s = latest.get(t.pk)
        counts[s.status if s else "none"] += 1
    return counts


def city_context(user: User, campaign: Campaign | None) -> Context:
    context: Context = {"campaign": campaign, "states": STATES}
    if campaign is None:
        return context
    schedule = reporting_selectors.schedule_for(campaign)
    townships = list(reporting_selectors.townships_for(user))
    latest = latest_by_township(user, campaign)
    returns = dict(
        submissions_for(user, campaign)
        .filter(status=Status.RETURNED)
        .values("township")
        .order_by()
        .annotate(n=Count("id"))
        .values_list("township", "n")
    )
    from anju.acceptance import timing
    from anju.reporting import weeks as cal

    timed = timing.timings(campaign, [t.pk for t in townships], cal.server_now())
    rows: list[Context] = []
    for t in townships:
        s = latest.get(t.pk)
        diff = services.changes_after_signing(s) if s else None
        rows.append(
            {
                "township": t,
                "s": s,
                "state": s.status if s else "none",
                "label": s.get_status_display() if s else NOT_SUBMITTED[1],
                "hint": STATE_HINTS[s.status if s else "none"],
                "changed": diff,
                "returns": returns.get(t.pk, 0),
                "timing": timed.get(t.pk),
            }
        )
    counts = {code: 0 for code, _ in STATES}
    for row in rows:
        counts[row["state"]] += 1
    context.update(
        {
            "schedule": schedule,
            "rows": rows,
            "counts": [(code, label, counts[code]) for code, label in STATES],
            "changed_count": sum(1 for r in rows if r["changed"]),
            "township_count": len(townships),
        }
    )
    return context


def _block(township: Unit, campaign: Campaign) -> Context | None:
    n = services.unvisited_count(township, campaign=campaign)
    if not n:
        return None
    return {"count": n, "url": reverse("visits:coverage")}


def _handle_block(township: Unit, campaign: Campaign) -> Context | None:
    """Findings 待确认 and drafts unhandled: the report may not be generated or signed."""
    from anju.acceptance import facts

    counts = facts.unhandled(township, campaign)
    if not counts["total"]:
        return None
    return {
        **counts,
        "findings_url": reverse("screening:findings") + "?status=open",
        "drafts_url": reverse("rectification:draft_list"),
        "confirmed_url": reverse("screening:findings") + "?status=confirmed",
    }


def township_context(
    user: User,
    campaign: Campaign | None,
    form: forms.Form | None = None,
    scan_form: forms.Form | None = None,
) -> Context:
    township = user.unit
    is_officer = user.role == Role.TOWNSHIP_OFFICER
    context: Context = {
        "campaign": campaign,
        "township": township,
        "is_officer": is_officer,
        "is_head": user.role == Role.TOWNSHIP_HEAD,
    }
    if campaign is None or township is None:
        return context
    mine = submissions_for(user, campaign).filter(township=township)
    live = mine.live().first()
    returned = mine.closed().order_by("-id").first()
    can_prepare = is_officer and (live is None or live.status == Status.AWAITING_SIGNATURE)
    if can_prepare and form is None:
        from anju.acceptance.forms import NarrativeForm
        from anju.core.versions import version_of

        source = live or returned
        fields = ("situation", "measures", "cases", "mechanism", "document_number")
        initial = {f: getattr(source, f) for f in fields} if source else {}
        form = NarrativeForm(initial=initial, version=version_of(live))
    context.update(
        {
            "schedule": reporting_selectors.schedule_for(campaign),
            "live": live,
            "returned": returned if live is None else None,
            "visits_block": _block(township, campaign),
            "handle_block": _handle_block(township, campaign),
            "can_prepare": can_prepare,
            "form": form if can_prepare else None,
            "history": list(mine.order_by("-id")),
            "hints": STATE_HINTS,
        }
    )
    if live is not None:
        context.update(detail_context(user, live))
        if context["can_upload"]:
            from anju.acceptance.forms import ScanForm

            context["scan_form"] = scan_form or ScanForm()
    return context


def detail_context(user: User, s: FinalSubmission) -> Context:
    township = s.township
    own = user.unit_id == township.pk
    scans = list(SealedScan.objects.for_user(user).filter(submission=s))
    diff = services.changes_after_signing(s)
    drift = None
    if s.status == Status.AWAITING_SIGNATURE and own:
        from anju.reporting import ledger

        current = ledger.current_entries(s.campaign, township)
        drift = ledger.compare(s.snapshot, current)
    figures = dict(s.figures or {})
    figures["outstanding"] = [
        {**o, "deadline_date": dt.date.fromisoformat(o["deadline"]) if o.get("deadline") else None}
        for o in figures.get("outstanding") or []
    ]
    in_scope = figures.get("households_in_scope") or 0
    visited = figures.get("households_visited") or 0
    return {
        "s": s,
        "township": township,
        "figures": figures,
        "visited_percent": f"{visited * 100 / in_scope:.1f}%" if in_scope else "—",
        "rectified_percent": (
            f"{figures['rectified'] * 100 / figures['total']:.1f}%" if figures.get("total") else "—"
        ),
        "scans": scans,
        "scan": scans[0] if scans else None,
        "changed": diff,
        "drift": drift if drift and drift["total"] else None,
        "can_sign": s.status == Status.AWAITING_SIGNATURE
        and own
        and user.role == Role.TOWNSHIP_HEAD,
        "can_upload": s.status in (Status.SIGNED, Status.AWAITING_REVIEW)
        and own
        and user.role == Role.TOWNSHIP_OFFICER,
        "can_review": s.status == Status.AWAITING_REVIEW and user.role == Role.CITY_REVIEWER,
        "can_reopen": s.status == Status.ACCEPTED and user.role == Role.CITY_REVIEWER,
        "sign_block": _block(township, s.campaign)
        if s.status == Status.AWAITING_SIGNATURE and own
        else None,
        "sign_handle_block": _handle_block(township, s.campaign)
        if s.status == Status.AWAITING_SIGNATURE and own
        else None,
        "reauth": reauth.ask_for(user)
        if s.status == Status.AWAITING_SIGNATURE and own and user.role == Role.TOWNSHIP_HEAD
        else None,
        "field_labels": FIELD_LABELS,
        "hint": STATE_HINTS[s.status],
    }


def versions_of(user: User, s: FinalSubmission) -> list[FinalSubmission]:
    return list(
        FinalSubmission.objects.for_user(user)
        .filter(campaign=s.campaign, township=s.township)
        .exclude(pk=s.pk)
        .order_by("-id")
    )
