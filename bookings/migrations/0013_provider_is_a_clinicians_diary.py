"""Who a provider is now lives on their clinician (allure 0005 copied it): the provider
keeps the diary (hours, days away, calendar feed) and its id, so bookings and feed
addresses stay as they were."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("bookings", "0012_provider_clinician"),
        ("allure", "0005_clinicians_from_profiles_and_providers"),
    ]

    operations = [
        migrations.RemoveField(model_name="provider", name="name"),
        migrations.RemoveField(model_name="provider", name="title"),
        migrations.RemoveField(model_name="provider", name="photo"),
        migrations.RemoveField(model_name="provider", name="bio_page"),
        migrations.RemoveField(model_name="provider", name="procedures"),
        migrations.RemoveField(model_name="provider", name="active"),
        migrations.RemoveField(model_name="provider", name="sort_order"),
        migrations.AlterField(
            model_name="provider",
            name="clinician",
            field=models.OneToOneField(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="diary",
                to="procedures.clinician",
            ),
        ),
        migrations.AlterModelOptions(
            name="provider",
            options={
                "ordering": ["clinician__sort_order", "clinician__name"],
                "verbose_name": "diary",
                "verbose_name_plural": "diaries",
            },
        ),
    ]
