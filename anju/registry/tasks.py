"""The registry's background import moved to ``anju.registry.io.tasks``.

django-tasks stores a queued task by its dotted path (``DBTaskResult.task_path``) and the
worker resolves it with ``import_string``: imports queued before the move name
``anju.registry.tasks.run_import``, so this name must keep answering with the same task.
"""

from anju.registry.io.tasks import run_import

__all__ = ["run_import"]
