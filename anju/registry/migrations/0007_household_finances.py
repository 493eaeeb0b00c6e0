"""自筹资金, 是否举债 and 其他住房补助 become the household's (ADR 0009), step 1 of 3: the
household's columns."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("registry", "0006_household_scope_counts_index")]

    operations = [
        migrations.AddField(
            model_name="household",
            name="self_funds",
            field=models.DecimalField(
                blank=True, decimal_places=2, max_digits=12, null=True, verbose_name="自筹资金"
            ),
        ),
        migrations.AddField(
            model_name="household",
            name="borrowed",
            field=models.BooleanField(blank=True, null=True, verbose_name="是否举债"),
        ),
        migrations.AddField(
            model_name="household",
            name="other_subsidy",
            field=models.CharField(
                blank=True,
                choices=[
                    ("", "（无）"),
                    ("灾后重建", "灾后重建"),
                    ("抗震改造", "抗震改造"),
                    ("易地搬迁", "易地搬迁"),
                ],
                max_length=4,
                verbose_name="其他住房补助",
            ),
        ),
        migrations.AddConstraint(
            model_name="household",
            constraint=models.CheckConstraint(
                condition=models.Q(("self_funds__gte", 0), ("self_funds__isnull", True), _connector="OR"),
                name="household_self_funds_nonnegative",
            ),
        ),
    ]
