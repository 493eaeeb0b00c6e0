import datetime as dt

from django.core.exceptions import ValidationError
from django.shortcuts import render

from anju.accounts.roles import CITY, Role
from anju.core.access import allow
from anju.core.exports import record_export
from anju.core.files import serve_file
from anju.core.workbooks import XLSX
from anju.publicity import services
from anju.publicity.models import Publication
from anju.units.models import Unit

ROLES = CITY | {Role.TOWNSHIP_OFFICER}


def _date(value: str):
    try:
        return dt.date.fromisoformat(value)
    except (TypeError, ValueError):
        return None


@allow(ROLES)
def publication_list(request):
    publications = Publication.objects.for_user(request.user).select_related(
        "township", "village", "created_by"
    )
    townships = Unit.objects.for_user(request.user).townships()
    errors: dict = {}
    if request.method == "POST":
        township = townships.filter(pk=request.POST.get("township") or 0).first()
        village = (
            Unit.objects.for_user(request.user)
            .villages()
            .filter(pk=request.POST.get("village") or 0)
            .first()
        )
        dates = {k: _date(request.POST.get(k, "")) for k in ("starts_on", "ends_on", "takedown_on")}
        if township is None:
            errors["township"] = "请选择乡镇。"
        errors.update({k: "请填写有效日期。" for k, v in dates.items() if v is None})
        if not errors:
            try:
                publication, data = services.publish(
                    actor=request.user,
                    township=township,
                    village=village,
                    title=request.POST.get("title", ""),
                    **dates,
                )
            except ValidationError as exc:
                errors = {k: "；".join(v) for k, v in exc.message_dict.items()}
            else:
                record_export(
                    what="publicity.publication",
                    filters={"township": township.code, "village": village.code if village else ""},
                    rows=publication.rows,
                    content=data,
                    unmasked=False,
                )
                return serve_file(data, name=f"{publication.title}.xlsx", content_type=XLSX)
    return render(
        request,
        "publicity/list.html",
        {
            "publications": publications[:100],
            "townships": townships,
            "errors": errors,
            "form": request.POST,
        },
    )
