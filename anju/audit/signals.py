"""``recorded``: sent after audit events are written (inside the writer's transaction), with
the set of ``events`` and of ``object_types`` ("app.model") they were about. Other apps
listen to learn that data changed — every change to data is audited, whether it went
through ``save()`` or a conditional UPDATE — without the audit app knowing them."""

from django.dispatch import Signal

recorded = Signal()
