from django.apps import AppConfig


class AllureConfig(AppConfig):
    name = "allure"
    verbose_name = "Clinic"
