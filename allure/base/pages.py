"""What every public page type shares: serving (see `serving.ServedPageMixin`), a meta
description with a fallback, a share image, structured data, and the image field helper."""

import functools

from django.core.files.storage import FileSystemStorage
from django.db import models
from django.db.models.base import DEFERRED, ModelState
from django.db.models.fields.related_descriptors import ForeignKeyDeferredAttribute
from django.db.models.query_utils import DeferredAttribute
from django.db.models.signals import post_init, pre_init
from django.dispatch.dispatcher import NO_RECEIVERS
from wagtail.images.models import Filter
from wagtail.images.shortcuts import get_rendition_or_not_found

from allure.base import structured_data
from allure.base.serving import ServedPageMixin

# The share image as base.html shows it (og:image).
SHARE_RENDITION = "fill-1200x630|format-jpeg"


class QuickFromDatabaseMixin:
    """For models read on every page view (every page, the photo pairs, the pages' inline
    rows): rows from the database are made as Django's `Model.from_db` makes them, but
    without calling the constructor. For models built on modelcluster's `ClusterableModel`
    its constructor works out the model's child relations anew for every instance (a few
    hundred calls for a page) only to take them as keyword arguments, which a row never has;
    Wagtail's page constructors act only on new pages (without an id). And Django's own
    `Model.__init__` spends a `setattr` per field where most fields' descriptors would only
    store the value (see `_fields_of`)."""

    @classmethod
    def from_db(cls, db, field_names, values, *, fetch_mode=None):
        if len(values) != len(cls._meta.concrete_fields):
            given = iter(values)
            values = [
                next(given) if f.attname in field_names else DEFERRED
                for f in cls._meta.concrete_fields
            ]
        new = cls.__new__(cls)
        if _listened_to(pre_init, cls) or _listened_to(post_init, cls):
            models.Model.__init__(new, *values)  # e.g. an ImageField's dimensions
        else:
            # What Model.__init__ does with values for every field and no keywords.
            new._state = ModelState()
            stored = new.__dict__
            for (attname, plain), value in zip(_fields_of(cls), values, strict=True):
                if value is DEFERRED:
                    continue
                if plain:
                    stored[attname] = value
                else:
                    setattr(new, attname, value)
        new._state.adding = False
        new._state.db = db
        if fetch_mode is not None:
            new._state.fetch_mode = fetch_mode
        return new


def _listened_to(signal, sender) -> bool:
    """`signal.has_listeners(sender)`, first from the answer Django keeps per sender for the
    model signals (emptied whenever a receiver connects or disconnects), a call rather than
    four for each row."""
    return signal.sender_receivers_cache.get(sender) is not NO_RECEIVERS and (
        signal.has_listeners(sender)
    )


# Descriptors whose __set__ on an instance just made only stores the value under the
# field's attname: a plain field's (no __set__ at all) and a foreign key's id.
_STORING_DESCRIPTORS = (DeferredAttribute, ForeignKeyDeferredAttribute)


@functools.cache
def _fields_of(model) -> tuple[tuple[str, bool], ...]:
    """(attname, whether setting it only stores it) for each concrete field, in order. Any
    other descriptor (a StreamField's, a file's) is set through `setattr`, as Django does."""

    def descriptor(name):
        return next((vars(k)[name] for k in model.__mro__ if name in vars(k)), None)

    return tuple(
        (f.attname, type(descriptor(f.attname)) in _STORING_DESCRIPTORS)
        for f in model._meta.concrete_fields
    )


class SeoMixin(QuickFromDatabaseMixin, ServedPageMixin):
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
            find_renditions([(image, self._share_image_filters())])
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


def find_renditions(wanted) -> None:
    """Ready the resized copies a page shows of several images at once: `wanted` is a list
    of (image, filters). One lookup in the shared cache for all of them, then one query for
    whatever it lacked (Wagtail's image tags, and `Image.get_renditions`, spend a lookup and
    a query per image). Each image gets `prefetched_renditions`, where the image tags look
    first; a copy never made before is still made by its tag on the first visit."""
    wanted = [(image, tuple(filters)) for image, filters in wanted if image is not None]
    if not wanted:
        return
    Rendition = wanted[0][0].get_rendition_model()
    keys = {
        Rendition.construct_cache_key(image, f.get_cache_key(image), f.spec): (image, f)
        for image, filters in wanted
        for f in filters
    }
    images = {image.pk: image for image, _filters in wanted}
    found = {pk: [] for pk in images}
    readied = {pk: {} for pk in images}
    for key, rendition in Rendition.cache_backend.get_many(list(keys)).items():
        image, f = keys.pop(key)
        found[image.pk].append(rendition)
        readied[image.pk][f.spec] = rendition
    if keys:
        lookup = models.Q()
        for image, f in keys.values():
            lookup |= models.Q(
                image_id=image.pk, filter_spec=f.spec, focal_point_key=f.get_cache_key(image)
            )
        from_database = list(Rendition.objects.filter(lookup))
        for rendition in from_database:
            found[rendition.image_id].append(rendition)
            readied[rendition.image_id][rendition.filter_spec] = rendition
        Rendition.cache_backend.set_many(
            {
                Rendition.construct_cache_key(
                    images[r.image_id], r.focal_point_key, r.filter_spec
                ): r
                for r in from_database
            }
        )
    for image, _filters in wanted:
        for rendition in found[image.pk]:
            rendition.image = image  # as Wagtail does: the page's own image object
        image.prefetched_renditions = found[image.pk]
        image.readied_renditions = readied[image.pk]


def readied_rendition(image, spec: str):
    """The resized copy of `image` for `spec` that `find_renditions` readied, else Wagtail's
    `get_rendition` (which makes it on first use). Wagtail's image tags parse their spec
    anew and write the copy back to the shared cache on every use, even one just read from
    it: a seventh of an uncached procedure page's time."""
    readied = getattr(image, "readied_renditions", {}).get(spec)
    return readied if readied is not None else get_rendition_or_not_found(image, _filter(spec))


def rendition_url(rendition) -> str:
    """`rendition.url`. On the local file system storage (the site's unless MEDIA_BUCKET is
    set) the address depends only on the file's name and MEDIA_URL, so it is worked out
    once per process per file: Django's storage quotes and joins it anew each time, some
    sixty calls for each photo. Any other storage (S3 may sign its addresses) is asked."""
    file = rendition.file
    storage = file.storage
    # __class__, not type(): the default storage is a lazy object standing in for one.
    if storage.__class__ is not FileSystemStorage or not file.name:
        return file.url
    return _local_file_url(storage.base_url, file.name)


@functools.lru_cache(maxsize=8192)
def _local_file_url(base_url: str, name: str) -> str:
    return FileSystemStorage(base_url=base_url).url(name)


@functools.cache
def _filter(spec: str) -> Filter:
    return Filter(spec)


def image_field(help_text: str):
    return models.ForeignKey(
        "wagtailimages.Image",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=help_text + " Give the image a description: it becomes the alt text.",
    )
