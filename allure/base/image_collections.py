"""The two image collections of issue 28, made by migration procedures/0008.

Wagtail's collection permissions cascade from a collection to all below it, so editors'
image permissions sit on "Image library", not on the root (where they would reach every
collection). "Withdrawn photos (consent ended)" beside it has no group permission at all:
a photo moved there (procedures.services, when its patient's consent ends) is out of every
editor's listing and chooser; superusers still see it, for the clinic's records."""

from wagtail.models import Collection

IMAGE_LIBRARY = "Image library"
WITHDRAWN_PHOTOS = "Withdrawn photos (consent ended)"


def image_collection(name: str) -> Collection:
    """The named collection under the root, made again if an administrator removed it."""
    root = Collection.get_first_root_node()
    existing = root.get_children().filter(name=name).first()
    return existing or root.add_child(name=name)
