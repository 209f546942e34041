from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("bookings", "0007_waitlist"),
    ]

    operations = [
        migrations.AddField(
            model_name="provider",
            name="calendar_feed_token",
            field=models.CharField(
                blank=True, editable=False, max_length=64, null=True, unique=True
            ),
        ),
    ]
