"""A provider becomes a clinician's diary: the link, filled by allure 0005."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("bookings", "0011_manage_link_version"),
        ("procedures", "0009_clinicians"),
    ]

    operations = [
        migrations.AddField(
            model_name="provider",
            name="clinician",
            field=models.OneToOneField(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="diary",
                to="procedures.clinician",
            ),
        ),
    ]
