"""PostgreSQL: the staging table of hits is UNLOGGED (#20 step 3).

Its rows live inside one chunk's transaction — staged, synchronised into findings, deleted —
so nothing in it ever needs to survive a crash or reach a standby; writing it to the WAL was
pure cost (a first county run at 10⁶ stages ~174,000 hits). After a crash PostgreSQL
empties an unlogged table, which is the state it is always in between runs. SQLite: nothing.
"""

from django.db import migrations


def unlogged(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE screening_hit SET UNLOGGED")


def logged(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE screening_hit SET LOGGED")


class Migration(migrations.Migration):
    dependencies = [("screening", "0005_carried_over")]

    operations = [migrations.RunPython(unlogged, logged)]
