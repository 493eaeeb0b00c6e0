"""Use cases around an import, called by the pages, the task and the command.

An uploaded file is copied under a random name into the data folder's ``tmp/imports/``
(outside the web root; never under the user's file name). A small file is imported in the
request; a bigger one (over ``IMPORT_SYNC_MAX_BYTES``, default 256 KB) by the background
task, and the page follows its progress. A checked file stays there so the user can then
import it (all rows, or the valid ones) without uploading again; it is deleted as soon as
it has been imported or has failed, and by ``manage.py cleanup`` after 24 hours.
"""

from __future__ import annotations

import contextlib
import uuid
from pathlib import Path
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import transaction

from anju.accounts.roles import IMPORTERS, TOWNSHIP
from anju.audit.context import acting_as, current_actor
from anju.audit.events import Event, Outcome
from anju.audit.services import record
from anju.core import liveness
from anju.registry.io import importer
from anju.registry.io.readers import FileRefused, check_name, max_bytes
from anju.registry.models import ImportBatch

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser
    from django.core.files.uploadedfile import UploadedFile

    from anju.accounts.models import User

Status, Mode = ImportBatch.Status, ImportBatch.Mode


def upload_dir() -> Path:
    return Path(settings.DATA_DIR) / "tmp" / "imports"


def upload_path(name: str) -> Path:
    if not name or "/" in name or "\\" in name or name.startswith("."):
        raise FileNotFoundError(name)
    return upload_dir() / name


def stored_again(name: str, *, sha256: str) -> Path | None:
    """The stored upload ``name`` when it is still there holding the bytes that were
    checked (``sha256``); None once it was imported, expired or cleaned up."""
    try:
        path = upload_path(name)
        same = path.exists() and importer.sha256_of(path) == sha256
    except FileNotFoundError:
        return None
    return path if same else None


def can_import(user: User | AnonymousUser) -> bool:
    return getattr(user, "role", None) in IMPORTERS


def store_upload(uploaded: UploadedFile[bytes], *, filename: str) -> str:
    """Copy an upload to the import folder; refuse wrong types and oversized files."""
    check_name(filename)
    limit = max_bytes()
    if uploaded.size is not None and uploaded.size > limit:
        raise FileRefused(
            f"文件过大（{uploaded.size / 1024 / 1024:.1f} MB），单个文件不能超过 "
            f"{limit // 1024 // 1024} MB：请按乡镇拆分后分别导入。"
        )
    folder = upload_dir()
    folder.mkdir(parents=True, exist_ok=True)
    name = uuid.uuid4().hex
    written = 0
    with (folder / name).open("wb") as out:
        for chunk in uploaded.chunks():
            written += len(chunk)
            if written > limit:
                out.close()
                (folder / name).unlink(missing_ok=True)
                raise FileRefused(f"文件过大，单个文件不能超过 {limit // 1024 // 1024} MB。")
            out.write(chunk)
    return name


def refuse_upload(filename: str, *, message: str) -> None:
    """A file refused before it was stored is still an (unsuccessful) import: audited."""
    record(
        Event.IMPORT,
        outcome=Outcome.FAILURE,
        object_label=ImportBatch._meta.label_lower,
        detail={"file": (filename or "")[:200], "status": Status.FAILED, "reason": message},
    )


def start(
    *, user: User, uploaded: UploadedFile[bytes], mode: str, create_villages: bool = False
) -> ImportBatch:
    """Store the upload, record the batch and run it (now, or in the background)."""
    filename = Path(uploaded.name or "").name
    try:
        name = store_upload(uploaded, filename=filename)
    except FileRefused as exc:
        refuse_upload(filename, message=str(exc))
        raise
    path = upload_path(name)
    batch = importer.new_batch(
        user=user,
        filename=filename,
        path=path,
        mode=mode,
        create_villages=create_villages,
        upload=name,
    )
    return _launch(batch, path)


def follow_up(*, batch: ImportBatch, user: User, mode: str) -> ImportBatch:
    """Import a file that was checked (or blocked) before, or whose import died with its
    process (``reap``), without uploading it again."""
    again = batch.status in (Status.CHECKED, Status.BLOCKED) or batch.crashed
    if batch.user_id != user.pk or not again:
        raise FileRefused("该次检查的文件不能再导入，请重新上传。")
    path = stored_again(batch.upload, sha256=batch.file_sha256)
    if path is None:
        raise FileRefused("暂存的文件已过期（超过 24 小时）或已清理，请重新上传。")
    with transaction.atomic():
        summary = {"checked_in": batch.pk} if not batch.crashed else {"again_of": batch.pk}
        follow = ImportBatch.objects.create(
            user=batch.user,
            township_id=user.unit_id if user.role in TOWNSHIP else None,
            filename=batch.filename,
            file_sha256=batch.file_sha256,
            mode=mode,
            create_villages=batch.create_villages,
            upload=batch.upload,
            summary=summary,
        )
        ImportBatch.objects.filter(pk=batch.pk).update(upload="")
    return _launch(follow, path)


def _launch(batch: ImportBatch, path: Path) -> ImportBatch:
    limit = settings.IMPORT_SYNC_MAX_BYTES
    if path.stat().st_size <= limit:
        return execute(batch.pk)
    from anju.registry.io.tasks import run_import

    transaction.on_commit(lambda: run_import.enqueue(batch.pk))
    return batch


def execute(batch_id: int) -> ImportBatch:
    """Run a recorded batch on its stored file, as the user who started it."""
    batch = ImportBatch.objects.select_related("user", "user__unit").get(pk=batch_id)
    if batch.is_finished or batch.status == Status.RUNNING:
        return batch
    try:
        path = upload_path(batch.upload)
        if not path.exists():
            raise FileNotFoundError(batch.upload)
    except FileNotFoundError:
        return importer.fail(batch, "暂存的文件已过期或已清理，请重新上传。")
    user = batch.user
    if current_actor().user_id == (user.pk if user else None) and user is not None:
        importer.run(batch, path, user=user)
    else:
        with acting_as(user) if user is not None else _system():
            importer.run(batch, path, user=user)
    if batch.status in (Status.DONE, Status.FAILED):
        discard_upload(batch)
    return batch


CRASHED = (
    "导入进程意外中止（服务器重启，或进程被终止），本次导入没有写入任何数据（数据库已回到导入前的状态）。"
    "可以点“重新导入”再试一次；如果再次中止，请把文件按乡镇拆分后分别导入。"
)


def reap(batch: ImportBatch) -> ImportBatch:
    """Mark ``batch`` failed if it is 导入中 and the process running it has died.

    Its transaction died with the process, so nothing was written; the stored file is kept
    so that the user can run it again (``follow_up``). Called when the batch is read and by
    ``reap_imports`` each time the background worker starts."""
    if batch.status != Status.RUNNING or not batch.runner:
        return batch
    if liveness.is_alive(batch.runner) is not False:
        return batch
    claimed = ImportBatch.objects.filter(
        pk=batch.pk, status=Status.RUNNING, runner=batch.runner
    ).update(summary={**(batch.summary or {}), "crashed": True, "runner": batch.runner})
    if not claimed:  # it finished meanwhile, or someone else marked it
        batch.refresh_from_db()
        return batch
    batch.refresh_from_db()
    with _system():  # the system found the dead process, whoever is reading the page
        importer.fail(batch, CRASHED)
    return batch


def reap_all() -> list[ImportBatch]:
    """Every 导入中 batch whose process has died, marked failed."""
    running = ImportBatch.objects.filter(status=Status.RUNNING).exclude(runner="")
    return [b for b in (reap(b) for b in running.select_related("user")) if b.crashed]


def _system() -> contextlib.AbstractContextManager[object]:
    from anju.audit.context import SYSTEM

    return acting_as(SYSTEM)


def discard_upload(batch: ImportBatch) -> None:
    if not batch.upload:
        return
    with contextlib.suppress(FileNotFoundError):
        upload_path(batch.upload).unlink(missing_ok=True)
    ImportBatch.objects.filter(pk=batch.pk).update(upload="")
    batch.upload = ""


def import_path(
    path: Path | str, *, user: User | None = None, mode: str, create_villages: bool = False
) -> ImportBatch:
    """The command's import: the file stays where it is; the actor is set by the caller."""
    path = Path(path)
    if not path.is_file():
        raise FileRefused(f"找不到文件：{path}")
    batch = importer.new_batch(
        user=user, filename=path.name, path=path, mode=mode, create_villages=create_villages
    )
    return importer.run(batch, path, user=user)
