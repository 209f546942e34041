"""Issue 28: withdrawn photos leave the editors' library.

- Each pair names its patient's reference, so its consent can be checked against it (filled
  here from each pair's consent, which is what it meant so far).
- Editors' image permissions move from the root collection (where they cascade to every
  collection) to an "Image library" collection, with the images that sat in the root; a
  "Withdrawn photos (consent ended)" collection beside it has no group permission at all.
Paths are made as treebeard makes them (steps of 4 base-36 digits): historical models have
no `add_child`."""

import importlib

from django.db import migrations, models

# Migration 0005's triggers: SQLite rebuilds the pair's table to add a column, and a trigger
# on the consent table that names it breaks the rebuild. Dropped first, made again after
# (only there: PostgreSQL adds the column in place).
triggers = importlib.import_module(
    "procedures.migrations.0005_published_pairs_need_website_consent"
)


def drop_sqlite_triggers(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for statement in triggers.SQLITE_REVERSE:
            schema_editor.execute(statement)


def create_sqlite_triggers(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for statement in triggers.SQLITE:
            schema_editor.execute(statement)


LIBRARY = "Image library"
WITHDRAWN = "Withdrawn photos (consent ended)"
ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def _step(number: int) -> str:
    digits = ""
    for _ in range(4):
        number, digit = divmod(number, 36)
        digits = ALPHABET[digit] + digits
    return digits


def _child(Collection, root, name):
    existing = Collection.objects.filter(depth=2, name=name).first()
    if existing:
        return existing
    last = Collection.objects.filter(depth=2).order_by("-path").first()
    number = int(last.path[4:], 36) + 1 if last else 1
    child = Collection.objects.create(name=name, path=root.path + _step(number), depth=2)
    root.numchild += 1
    root.save(update_fields=["numchild"])
    return child


def forwards(apps, schema_editor):
    ResultPair = apps.get_model("procedures", "ResultPair")
    for pair in ResultPair.objects.select_related("consent"):
        pair.patient_reference = pair.consent.booking_reference
        pair.save(update_fields=["patient_reference"])

    Collection = apps.get_model("wagtailcore", "Collection")
    GroupCollectionPermission = apps.get_model("wagtailcore", "GroupCollectionPermission")
    Image = apps.get_model("wagtailimages", "Image")
    ContentType = apps.get_model("contenttypes", "ContentType")
    root = Collection.objects.get(depth=1)
    library = _child(Collection, root, LIBRARY)
    _child(Collection, Collection.objects.get(depth=1), WITHDRAWN)
    image_type = ContentType.objects.filter(app_label="wagtailimages", model="image").first()
    if image_type:
        for grant in GroupCollectionPermission.objects.filter(
            collection=root, permission__content_type=image_type
        ):
            GroupCollectionPermission.objects.get_or_create(
                group=grant.group, collection=library, permission=grant.permission
            )
            grant.delete()
    Image.objects.filter(collection=root).update(collection=library)


def backwards(apps, schema_editor):
    Collection = apps.get_model("wagtailcore", "Collection")
    GroupCollectionPermission = apps.get_model("wagtailcore", "GroupCollectionPermission")
    Image = apps.get_model("wagtailimages", "Image")
    root = Collection.objects.get(depth=1)
    for name in (LIBRARY, WITHDRAWN):
        collection = Collection.objects.filter(depth=2, name=name).first()
        if collection is None:
            continue
        # By id: the reverse's historical models are not all from one state.
        Image.objects.filter(collection_id=collection.pk).update(collection_id=root.pk)
        for grant in GroupCollectionPermission.objects.filter(collection_id=collection.pk):
            GroupCollectionPermission.objects.get_or_create(
                group_id=grant.group_id, collection_id=root.pk, permission_id=grant.permission_id
            )
            grant.delete()
        # Not `.delete()`: its cascade collector trips on the mixed historical models. Anything
        # else filed there since (a document) makes this fail loudly rather than vanish.
        schema_editor.execute("DELETE FROM wagtailcore_collection WHERE id = %s", [collection.pk])
        root.numchild -= 1
        root.save(update_fields=["numchild"])


class Migration(migrations.Migration):
    dependencies = [
        ("procedures", "0007_price_range"),
        ("wagtailcore", "0098_apitoken"),
        ("wagtailimages", "0027_image_description"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.RunPython(drop_sqlite_triggers, create_sqlite_triggers),
        migrations.AddField(
            model_name="resultpair",
            name="patient_reference",
            field=models.CharField(
                default="",
                help_text="The patient's consultation reference, e.g. “AL-7K2QX”, as on their "
                "consent record. Never their name.",
                max_length=20,
            ),
            preserve_default=False,
        ),
        migrations.RunPython(create_sqlite_triggers, drop_sqlite_triggers),
        migrations.RunPython(forwards, backwards),
    ]
