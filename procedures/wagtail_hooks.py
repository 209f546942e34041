"""Testimonials as snippets: editors see at a glance which ones have consent and are live."""

from wagtail.admin.filters import WagtailFilterSet
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from procedures.models import Testimonial


class TestimonialFilterSet(WagtailFilterSet):
    class Meta:
        model = Testimonial
        fields = ["is_published", "procedures"]


class TestimonialViewSet(SnippetViewSet):
    model = Testimonial
    icon = "openquote"
    menu_label = "Testimonials"
    add_to_admin_menu = True
    menu_order = 200
    list_display = ["__str__", "consent_given_on", "is_published"]
    search_fields = ["quote", "patient_name", "town"]
    filterset_class = TestimonialFilterSet


register_snippet(TestimonialViewSet)
