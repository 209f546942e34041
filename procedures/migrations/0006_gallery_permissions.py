"""Who works on the gallery: the front desk keeps the consent ledger and is the only group
that opens the scanned forms; editors make and publish the photo pairs."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUP_PERMISSIONS = {
    "Front desk": [
        "add_consentrecord",
        "change_consentrecord",
        "view_consentrecord",
        "view_consent_form",
        "view_resultpair",
    ],
    "Editors": ["add_resultpair", "change_resultpair", "delete_resultpair", "view_resultpair"],
}


def grant(apps, schema_editor):
    # Permissions are normally created after all migrations; these are needed now.
    app_config = apps.get_app_config("procedures")
    app_config.models_module = True
    create_permissions(app_config, verbosity=0, apps=apps)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in GROUP_PERMISSIONS.items():
        group = Group.objects.filter(name=name).first()
        if group is not None:  # an install that deleted the group keeps its own choice
            group.permissions.add(
                *Permission.objects.filter(
                    content_type__app_label="procedures", codename__in=codenames
                )
            )


def revoke(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    codenames = [codename for group in GROUP_PERMISSIONS.values() for codename in group]
    for permission in Permission.objects.filter(
        content_type__app_label="procedures", codename__in=codenames
    ):
        permission.group_set.clear()


class Migration(migrations.Migration):
    dependencies = [
        ("procedures", "0005_published_pairs_need_website_consent"),
        ("bookings", "0002_front_desk_group"),
        ("wagtailcore", "0002_initial_data"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
