"""自筹资金, 是否举债 and 其他住房补助 become the household's (ADR 0009), step 3 of 3: the
renovation's columns go."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("registry", "0008_household_finances_from_renovation")]

    operations = [
        migrations.RemoveConstraint(
            model_name="renovation", name="renovation_self_funds_nonnegative"
        ),
        migrations.RemoveField(model_name="renovation", name="self_funds"),
        migrations.RemoveField(model_name="renovation", name="borrowed"),
        migrations.RemoveField(model_name="renovation", name="other_subsidy"),
    ]
