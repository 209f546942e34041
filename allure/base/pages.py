"""What every public page type shares: serving (see `serving.ServedPageMixin`), a meta
description with a fallback, a share image, structured data, and the image field helper."""

from django.db import models

from allure.base import structured_data
from allure.base.web.serving import ServedPageMixin


class SeoMixin(ServedPageMixin):
    """Meta description with a fallback, share image, and breadcrumbs as structured data."""

    def description_fallback(self) -> str:
        return ""

    @property
    def share_image(self):
        """The image shown when the page is shared (Open Graph)."""
        return getattr(self, "hero_image", None)

    @property
    def meta_description(self) -> str:
        return self.search_description or self.description_fallback()

    def structured_data(self, request) -> list[dict]:
        return [structured_data.breadcrumbs(self, request)]


def image_field(help_text: str):
    return models.ForeignKey(
        "wagtailimages.Image",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=help_text + " Give the image a description: it becomes the alt text.",
    )
