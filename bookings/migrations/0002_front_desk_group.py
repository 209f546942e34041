"""The "Front desk" group: sees and manages consultation requests, edits clinic hours and
booking rules. Editors who write pages get none of this."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUP = "Front desk"
PERMISSIONS = [
    ("wagtailadmin", "admin", "access_admin"),
    ("bookings", "consultationrequest", "manage_consultations"),
    ("bookings", "consultationrequest", "export_consultations"),
    ("bookings", "bookingrules", "change_bookingrules"),
    ("allure", "openinghours", "add_openinghours"),
    ("allure", "openinghours", "change_openinghours"),
    ("allure", "openinghours", "delete_openinghours"),
    ("allure", "openinghours", "view_openinghours"),
    ("allure", "closure", "add_closure"),
    ("allure", "closure", "change_closure"),
    ("allure", "closure", "delete_closure"),
    ("allure", "closure", "view_closure"),
]


def create_front_desk(apps, schema_editor):
    # Permissions are normally created after all migrations; this one needs them now.
    for label in ("bookings", "allure", "wagtailadmin"):
        app_config = apps.get_app_config(label)
        app_config.models_module = True
        create_permissions(app_config, verbosity=0, apps=apps)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=GROUP)
    for app_label, model, codename in PERMISSIONS:
        group.permissions.add(
            Permission.objects.get(
                content_type__app_label=app_label,
                content_type__model=model,
                codename=codename,
            )
        )


def remove_front_desk(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=GROUP).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("bookings", "0001_initial"),
        ("allure", "0001_initial"),
        ("wagtailadmin", "0006_formstate"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_front_desk, remove_front_desk)]
