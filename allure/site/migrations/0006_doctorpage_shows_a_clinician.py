"""The profile page's person fields now live on its clinician (0005 copied them)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("allure", "0005_clinicians_from_profiles_and_providers")]

    operations = [
        migrations.RemoveField(model_name="doctorpage", name="job_title"),
        migrations.RemoveField(model_name="doctorpage", name="post_nominals"),
        migrations.RemoveField(model_name="doctorpage", name="photo"),
        migrations.RemoveField(model_name="doctorpage", name="summary"),
    ]
