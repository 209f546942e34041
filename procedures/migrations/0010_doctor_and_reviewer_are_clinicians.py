"""A procedure page's doctor (whose take it is) and medical reviewer are clinicians: the
columns allure 0005 filled replace the ones that pointed at profile pages."""

import django.db.models.deletion
from django.db import migrations, models

REVIEW_RULE = dict(
    condition=models.Q(
        models.Q(("last_reviewed_on__isnull", True), ("medical_reviewer__isnull", True)),
        models.Q(("last_reviewed_on__isnull", False), ("medical_reviewer__isnull", False)),
        _connector="OR",
    ),
    name="procedure_review_names_reviewer_and_date",
    violation_error_message="A medical review needs both the reviewer and the date.",
)


class Migration(migrations.Migration):
    dependencies = [
        ("procedures", "0009_clinicians"),
        ("allure", "0005_clinicians_from_profiles_and_providers"),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name="procedurepage", name="procedure_review_names_reviewer_and_date"
        ),
        migrations.RemoveField(model_name="procedurepage", name="doctor"),
        migrations.RemoveField(model_name="procedurepage", name="medical_reviewer"),
        migrations.RenameField(
            model_name="procedurepage", old_name="clinician_doctor", new_name="doctor"
        ),
        migrations.RenameField(
            model_name="procedurepage", old_name="clinician_reviewer", new_name="medical_reviewer"
        ),
        migrations.AlterField(
            model_name="procedurepage",
            name="doctor",
            field=models.ForeignKey(
                blank=True,
                help_text="Whose take it is; it links to their profile page.",
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to="procedures.clinician",
            ),
        ),
        migrations.AlterField(
            model_name="procedurepage",
            name="medical_reviewer",
            field=models.ForeignKey(
                blank=True,
                help_text="The physician who checked this page's medical facts; named on the "
                "page.",
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to="procedures.clinician",
            ),
        ),
        migrations.AddConstraint(
            model_name="procedurepage", constraint=models.CheckConstraint(**REVIEW_RULE)
        ),
    ]
