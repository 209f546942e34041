"""The clinic's facts, taken over from the site pages' app ("allure"), whose first migration
made their tables. On a database that has them, nothing is created: only Django's state moves,
and the content types (which permissions and the audit log point at) are relabelled."""

import django.db.models.deletion
import modelcluster.fields
from django.conf import settings
from django.db import migrations, models


MOVED_MODELS = ["clinicsettings", "footerlink", "openinghours", "closure"]


def relabel_content_types(apps, schema_editor, old="allure", new="base"):
    ContentType = apps.get_model("contenttypes", "ContentType")
    ContentType.objects.filter(app_label=old, model__in=MOVED_MODELS).update(app_label=new)


def relabel_content_types_back(apps, schema_editor):
    relabel_content_types(apps, schema_editor, old="base", new="allure")


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("allure", "0003_clinic_facts_move_to_base"),
        ("contenttypes", "0002_remove_content_type_name"),
        migrations.swappable_dependency(settings.WAGTAIL_PAGE_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
            migrations.CreateModel(
                name='ClinicSettings',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('name', models.CharField(default='Allure Plastics', help_text="The clinic's name as patients know it.", max_length=100)),
                    ('phone', models.CharField(default='(601) 555-0142', help_text='As patients should dial it.', max_length=30)),
                    ('email', models.EmailField(default='hello@allureplastics.com', help_text='Where patients can write to the clinic.', max_length=254)),
                    ('street_address', models.CharField(blank=True, help_text='Street and suite, e.g. “1020 River Oaks Dr, Suite 300”.', max_length=200)),
                    ('locality', models.CharField(default='Jackson', help_text='City.', max_length=100, verbose_name='city')),
                    ('region', models.CharField(default='MS', help_text='Two-letter state.', max_length=50, verbose_name='state')),
                    ('postal_code', models.CharField(blank=True, help_text='ZIP code.', max_length=20)),
                    ('results_disclaimer', models.CharField(default='Individual results may vary.', help_text='Shown wherever results, photos or testimonials appear.', max_length=200)),
                    ('facebook_url', models.URLField(blank=True, help_text="The clinic's Facebook page, if any.")),
                    ('instagram_url', models.URLField(blank=True, help_text="The clinic's Instagram profile, if any.")),
                ],
                options={
                    'verbose_name': 'clinic settings',
                    'db_table': 'allure_clinicsettings',
                },
            ),
            migrations.CreateModel(
                name='Closure',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('starts_on', models.DateField(help_text='First closed day.')),
                    ('ends_on', models.DateField(help_text='Last closed day; the same as the first for one day.')),
                    ('reason', models.CharField(help_text='Shown to patients, e.g. “Thanksgiving”.', max_length=100)),
                ],
                options={
                    'db_table': 'allure_closure',
                    'ordering': ['starts_on'],
                    'constraints': [models.CheckConstraint(condition=models.Q(('ends_on__gte', models.F('starts_on'))), name='closure_ends_after_start')],
                },
            ),
            migrations.CreateModel(
                name='FooterLink',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('sort_order', models.IntegerField(blank=True, editable=False, null=True)),
                    ('label', models.CharField(blank=True, help_text='Link text; leave empty to use the page title.', max_length=60)),
                    ('page', models.ForeignKey(help_text='Page to link.', on_delete=django.db.models.deletion.CASCADE, related_name='+', to=settings.WAGTAIL_PAGE_MODEL)),
                    ('settings', modelcluster.fields.ParentalKey(on_delete=django.db.models.deletion.CASCADE, related_name='footer_links', to='base.clinicsettings')),
                ],
                options={
                    'db_table': 'allure_footerlink',
                    'ordering': ['sort_order'],
                    'abstract': False,
                },
            ),
            migrations.CreateModel(
                name='OpeningHours',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('weekday', models.PositiveSmallIntegerField(choices=[(0, 'Monday'), (1, 'Tuesday'), (2, 'Wednesday'), (3, 'Thursday'), (4, 'Friday'), (5, 'Saturday'), (6, 'Sunday')], help_text='Days without any period are shown as closed.')),
                    ('opens', models.TimeField(help_text='Clinic time (Jackson, MS), e.g. 08:00.')),
                    ('closes', models.TimeField(help_text='Clinic time (Jackson, MS), e.g. 17:00.')),
                ],
                options={
                    'verbose_name_plural': 'opening hours',
                    'db_table': 'allure_openinghours',
                    'ordering': ['weekday', 'opens'],
                    'constraints': [models.CheckConstraint(condition=models.Q(('closes__gt', models.F('opens'))), name='hours_close_after_open')],
                },
            ),
    
            ],
        ),
        migrations.RunPython(relabel_content_types, relabel_content_types_back),
    ]
