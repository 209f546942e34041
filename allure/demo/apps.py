from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The top floor: what `make run` sets up (the demo content and a staff login)."""

    name = "allure.demo"
    label = "demo"
    verbose_name = "Demo content"
