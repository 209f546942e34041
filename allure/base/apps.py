from django.apps import AppConfig


class BaseConfig(AppConfig):
    """The floor every app builds on: clinic facts, page mixins, blocks, serving, caching."""

    name = "allure.base"
    label = "base"
    verbose_name = "Clinic"

    def ready(self):
        # Imported here, not at the top: serving uses models, which exist only once apps load.
        from django.db.models.signals import post_save, pre_save
        from wagtail.images import get_image_model

        from allure.base import outage, photos
        from allure.base.models import ClinicSettings
        from allure.base.operations import checks  # noqa: F401 (registers the deploy checks)
        from allure.base.web import security, serving

        serving.connect_invalidation()
        security.connect_lockout_audit()
        post_save.connect(outage.remember_clinic, sender=ClinicSettings, dispatch_uid="outage")
        pre_save.connect(photos.strip_on_upload, sender=get_image_model(), dispatch_uid="exif")
