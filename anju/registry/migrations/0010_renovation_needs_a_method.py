"""A household has a renovation only when it has a 改造方式 (RULES.md, ADR 0009).

Renovation records that carry neither a method nor any renovation fact — made by earlier
imports of rows whose renovation columns held only 否, 0 or nothing (是否举债 = 否 was
enough) — are removed, and every household whose current record has no method is
re-screened. No schema changes: the work is ``anju.registry.upgrades.drop_empty_renovations``,
which ``migrate`` runs right after applying this migration (post_migrate), because it writes
the audit trail and re-screens with the current code, which a migration's historical models
cannot do."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("registry", "0009_remove_renovation_finances")]

    operations = []
