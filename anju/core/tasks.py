"""Background work of the shell: the periodic jobs (``periodic.py``)."""

from __future__ import annotations

from io import StringIO

from django.core.management import call_command
from django_tasks import task


@task()
def run_periodic(command: str) -> dict:
    """Queue the job's next run first (a failing run must not end the schedule), then run
    its command; the command's summary line is the task's result."""
    from anju.core import periodic

    job = periodic.job(command)
    following = periodic.queue_next(job)
    out = StringIO()
    call_command(job.command, stdout=out)
    return {
        "job": command,
        "output": out.getvalue().strip(),
        "next_run": following.isoformat() if following else None,
    }
