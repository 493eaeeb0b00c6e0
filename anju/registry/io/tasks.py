"""The registry's background import (django-tasks; the test settings run tasks at once).

Queued under ``anju.registry.io.tasks.run_import``; ``anju/registry/tasks.py`` keeps the old
name for imports queued before the move (a queued task is stored by its dotted path)."""

from __future__ import annotations

from django_tasks import task


@task()
def run_import(batch_id: int) -> dict:
    """Import a stored workbook (the import page polls the ImportBatch for progress)."""
    from anju.registry.io.services import execute

    batch = execute(batch_id)
    return {"batch": batch.pk, "status": batch.status}
