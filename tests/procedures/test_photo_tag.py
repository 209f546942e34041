"""`{% photo %}` draws exactly what Wagtail's `{% image %}` and `{% srcset_image %}` draw, from
the resized copies the page readied, and makes a copy that was never made before."""

import pytest
from django.db import connection
from django.template import Context, Template
from django.test.utils import CaptureQueriesContext
from wagtail.images.models import Filter, Rendition

from allure.base.pages import find_renditions
from tests.procedures.conftest import photo

pytestmark = pytest.mark.django_db

ALT = 'Cheek "before" & <after>'
SRCSET_SPECS = ("fill-390x260|format-webp", "fill-780x520|format-webp")


def draw(source, image, **context):
    template = Template("{% load photo_tags wagtailimages_tags %}" + source)
    return template.render(Context({"image": image, "alt": ALT, **context}))


def test_one_size_is_drawn_as_wagtails_image_tag(db):
    image = photo("cheek", 900, 600)
    wagtails = draw('{% image image width-720 alt=alt loading="lazy" %}', image)
    ours = draw('{% photo image "width-720" alt=alt loading="lazy" %}', image)
    assert ours == wagtails
    assert 'alt="Cheek &quot;before&quot; &amp; &lt;after&gt;"' in ours


def test_several_sizes_are_drawn_as_wagtails_srcset_image_tag(db):
    image = photo("hero", 1200, 800)
    wagtails = draw(
        "{% srcset_image image fill-{390x260,780x520} format-webp "
        'sizes="100vw" class="hero" fetchpriority="high" %}',
        image,
    )
    ours = draw(
        '{% photo image "fill-390x260|format-webp" "fill-780x520|format-webp" '
        'sizes="100vw" class="hero" fetchpriority="high" %}',
        image,
    )
    assert ours == wagtails
    assert "780w" in ours


def test_readied_copies_are_drawn_without_a_query_or_a_write_to_the_cache(db, monkeypatch):
    image = photo("pair", 900, 600)
    for spec in SRCSET_SPECS:
        image.get_rendition(spec)  # made on an earlier visit
    find_renditions([(image, [Filter(spec) for spec in SRCSET_SPECS])])
    writes = []
    monkeypatch.setattr(Rendition.cache_backend, "set", lambda *args, **kw: writes.append(args))
    with CaptureQueriesContext(connection) as queries:
        drawn = draw(
            '{% photo image "fill-390x260|format-webp" "fill-780x520|format-webp" %}', image
        )
    assert "390w" in drawn
    assert len(queries) == 0
    assert writes == []


def test_a_size_never_made_is_made_on_first_use(db):
    image = photo("new", 900, 600)
    find_renditions([(image, [Filter("width-720")])])
    assert not image.renditions.filter(filter_spec="width-720").exists()
    assert 'width="720"' in draw('{% photo image "width-720" %}', image)
    assert image.renditions.filter(filter_spec="width-720").exists()


def test_no_image_draws_nothing(db):
    assert draw('{% photo image "width-720" %}', None) == ""
