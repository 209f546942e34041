"""Every field an editor fills in explains itself in the admin."""

import pytest
from django.apps import apps
from django.db import models
from modelcluster.fields import ParentalKey
from wagtail.models import Orderable, Page

# Fields Wagtail itself provides (title, slug, SEO fields...) come with their own help.
INHERITED = {f.name for f in Page._meta.get_fields()} | {f.name for f in Orderable._meta.fields}
NOT_EDITED = (models.AutoField, models.BigAutoField, models.OneToOneField, ParentalKey)


def editor_fields():
    for app in ("allure", "procedures"):
        for model in apps.get_app_config(app).get_models():
            for field in model._meta.get_fields():
                if not field.concrete or isinstance(field, NOT_EDITED):
                    continue
                if field.name in INHERITED:
                    continue
                yield pytest.param(field, id=f"{model.__name__}.{field.name}")


@pytest.mark.parametrize("field", list(editor_fields()))
def test_every_editor_facing_field_has_help_text(field):
    assert field.help_text, f"{field.model.__name__}.{field.name} needs help_text"
