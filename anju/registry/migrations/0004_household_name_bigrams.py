"""PostgreSQL: an index that finds a head's name by any two consecutive characters.

``LIKE '%王建%'`` cannot use a B-tree, and pg_trgm needs three characters, where Chinese
names have two or three. So the name's bigrams (王建国 → {王建, 建国}) are indexed with GIN,
and a search for 2+ characters asks for names holding all of the text's bigrams, then
checks LIKE on those few rows. SQLite has no GIN; it scans the name index (fast enough
there, see docs/PERFORMANCE.md)."""

from django.db import migrations

FUNCTION = """
CREATE OR REPLACE FUNCTION anju_bigrams(t text) RETURNS text[]
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT coalesce(array_agg(DISTINCT substr(t, i, 2)), '{}')
  FROM generate_series(1, char_length(t) - 1) AS i
$$;
"""
INDEX = (
    "CREATE INDEX IF NOT EXISTS household_name_bigrams ON registry_household "
    "USING gin (anju_bigrams(head_name))"
)


def forward(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(FUNCTION)
    schema_editor.execute(INDEX)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("DROP INDEX IF EXISTS household_name_bigrams")
    schema_editor.execute("DROP FUNCTION IF EXISTS anju_bigrams(text)")


class Migration(migrations.Migration):
    dependencies = [("registry", "0003_household_bank_account_anonymised_at")]

    operations = [migrations.RunPython(forward, backward, elidable=False)]
