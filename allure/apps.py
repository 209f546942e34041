from django.apps import AppConfig


class AllureConfig(AppConfig):
    name = "allure"
    verbose_name = "Clinic"

    def ready(self):
        from django.db.models.signals import post_delete, post_save
        from wagtail.signals import page_published, page_unpublished

        from .page_cache import clear_page_cache_on_content_change

        post_save.connect(clear_page_cache_on_content_change, dispatch_uid="page-cache-save")
        post_delete.connect(clear_page_cache_on_content_change, dispatch_uid="page-cache-del")
        page_published.connect(clear_page_cache_on_content_change, dispatch_uid="page-cache-pub")
        page_unpublished.connect(
            clear_page_cache_on_content_change, dispatch_uid="page-cache-unpub"
        )
