"""The read layer of the list-import pages: the versions list and one version with its
problems and what changed since the previous version of the same source.

Lists arrive at the county bureau: city roles see every run (checks, refusals, versions);
township roles see the written versions, and of what changed only their own township's
households (``ListedHousehold.objects.for_user``). Problems (which quote cells) are for
the importers."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.paginator import Paginator
from django.http import Http404

from anju.accounts.roles import COUNTY_WIDE
from anju.monitoring.models import ListedHousehold, ListVersion, Source
from anju.monitoring.services import can_import_lists
from anju.monitoring.versions import changes
from anju.registry.io.problems import LEVEL_LABELS

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from anju.accounts.models import User

Status = ListVersion.Status
PER_PAGE = 30
SHOWN = {
    "added": "新增",
    "removed": "减少",
    "changed": "类别或风险变化",
}


def versions_for(user: User) -> QuerySet[ListVersion]:
    versions = ListVersion.objects.select_related("user").defer("problems")
    if can_import_lists(user):
        return versions
    return versions.filter(status=Status.DONE)


def version_or_404(user: User, pk: int) -> ListVersion:
    found: ListVersion | None = versions_for(user).filter(pk=pk).first()
    if found is None:
        raise Http404("不存在或无权查看")
    return found


def lists_context(user: User, page: str | None) -> dict[str, Any]:
    versions = versions_for(user)
    return {
        "page": Paginator(versions, PER_PAGE).get_page(page),
        "current_ids": set(ListVersion.objects.current_ids()),
        "can_import": can_import_lists(user),
    }


def version_context(
    user: User, version: ListVersion, *, show: str, page: str | None, level: str
) -> dict[str, Any]:
    importer = can_import_lists(user)
    context: dict[str, Any] = {
        "version": version,
        "summary": version.summary or {},
        "can_import": importer,
        "can_confirm": (
            importer
            and version.user_id == user.pk
            and version.status == Status.CHECKED
            and not version.error_count
            and bool(version.upload)
        ),
        "is_current": version.pk in ListVersion.objects.current_ids(),
    }
    if version.status == Status.DONE:
        context.update(_changes(user, version, show, page))
    elif importer and version.problems:  # a version written shows its changes, paged
        problems = version.problems
        counts = dict.fromkeys(LEVEL_LABELS, 0)
        for p in problems:
            counts[p["level"]] = counts.get(p["level"], 0) + 1
        if level in LEVEL_LABELS:
            problems = [p for p in problems if p["level"] == level]
        context["levels"] = [(k, v, counts.get(k, 0)) for k, v in LEVEL_LABELS.items()]
        context["level"] = level
        context["problems"] = Paginator(problems, 50).get_page(page)
    return context


def _changes(user: User, version: ListVersion, show: str, page: str | None) -> dict[str, Any]:
    found = changes(version)
    sets = {
        "added": found.added.for_user(user),
        "removed": found.removed.for_user(user),
        "changed": found.changed.for_user(user),
    }
    counts = {key: rows.count() for key, rows in sets.items()}
    if show not in SHOWN:
        show = next((k for k in SHOWN if counts[k]), "added")
    rows = sets[show].select_related("township", "village").order_by("township__code", "row")
    listing = Paginator(rows, PER_PAGE).get_page(page)
    if show == "changed":
        before = {
            b.id_number_hash: b
            for b in ListedHousehold.objects.filter(
                version=found.previous,
                id_number_hash__in=[r.id_number_hash for r in listing],
            )
        }
        for row in listing:
            row.before = before.get(row.id_number_hash)
    return {
        "previous": found.previous,
        "show": show,
        "tabs": [(key, label, counts[key]) for key, label in SHOWN.items()],
        "listing": listing,
        "scoped": user.role not in COUNTY_WIDE,
        # a 民政 list states no risk and no 是否危房户: those columns are 防返贫监测's
        "fpjc": version.source == Source.FPJC,
    }
