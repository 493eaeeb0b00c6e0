"""The list-import page's use cases (issue #18 part 1): a department list uploaded on the
page is checked first (a dry run: the preview with every problem named by row and column,
nothing written), then, on 确认导入, written as a new version from the same stored file.

The upload passes the registry import's guards: the size before the body is read (the
view) and while it is copied (``registry.io.services.store_upload``: extension, size, a
random name in the data folder's ``tmp/imports/``, never the user's name), then the reading
checks of ``registry.io.readers.open_sheets`` (type by content, zip entries and inflated
size, no DTD/ENTITY, no password, sheet extent) inside ``importer.run``. A small file is
read in the request; a bigger one (over ``IMPORT_SYNC_MAX_BYTES``) by the background task,
and the page follows its progress. The stored file is deleted once written or failed, and
by ``cleanup`` after 24 hours. Every run is one ``import`` audit event (importer.py); a file
refused before it was stored is audited too.
"""

from __future__ import annotations

import contextlib
from pathlib import Path

from django.conf import settings
from django.db import transaction

from anju.audit.context import SYSTEM, acting_as, current_actor
from anju.audit.events import Event, Outcome
from anju.audit.services import record
from anju.core import liveness
from anju.monitoring import importer
from anju.monitoring.models import ListVersion
from anju.monitoring.services import can_import_lists
from anju.registry.io.readers import FileRefused
from anju.registry.io.services import store_upload, stored_again, upload_path

Status = ListVersion.Status
CRASHED = "导入进程意外中止（服务器重启，或进程被终止），没有写入任何数据。请重新上传名单再导入。"


def refuse_upload(filename: str, message: str, *, source: str = "") -> None:
    """A file refused before it was stored is still an (unsuccessful) import: audited."""
    record(
        Event.IMPORT,
        outcome=Outcome.FAILURE,
        object_label=ListVersion._meta.label_lower,
        detail={
            "source": source,
            "file": (filename or "")[:200],
            "status": Status.FAILED,
            "reason": message,
        },
    )


def start(*, user, uploaded, source: str) -> ListVersion:
    """Store the upload and check it (a dry run: the preview); nothing is written."""
    if not can_import_lists(user):
        raise FileRefused("只有市住建局管理员、审核员可以导入部门名单。")
    filename = Path(uploaded.name or "").name
    try:
        name = store_upload(uploaded, filename=filename)
    except FileRefused as exc:
        refuse_upload(filename, str(exc), source=source)
        raise
    path = upload_path(name)
    version = ListVersion.objects.create(
        source=source,
        user=user,
        filename=filename[:200],
        file_sha256=importer.sha256_of(path),
        dry_run=True,
        upload=name,
        message="排队中，请稍候…",
    )
    return _launch(version, path)


def confirm(*, version: ListVersion, user) -> ListVersion:
    """确认导入: write the checked file as a new version, without uploading it again. Only
    the user who checked it, only a check without errors, only while its file is stored."""
    if version.user_id != user.pk or not can_import_lists(user):
        raise FileRefused("只有检查该文件的人可以确认导入。")
    if version.status != Status.CHECKED or version.error_count:
        raise FileRefused("只有检查通过（没有错误）的名单可以确认导入。")
    path = stored_again(version.upload, sha256=version.file_sha256)
    if path is None:
        raise FileRefused("暂存的文件已导入、已过期（超过 24 小时）或已清理，请重新上传。")
    with transaction.atomic():
        claimed = ListVersion.objects.filter(pk=version.pk, upload=version.upload).update(upload="")
        if not claimed:  # a second click, or another tab, confirmed it meanwhile
            raise FileRefused("该文件已确认导入，请勿重复提交。")
        follow = ListVersion.objects.create(
            source=version.source,
            user=user,
            filename=version.filename,
            file_sha256=version.file_sha256,
            dry_run=False,
            upload=version.upload,
            message="排队中，请稍候…",
            summary={"checked_in": version.pk},
        )
    return _launch(follow, path)


def _launch(version: ListVersion, path: Path) -> ListVersion:
    if path.stat().st_size <= settings.IMPORT_SYNC_MAX_BYTES:
        return execute(version.pk)
    from anju.monitoring.tasks import run_list

    transaction.on_commit(lambda: run_list.enqueue(version.pk))
    return version


def execute(version_id: int) -> ListVersion:
    """Run a recorded version on its stored file, as the user who started it."""
    version = ListVersion.objects.select_related("user", "user__unit").get(pk=version_id)
    if version.is_finished or version.runner:
        return version
    try:
        path = upload_path(version.upload)
        if not path.exists():
            raise FileNotFoundError(version.upload)
    except FileNotFoundError:
        with _as(version.user):
            return importer.fail(version, "暂存的文件已过期或已清理，请重新上传。")
    with _as(version.user):
        importer.run(version, path, user=version.user)
    if version.status in (Status.DONE, Status.FAILED, Status.BLOCKED) or version.error_count:
        discard_upload(version)
    return version


def _as(user):
    if user is not None and current_actor().user_id == user.pk:
        return contextlib.nullcontext()
    return acting_as(user if user is not None else SYSTEM)


def reap(version: ListVersion) -> ListVersion:
    """Mark ``version`` failed if it is 导入中 and the process running it has died (its
    transaction died with it: nothing was written)."""
    if version.is_finished or not version.runner:
        return version
    if liveness.is_alive(version.runner) is not False:
        return version
    claimed = ListVersion.objects.filter(
        pk=version.pk, status=Status.RUNNING, runner=version.runner
    ).update(runner="")
    version.refresh_from_db()
    if claimed:
        with acting_as(SYSTEM):
            importer.fail(version, CRASHED)
        discard_upload(version)
    return version


def discard_upload(version: ListVersion) -> None:
    if not version.upload:
        return
    with contextlib.suppress(FileNotFoundError):
        upload_path(version.upload).unlink(missing_ok=True)
    ListVersion.objects.filter(pk=version.pk).update(upload="")
    version.upload = ""
