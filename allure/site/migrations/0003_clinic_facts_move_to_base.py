"""The clinic's facts (settings, footer links, opening hours, closures) move to the base app
(`allure.base`, label "base"). Only Django's idea of where they live changes: their tables
keep their names, so no row moves. The base app's first migration takes them over."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("allure", "0002_initial"),
        # It grants the front desk permissions on hours and closures while they are still here.
        ("bookings", "0002_front_desk_group"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
            migrations.RemoveField(
                model_name='footerlink',
                name='settings',
            ),
            migrations.RemoveConstraint(
                model_name='closure',
                name='closure_ends_after_start',
            ),
            migrations.DeleteModel(
                name='Closure',
            ),
            migrations.RemoveField(
                model_name='footerlink',
                name='page',
            ),
            migrations.RemoveConstraint(
                model_name='openinghours',
                name='hours_close_after_open',
            ),
            migrations.DeleteModel(
                name='OpeningHours',
            ),
            migrations.DeleteModel(
                name='ClinicSettings',
            ),
            migrations.DeleteModel(
                name='FooterLink',
            ),
    
            ],
        ),
    ]
