from django.apps import AppConfig


class BaseConfig(AppConfig):
    """The floor every app builds on: clinic facts, page mixins, blocks, serving, caching."""

    name = "allure.base"
    label = "base"
    verbose_name = "Clinic"

    def ready(self):
        # Imported here, not at the top: serving uses models, which exist only once apps load.
        from django.db.models.signals import post_save

        from allure.base import outage, security, serving
        from allure.base.models import ClinicSettings

        serving.connect_invalidation()
        security.connect_lockout_audit()
        post_save.connect(outage.remember_clinic, sender=ClinicSettings, dispatch_uid="outage")
