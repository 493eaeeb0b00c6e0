"""The background import moved to ``anju.registry.io.tasks`` (#19 step 3). django-tasks keeps a
queued task by its dotted path, so an import queued before the move still names
``anju.registry.tasks.run_import``: the worker must still run it, and new ones are queued
under the new path."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.test import override_settings
from django_tasks_db.models import DBTaskResult

from anju.registry.io import importer, services
from anju.registry.io.tasks import run_import
from anju.registry.models import Household, ImportBatch
from tests.registry.test_import_helpers import row, write_xlsx

# The worker commits between tasks: these tests commit, and the database is restored after.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

DATABASE_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
OLD_PATH = "anju.registry.tasks.run_import"


def pending_batch(tmp_path, user, village) -> ImportBatch:
    source = write_xlsx(tmp_path / "火龙镇农户.xlsx", [row(village, n=n) for n in (1, 2)])
    services.upload_dir().mkdir(parents=True)
    name = "0123456789abcdef0123456789abcdef"
    services.upload_path(name).write_bytes(source.read_bytes())
    return importer.new_batch(
        user=user,
        filename=source.name,
        path=source,
        mode=ImportBatch.Mode.ALL,
        create_villages=False,
        upload=name,
    )


@override_settings(TASKS=DATABASE_QUEUE)
def test_an_import_queued_under_the_old_task_path_still_runs(
    settings, tmp_path, officer_a, village_a
):
    settings.DATA_DIR = tmp_path / "data"
    batch = pending_batch(tmp_path, officer_a, village_a)
    queued = run_import.enqueue(batch.pk)
    assert DBTaskResult.objects.get(pk=queued.id).task_path == "anju.registry.io.tasks.run_import"
    # As a release before the move wrote it.
    DBTaskResult.objects.filter(pk=queued.id).update(task_path=OLD_PATH)

    call_command("db_worker", "--batch", "--interval", "0", "--no-startup-delay")

    done = DBTaskResult.objects.get(pk=queued.id)
    assert done.status == "SUCCESSFUL", done.traceback
    assert done.return_value == {"batch": batch.pk, "status": ImportBatch.Status.DONE}
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.DONE
    assert Household.objects.filter(village=village_a).count() == 2
