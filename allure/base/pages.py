"""What every public page type shares: serving (see `serving.ServedPageMixin`), a meta
description with a fallback, a share image, structured data, and the image field helper."""

import functools

from django.db import models
from wagtail.images.models import Filter

from allure.base import structured_data
from allure.base.serving import ServedPageMixin

# The share image as base.html shows it (og:image).
SHARE_RENDITION = "fill-1200x630|format-jpeg"


class SeoMixin(ServedPageMixin):
    """Meta description with a fallback, share image, and breadcrumbs as structured data."""

    # The other renditions of the share image the page's own template shows (its hero's
    # srcset, as `fill-390x260|format-webp`...): found together with the share image's in
    # one cache lookup, or one query when the cache is cold, instead of one per template
    # tag. A spec missing here still works; its tag then looks it up on its own.
    share_image_renditions: tuple[str, ...] = ()

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        image = self.share_image
        if image is not None and not hasattr(image, "prefetched_renditions"):
            found = image.get_renditions(*self._share_image_filters())
            # Where Wagtail's image tags look first (as `prefetch_renditions` leaves them).
            image.prefetched_renditions = list(found.values())
        return context

    @classmethod
    @functools.cache
    def _share_image_filters(cls) -> tuple[Filter, ...]:
        """Made once per page type: a Filter parses its spec on first use, as the image tags
        keep theirs for the same reason."""
        return tuple(Filter(spec) for spec in (SHARE_RENDITION, *cls.share_image_renditions))

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
