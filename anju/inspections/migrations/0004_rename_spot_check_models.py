# The spot-check models take names of their own: visits has Visit, VisitPhoto and VisitProblem
# (issue #19). Tables and foreign keys are renamed with them; no data changes.

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("inspections", "0003_aspect_reconcile"),
    ]

    operations = [
        migrations.RenameModel(old_name="Visit", new_name="SpotCheckVisit"),
        migrations.RenameModel(old_name="VisitProblem", new_name="SpotCheckProblem"),
        migrations.RenameModel(old_name="VisitPhoto", new_name="SpotCheckPhoto"),
    ]
