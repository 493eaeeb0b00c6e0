"""The round selector (issue #16 item 3): a user may look at an earlier round of the county.

The choice is kept in the session (``SESSION_KEY``). ``RoundSelectionMiddleware`` puts the
chosen round on the user (``user.viewing_round``), and ``Campaign.objects.current(user)`` —
the one definition every page uses — answers it, so the ledger, weekly reports, finals,
spot-checks and notices of that round open through the ordinary menu. A closed or archived
round is read-only: while viewing one, every request that would change something — a POST
to a view the audit registry (``audit/coverage.py``) says writes data — is refused with a
page saying so (searches, which are POSTed, still work), except the rounds pages themselves
(to go back), the account pages and the user administration.
"""

from __future__ import annotations

from django.shortcuts import render

SESSION_KEY = "anju_viewing_round"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
ALWAYS_WRITABLE = ("/rounds/", "/account/", "/admin/", "/api/", "/reminders/read/")


def viewing(request):
    """The round the user chose to look at (None: the current round)."""
    from anju.campaigns.models import Campaign, Status

    pk = request.session.get(SESSION_KEY)
    if not pk:
        return None
    chosen = Campaign.objects.of_county(request.user).exclude(status=Status.DRAFT).filter(pk=pk)
    return chosen.select_related("county").first()


def choose(request, campaign) -> None:
    """Look at ``campaign`` from now on (None: back to the current round)."""
    if campaign is None:
        request.session.pop(SESSION_KEY, None)
    else:
        request.session[SESSION_KEY] = campaign.pk


class RoundSelectionMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and SESSION_KEY in request.session:
            chosen = viewing(request)
            if chosen is None:
                request.session.pop(SESSION_KEY, None)
            else:
                user.viewing_round = chosen
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        chosen = getattr(getattr(request, "user", None), "viewing_round", None)
        if (
            chosen is None
            or not chosen.is_read_only
            or request.method in SAFE_METHODS
            or request.path.startswith(ALWAYS_WRITABLE)
            or not writes(request.resolver_match)
        ):
            return None
        return render(request, "campaigns/read_only.html", {"viewing": chosen}, status=403)

    def process_exception(self, request, exception):
        """A write service refused a closed round (``guard.RoundReadOnly``): say so, naming
        the round, and record the refusal."""
        from anju.campaigns.guard import RoundReadOnly

        if not isinstance(exception, RoundReadOnly):
            return None
        from anju.audit.events import Event, Outcome
        from anju.audit.services import record

        record(
            Event.PERMISSION_DENIED,
            outcome=Outcome.DENIED,
            obj=exception.campaign,
            detail={"path": request.path, "method": request.method, "reason": "round read-only"},
        )
        if request.path.startswith("/api/"):
            from django.http import JsonResponse

            return JsonResponse({"detail": str(exception.args[0])}, status=403)
        context = {"viewing": exception.campaign, "refused": exception.args[0]}
        return render(request, "campaigns/read_only.html", context, status=403)


def writes(match) -> bool:
    """Whether the view changes data (by the audit registry; unknown views count as
    writing, so a new page is read-only in a past round until it says otherwise)."""
    from anju.audit.coverage import AUDITED_VIEWS, NOT_AUDITED
    from anju.audit.events import Event as E

    name = getattr(match, "view_name", "") or ""
    if name in NOT_AUDITED:
        return False
    reads = {E.EXPORT, E.UNMASK, E.API_READ, E.LOGIN, E.LOGIN_FAILED, E.LOGOUT}
    events = AUDITED_VIEWS.get(name)
    return events is None or bool(set(events) - reads)


def banner(request) -> dict:
    """Context processor: the round being looked at, when it is not the current one."""
    user = getattr(request, "user", None)
    chosen = getattr(user, "viewing_round", None) if user is not None else None
    return {"viewing_round": chosen}
