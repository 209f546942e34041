from django.apps import AppConfig


class SiteConfig(AppConfig):
    """The clinic's own pages. The label is the one these pages were created under, so their
    tables, content types and migrations carry on unchanged."""

    name = "allure.site"
    label = "allure"
    verbose_name = "Clinic pages"
