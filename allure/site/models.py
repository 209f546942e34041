"""The clinic's own pages: home, doctor profiles, contact and standard pages.

They sit above the procedures (the home page features procedures and testimonials) and
below the top floor (settings, URLs, the demo loader). Clinic facts come from `allure.base`.
"""

from django.db import models
from django.utils.functional import cached_property
from django.utils.timezone import localdate
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, HelpPanel, InlinePanel, MultiFieldPanel
from wagtail.fields import StreamField
from wagtail.models import Orderable, Page
from wagtail.search import index

from allure.base import structured_data
from allure.base.blocks import NarrativeBlock
from allure.base.models import Closure, OpeningHours
from allure.base.pages import SeoMixin, image_field
from procedures.clinicians import Clinician
from procedures.models import Testimonial, TreatmentPlannerPage


class HomePage(SeoMixin, Page):
    """The site's root page: the clinic's promise, featured procedures, the doctor, patients."""

    hero_heading = models.CharField(
        max_length=120,
        default="Natural results, planned with you",
        help_text="The clinic's promise, the first thing visitors read.",
    )
    hero_text = models.TextField(blank=True, help_text="One or two sentences below the promise.")
    hero_image = image_field("Wide, calm image behind or beside the promise.")
    featured_heading = models.CharField(
        max_length=80, default="Popular procedures", help_text="Heading above the featured list."
    )
    doctor = models.ForeignKey(
        "allure.DoctorPage",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The doctor introduced on the home page.",
    )

    content_panels = [
        *Page.content_panels,
        MultiFieldPanel(
            [FieldPanel("hero_heading"), FieldPanel("hero_text"), FieldPanel("hero_image")],
            heading="Hero",
        ),
        MultiFieldPanel(
            [
                FieldPanel("featured_heading"),
                InlinePanel("featured_procedures", label="Featured procedure", max_num=6),
            ],
            heading="Featured procedures",
        ),
        FieldPanel("doctor"),
    ]
    search_fields = [*Page.search_fields, index.SearchField("hero_text")]

    max_count = 1
    parent_page_types = ["wagtailcore.Page"]
    subpage_types = [
        "procedures.ProcedureIndexPage",
        "allure.DoctorPage",
        "allure.ContactPage",
        "allure.StandardPage",
    ]

    serve_select_related = ("hero_image", "doctor")

    def description_fallback(self):
        return self.hero_text or self.hero_heading

    def structured_data(self, request):
        return [structured_data.clinic(request)]

    def featured(self):
        return [
            link.procedure
            for link in self.featured_procedures.select_related("procedure").prefetch_related(
                "procedure__recovery_stages"
            )
            if link.procedure.live
        ]

    def latest_testimonials(self):
        return Testimonial.objects.published()[:3]

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["planner_url"] = TreatmentPlannerPage.live_url()
        return context


class HomeFeaturedProcedure(Orderable):
    page = ParentalKey(HomePage, on_delete=models.CASCADE, related_name="featured_procedures")
    procedure = models.ForeignKey(
        "procedures.ProcedurePage",
        on_delete=models.CASCADE,
        related_name="+",
        help_text="A procedure to show on the home page.",
    )

    panels = [FieldPanel("procedure")]


class StandardPage(SeoMixin, Page):
    """Plain pages: privacy notice, accessibility statement, about the clinic."""

    intro = models.TextField(blank=True, help_text="A short summary shown above the text.")
    body = StreamField(NarrativeBlock(), help_text="The page's text.")

    content_panels = [*Page.content_panels, FieldPanel("intro"), FieldPanel("body")]
    search_fields = [*Page.search_fields, index.SearchField("intro"), index.SearchField("body")]

    parent_page_types = ["allure.HomePage", "allure.StandardPage"]
    subpage_types = ["allure.StandardPage"]

    def description_fallback(self):
        return self.intro


class ContactPage(SeoMixin, Page):
    """Address, phone, hours and directions. The facts themselves live in the clinic settings."""

    intro = models.TextField(blank=True, help_text="A friendly sentence above the details.")
    directions = models.TextField(
        help_text="How to find the clinic: landmarks, entrance, parking. One paragraph per line."
    )

    content_panels = [*Page.content_panels, FieldPanel("intro"), FieldPanel("directions")]
    search_fields = [*Page.search_fields, index.SearchField("directions")]

    max_count = 1
    parent_page_types = ["allure.HomePage"]
    subpage_types = []

    def description_fallback(self):
        return self.intro

    def structured_data(self, request):
        return [structured_data.clinic(request), structured_data.breadcrumbs(self, request)]

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        today = localdate()
        context["opening_hours"] = OpeningHours.cached()
        context["upcoming_closures"] = [c for c in Closure.cached() if c.ends_on >= today][:3]
        return context


class DoctorPage(SeoMixin, Page):
    """A clinician's profile: who they are (their `Clinician`: photo, letters, role, bio,
    the procedures they perform), their credentials and their philosophy."""

    philosophy = StreamField(NarrativeBlock(), help_text="The doctor's approach, in their voice.")

    content_panels = [
        *Page.content_panels,
        HelpPanel(
            content="The name, letters, role, photo, short bio and procedures shown here are "
            "the clinician's, kept in Snippets › Clinicians (their “profile page” is this "
            "page), so they are changed in one place for every page, email and calendar.",
            heading="Who this page shows",
        ),
        InlinePanel("credentials", heading="Credentials", label="Credential"),
        FieldPanel("philosophy"),
    ]
    search_fields = [*Page.search_fields, index.SearchField("philosophy")]

    parent_page_types = ["allure.HomePage"]
    subpage_types = []

    @cached_property
    def clinician(self) -> Clinician | None:
        """The clinician who names this page as their profile (one, in practice)."""
        if self.pk is None:  # a profile being previewed before its first save
            return None
        return Clinician.objects.filter(profile_page=self).select_related("photo").first()

    def description_fallback(self):
        return self.clinician.bio if self.clinician else ""

    @property
    def share_image(self):
        return self.clinician.photo if self.clinician else None

    def structured_data(self, request):
        return [
            structured_data.physician(self, self.clinician, request),
            structured_data.breadcrumbs(self, request),
        ]

    def procedures_performed(self):
        if self.clinician is None:
            return []
        return self.clinician.procedures.live().order_by("title")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["clinician"] = self.clinician
        context["procedures"] = self.procedures_performed()
        return context


class DoctorCredential(Orderable):
    page = ParentalKey(DoctorPage, on_delete=models.CASCADE, related_name="credentials")
    text = models.CharField(
        max_length=200, help_text="One qualification, membership or training, as on a CV."
    )

    panels = [FieldPanel("text")]

    def __str__(self):
        return self.text
