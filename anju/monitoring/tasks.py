"""Background work of 动态监测 (django-tasks; the test settings run tasks at once)."""

from __future__ import annotations

from django_tasks import task


@task()
def run_list(version_id: int) -> dict:
    """Import a stored department list (the page polls the ListVersion for progress)."""
    from anju.monitoring.uploads import execute

    version = execute(version_id)
    return {"version": version.pk, "status": version.status}
