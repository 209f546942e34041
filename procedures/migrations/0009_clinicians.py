"""One model for a person who treats patients (issue 27). The rows are carried over from the
doctor's profile pages and the booking providers by `allure` 0005; `procedure` 0010 then
points the procedure pages' doctor and reviewer at them."""

import django.db.models.deletion
import modelcluster.fields
import wagtail.search.index
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("procedures", "0008_withdrawn_photos"),
        ("wagtailcore", "0098_apitoken"),
        ("wagtailimages", "0027_image_description"),
    ]

    operations = [
        migrations.CreateModel(
            name="Clinician",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "name",
                    models.CharField(
                        help_text="As patients know them, e.g. “Dr. Walker”.", max_length=100
                    ),
                ),
                (
                    "letters",
                    models.CharField(
                        blank=True,
                        help_text="Letters after the name, e.g. “M.D.” or “R.N.”: shown wherever "
                        "they are named as a page's medical reviewer, as Mississippi's "
                        "advertising rules ask.",
                        max_length=40,
                    ),
                ),
                (
                    "role",
                    models.CharField(
                        help_text="How patients meet them, e.g. “Board-certified plastic "
                        "surgeon”.",
                        max_length=120,
                    ),
                ),
                (
                    "bio",
                    models.CharField(
                        blank=True,
                        help_text="One or two sentences, used on the home page, their profile "
                        "and listings.",
                        max_length=300,
                    ),
                ),
                (
                    "bookable",
                    models.BooleanField(
                        default=True,
                        help_text="Patients can book a consultation with them. Untick to stop "
                        "offering their times (their bookings stay).",
                    ),
                ),
                (
                    "sort_order",
                    models.PositiveSmallIntegerField(
                        default=0,
                        help_text="Lower first in lists; “first available” tries them in this "
                        "order.",
                    ),
                ),
                (
                    "photo",
                    models.ForeignKey(
                        blank=True,
                        help_text="A portrait. Give the image a description: it becomes the alt "
                        "text.",
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to="wagtailimages.image",
                    ),
                ),
                (
                    "profile_page",
                    models.ForeignKey(
                        blank=True,
                        help_text="Optional: the page about them. It shows this clinician, and "
                        "their name links to it from procedure and booking pages.",
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="clinician_profiles",
                        to="wagtailcore.page",
                    ),
                ),
                (
                    "procedures",
                    modelcluster.fields.ParentalManyToManyField(
                        blank=True,
                        help_text="The procedures they perform and hold consultations for.",
                        related_name="clinicians",
                        to="procedures.procedurepage",
                    ),
                ),
            ],
            options={"ordering": ["sort_order", "name"]},
            bases=(wagtail.search.index.Indexed, models.Model),
        ),
        # Filled by allure 0005, then renamed over the old fields by 0010.
        migrations.AddField(
            model_name="procedurepage",
            name="clinician_doctor",
            field=models.ForeignKey(
                null=True,
                blank=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to="procedures.clinician",
            ),
        ),
        migrations.AddField(
            model_name="procedurepage",
            name="clinician_reviewer",
            field=models.ForeignKey(
                null=True,
                blank=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to="procedures.clinician",
            ),
        ),
    ]
