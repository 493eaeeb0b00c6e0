"""The ledger pages: the list, an entry, the entry form, drafts, quality.

Thin views: scope from ``LedgerEntry.objects.for_user`` / ``get_scoped_or_404``, the work in
``services``, ``workflow`` and ``quality``. Actions on an entry (transitions, notes,
evidence) are in ``views_actions``; the workbooks in ``views_exports``.
"""

from __future__ import annotations

import dataclasses

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse

from anju.accounts.roles import BUSINESS, CITY, TOWNSHIP, Role
from anju.campaigns.decorators import needs_round
from anju.campaigns.guard import is_writable
from anju.campaigns.models import Campaign
from anju.core import search, versions
from anju.core.access import allow
from anju.core.scoping import get_scoped_or_404
from anju.core.versions import versioned
from anju.rectification import forms, quality, selectors, services, workflow
from anju.rectification.models import LedgerEntry, Light, Nature, Source, State
from anju.registry import selectors as registry_selectors
from anju.registry.models import Household

READERS = BUSINESS
MANAGERS = CITY | TOWNSHIP  # see quality and exports (not village workers)
DRAFT_READERS = frozenset({Role.TOWNSHIP_OFFICER, Role.TOWNSHIP_HEAD})
PAGE_SIZE = 50
FIND_LIMIT = 20


def entry_or_404(request, pk: int) -> LedgerEntry:
    queryset = LedgerEntry.objects.select_related("township", "village", "campaign", "created_by")
    return get_scoped_or_404(request, queryset, pk=pk)


# --- the list ------------------------------------------------------------------------------
@allow(READERS)
def ledger_list(request):
    # The keyword box is POSTed: a phone or ID number typed into it continues sealed (qk),
    # never in the URL or the access log (core.search; issue #13).
    here = reverse("rectification:ledger_list")
    if (redirect_to := search.unsealed_redirect(request, here)) is not None:
        return redirect_to
    user = request.user
    campaign = Campaign.objects.current(user)
    f = selectors.parse_filters(user, search.with_text(request.GET))
    sealed = search.sealed_search(request.GET)
    base = selectors.entries_for(user, campaign, f)
    unlit = selectors.entries_for(user, campaign, dataclasses.replace(f, light=""))
    rows = selectors.page_rows(selectors.with_state(base, f))
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    township = f.township if selectors.is_city(user) else _own_township(user)
    issues = _township_issues(user, campaign, township)
    by_entry = quality.by_entry(issues)
    for entry in page:
        entry.issues = by_entry.get(entry.pk, [])
    keep = request.GET.copy()
    keep.pop("page", None)
    keep_state = keep.copy()
    keep_state.pop("state", None)
    return render(
        request,
        "rectification/ledger_list.html",
        {
            "campaign": campaign,
            "filters": f,
            "q_shown": "" if sealed else f.q,
            "sealed": sealed,
            "page": page,
            "state_counts": selectors.state_counts(base),
            "total": sum(n for _, _, n in selectors.state_counts(base)),
            "light_counts": selectors.light_counts(unlit.exclude(state=State.CLOSED)),
            "issues": issues,
            "township": township,
            "is_city": selectors.is_city(user),
            "townships": selectors.townships_for(user) if selectors.is_city(user) else [],
            "villages": _villages(user, f),
            "natures": Nature.choices,
            "aspects": selectors.ASPECTS,
            "sources": Source.choices,
            "states": [(s.value, s.label) for s in selectors.LEDGER_STATES],
            "lights": [(Light.RED, "已逾期"), (Light.YELLOW, "临近时限"), (Light.GREEN, "正常")],
            "query": keep.urlencode(),
            "query_no_state": keep_state.urlencode(),
            "can_write": selectors.can_write(user),
            "can_export": user.role in MANAGERS,
            "drafts": _draft_count(user, campaign),
        },
    )


def _own_township(user):
    return user.unit if user.role in TOWNSHIP else None


def _villages(user, f):
    if selectors.is_city(user) and f.township is None:
        return []
    if user.role == Role.VILLAGE_WORKER:
        return []
    return list(selectors.villages_for(user, f.township or _own_township(user)))


def _township_issues(user, campaign, township) -> list:
    if township is None or user.role not in MANAGERS:
        return []
    entries = LedgerEntry.objects.for_user(user).filter(campaign=campaign, township=township)
    return quality.check_entries(entries, name_townships=selectors.is_city(user))


def _draft_count(user, campaign) -> int:
    if user.role not in DRAFT_READERS:
        return 0
    return selectors.entries_for(user, campaign, drafts=True).count()


# --- an entry --------------------------------------------------------------------------------
def detail_context(request, entry: LedgerEntry, **extra) -> dict:
    user = request.user
    findings = list(entry.findings.select_related("household").order_by("rule_code"))
    writable = is_writable(entry.campaign)  # a closed round's entry is shown, not changed
    joinable = []
    if writable and entry.state == State.DRAFT and user.role == Role.TOWNSHIP_OFFICER:
        joinable = _joinable(user, entry)
    return {
        "entry": entry,
        "light": entry.light(selectors.today()),
        "aspect": dict(selectors.ASPECTS).get(entry.aspect, ""),
        "households": entry.households.select_related("village").order_by("village__code", "pk"),
        "findings": findings,
        "open_findings": [f for f in findings if f.status != "resolved"],
        "notes": entry.notes.select_related("author"),
        "evidence": entry.evidence.select_related("uploaded_by"),
        "history": entry.transitions.select_related("actor"),
        "transitions": workflow.available(entry, user) if writable else [],
        "issues": quality.check_entry(entry, name_townships=selectors.is_city(user))
        if user.role in MANAGERS
        else [],
        "can_edit": writable and user.role in services.WRITERS and entry.is_editable,
        "can_note": writable and user.role in services.NOTE_WRITERS and entry.state != State.CLOSED,
        "read_only_round": None if writable else entry.campaign,
        "note_form": extra.pop("note_form", None) or forms.NoteForm(),
        "joinable": joinable,
        **extra,
    }


def _joinable(user, entry):
    return (
        LedgerEntry.objects.for_user(user)
        .filter(campaign=entry.campaign, township=entry.township)
        .filter(state__in=[State.PENDING, State.IN_PROGRESS])
        .order_by("number")
    )


@allow(READERS)
def entry_detail(request, pk: int):
    entry = entry_or_404(request, pk)
    return render(request, "rectification/entry_detail.html", detail_context(request, entry))


# --- writing an entry ------------------------------------------------------------------------
@allow(services.WRITERS)
@needs_round
def entry_create(request):
    user = request.user
    return _entry_form(request, township=user.unit, campaign=Campaign.objects.current(user))


@versioned
@allow(services.WRITERS)
def entry_edit(request, pk: int):
    entry = entry_or_404(request, pk)
    if not entry.is_editable:
        messages.error(request, f"{entry.label}已“{entry.get_state_display()}”，不能再修改。")
        return redirect("rectification:entry_detail", pk=entry.pk)
    return _entry_form(request, township=entry.township, campaign=entry.campaign, entry=entry)


def _entry_form(request, *, township, campaign, entry=None):
    user = request.user
    kwargs = {"user": user, "township": township, "campaign": campaign, "entry": entry}
    results, find_q, differences, status = [], "", [], 200
    if request.method == "POST" and request.POST.get("action") == "find":
        kwargs["version"] = request.POST.get("version", "")  # still the version first opened
        form = forms.EntryForm(initial=forms.initial_from_post(request.POST), **kwargs)
        find_q = (request.POST.get("find_q") or "").strip()[:40]
        results = _find_households(user, township, find_q, form)
        if registry_selectors.looks_like_id_number(find_q):
            find_q = ""  # a full ID number is never echoed back into the page
    elif request.method == "POST":
        form = forms.EntryForm(request.POST, **kwargs)
        if form.is_valid():
            try:
                saved = _save(request, form, township, campaign, entry)
            except versions.StaleEdit as exc:
                differences = versions.differences(form, exc.current)
                versions.refuse(request, exc, form)
                saved, status = None, versions.CONFLICT
            if saved is not None:
                return redirect("rectification:entry_detail", pk=saved.pk)
    else:
        initial = forms.initial_from(entry) if entry else {}
        form = forms.EntryForm(initial=initial, version=versions.version_of(entry), **kwargs)
    return render(
        request,
        "rectification/entry_form.html",
        {
            "form": form,
            "entry": entry,
            "campaign": campaign,
            "township": township,
            "selected": _selected(user, township, form),
            "results": results,
            "find_q": find_q,
            "searched": request.POST.get("action") == "find",
            "searched_any": bool((request.POST.get("find_q") or "").strip()),
            "title": f"修改{entry.label}" if entry else "新增台账条目",
            "differences": differences,
        },
        status=status,
    )


def _save(request, form, township, campaign, entry):
    data = form.entry_data()
    households = form.cleaned_data.get("households") or []
    try:
        if entry is None:
            saved = services.create_entry(
                actor=request.user,
                campaign=campaign,
                township=township,
                households=households,
                source=Source.SELF,
                **data,
            )
            messages.success(request, f"已写入整改台账{saved.label}。")
        else:
            what = f"整改台账{entry.label}"
            with versions.editing(entry, form.submitted_version(), what=what):
                saved = services.update_entry(
                    actor=request.user, entry=entry, data=data, households=households
                )
            messages.success(request, f"已保存{saved.label}的修改。")
    except ValidationError as exc:
        if hasattr(exc, "error_dict"):
            for name, errors in exc.message_dict.items():
                form.add_error(name if name in form.fields else None, errors)
        else:
            form.add_error(None, exc.messages)
        return None
    return saved


def _selected_ids(form) -> list[int]:
    value = form["households"].value() or []
    return [int(v) for v in value if str(v).isdigit()]


def _selected(user, township, form):
    ids = _selected_ids(form)
    if not ids:
        return []
    return list(
        Household.objects.for_user(user)
        .filter(township=township, pk__in=ids)
        .select_related("village")
        .order_by("village__code", "head_name")
    )


def _find_households(user, township, text: str, form):
    if not text:
        return []
    qs = Household.objects.for_user(user).filter(township=township)
    found = registry_selectors.search(qs, text).exclude(pk__in=_selected_ids(form))
    return list(found.select_related("village").order_by("village__code", "head_name")[:FIND_LIMIT])


# --- drafts ----------------------------------------------------------------------------------
@allow(DRAFT_READERS)
def draft_list(request):
    user = request.user
    campaign = Campaign.objects.current(user)
    drafts = (
        selectors.entries_for(user, campaign, drafts=True)
        .select_related("village", "created_by", "campaign")
        .order_by("-created_at")
    )
    rows = list(drafts[:200])
    for draft in rows:
        draft.issues = quality.check_entry(draft)
    return render(
        request,
        "rectification/drafts.html",
        {
            "drafts": rows,
            "joinable": list(_joinable(user, rows[0])) if rows else [],
            "can_write": selectors.can_write(user),
        },
    )


# --- quality ---------------------------------------------------------------------------------
@allow(MANAGERS)
def quality_view(request):
    user = request.user
    campaign = Campaign.objects.current(user)
    if selectors.is_city(user):
        townships = selectors.townships_for(user)
        rows = quality.county_summary(campaign, townships)
        chosen = None
        township_id = request.GET.get("township") or ""
        if township_id.isdigit():
            chosen = townships.filter(pk=int(township_id)).first()
        issues = _township_issues(user, campaign, chosen) if chosen else []
        thin = [quality.thin_message(r["township"], r) for r in rows if r["thin"]]
    else:
        rows, chosen, thin = [], user.unit, []
        issues = _township_issues(user, campaign, chosen)
    return render(
        request,
        "rectification/quality.html",
        {
            "campaign": campaign,
            "rows": rows,
            "checks": list(quality.CHECKS.values()),
            "chosen": chosen,
            "issues": issues,
            "thin": thin,
            "is_city": selectors.is_city(user),
            "ledger_url": reverse("rectification:ledger_list"),
        },
    )
