from django.apps import AppConfig


class BaseConfig(AppConfig):
    """The floor every app builds on: clinic facts, page mixins, blocks, serving, caching."""

    name = "allure.base"
    label = "base"
    verbose_name = "Clinic"

    def ready(self):
        # Imported here, not at the top: serving uses models, which exist only once apps load.
        from allure.base import security, serving

        serving.connect_invalidation()
        security.connect_lockout_audit()
