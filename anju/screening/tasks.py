"""Background work of screening (django-tasks; tests run tasks immediately)."""

from __future__ import annotations

from django_tasks import task


@task()
def run_screening(run_id: int) -> dict:
    """Process a queued run (the progress page polls the Run row)."""
    from anju.screening.services import execute_run

    run = execute_run(run_id)
    return {"run": run.pk, "status": run.status, "hits": run.hits}


@task()
def screen_households_task(household_ids: list[int]) -> dict:
    """Re-screen many changed households (an import) out of the request."""
    from anju.screening.services import screen_households

    run = screen_households(household_ids)
    return {"run": run.pk, "status": run.status, "hits": run.hits}
