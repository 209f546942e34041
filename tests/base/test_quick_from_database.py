"""Pages, photo pairs and the pages' inline rows read from the database skip the constructor
(modelcluster's, and Django's setattr per field); they must come out exactly as Django's own
`Model.from_db` makes them, deferred fields included, and a model with a receiver of
pre_init or post_init still gets its signals."""

import pytest
from django.apps import apps
from django.db.models.signals import post_init

from allure.base.pages import QuickFromDatabaseMixin

pytestmark = pytest.mark.django_db


def quick_models():
    return [m for m in apps.get_models() if issubclass(m, QuickFromDatabaseMixin)]


def made(instance):
    return (
        type(instance),
        {name: value for name, value in vars(instance).items() if name != "_state"},
        instance.get_deferred_fields(),
        instance._state.adding,
        instance._state.db,
        instance._state.fetch_mode,
    )


def test_every_page_type_and_the_photo_pairs_are_made_quickly():
    names = {m._meta.label for m in quick_models()}
    assert {
        "procedures.ProcedurePage",
        "allure.DoctorPage",
        "procedures.ResultPair",
        "procedures.ProcedureTechnology",
        "procedures.RecoveryStage",
        "procedures.Testimonial",
        "procedures.ResultPairAngle",
    } <= names


def test_a_model_with_a_post_init_receiver_is_made_by_djangos_constructor(demo):
    model = apps.get_model("procedures", "RecoveryStage")
    seen = []

    def receiver(sender, instance, **kwargs):
        seen.append(instance)

    post_init.connect(receiver, sender=model)
    try:
        fields = [f.attname for f in model._meta.concrete_fields]
        row = model._default_manager.values_list(*fields).first()
        quick = model.from_db("default", fields, list(row))
    finally:
        post_init.disconnect(receiver, sender=model)
    assert seen == [quick]
    assert made(quick) == made(super(QuickFromDatabaseMixin, model).from_db("default", fields, row))


@pytest.mark.parametrize("deferring", [False, True])
def test_a_row_makes_the_same_instance_as_djangos_from_db(demo, deferring):
    compared = 0
    for model in quick_models():
        djangos_from_db = super(QuickFromDatabaseMixin, model).from_db
        fields = [f.attname for f in model._meta.concrete_fields]
        for row in model._default_manager.values_list(*fields)[:3]:
            names, values = fields, list(row)
            if deferring:  # every other field left out, as .only() / .defer() leave them
                names, values = fields[::2], values[::2]
            quick = model.from_db("default", names, values)
            assert made(quick) == made(djangos_from_db("default", names, values))
            compared += 1
    assert compared > 10
