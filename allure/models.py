"""Site-wide content: the clinic's own facts (settings, hours, closures) and its general pages."""

import datetime as dt

from django.db import models
from django.http import Http404, HttpRequest
from django.utils.functional import cached_property
from django.utils.timezone import localdate
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseGenericSetting, register_setting
from wagtail.fields import StreamField
from wagtail.models import Orderable, Page, PageViewRestriction
from wagtail.search import index

from allure import structured_data
from allure.blocks import NarrativeBlock
from allure.page_cache import cached_until_content_changes


@register_setting(icon="site")
class ClinicSettings(ClusterableModel, BaseGenericSetting):
    """The clinic's facts, shown in the header, footer, contact page and structured data."""

    name = models.CharField(
        max_length=100,
        default="Allure Plastics",
        help_text="The clinic's name as patients know it.",
    )
    phone = models.CharField(
        max_length=30, default="(601) 555-0142", help_text="As patients should dial it."
    )
    email = models.EmailField(
        default="hello@allureplastics.com", help_text="Where patients can write to the clinic."
    )
    street_address = models.CharField(
        max_length=200,
        blank=True,
        help_text="Street and suite, e.g. “1020 River Oaks Dr, Suite 300”.",
    )
    locality = models.CharField("city", max_length=100, default="Jackson", help_text="City.")
    region = models.CharField("state", max_length=50, default="MS", help_text="Two-letter state.")
    postal_code = models.CharField(max_length=20, blank=True, help_text="ZIP code.")
    results_disclaimer = models.CharField(
        max_length=200,
        default="Individual results may vary.",
        help_text="Shown wherever results, photos or testimonials appear.",
    )
    facebook_url = models.URLField(blank=True, help_text="The clinic's Facebook page, if any.")
    instagram_url = models.URLField(blank=True, help_text="The clinic's Instagram profile, if any.")

    panels = [
        MultiFieldPanel(
            [FieldPanel("name"), FieldPanel("phone"), FieldPanel("email")], heading="Contact"
        ),
        MultiFieldPanel(
            [
                FieldPanel("street_address"),
                FieldPanel("locality"),
                FieldPanel("region"),
                FieldPanel("postal_code"),
            ],
            heading="Address",
        ),
        MultiFieldPanel(
            [FieldPanel("facebook_url"), FieldPanel("instagram_url")], heading="Social media"
        ),
        FieldPanel("results_disclaimer"),
        InlinePanel("footer_links", heading="Footer links", label="Footer link"),
    ]

    class Meta:
        verbose_name = "clinic settings"

    @property
    def address_lines(self) -> list[str]:
        locality = f"{self.locality}, {self.region} {self.postal_code}".strip()
        return [line for line in (self.street_address, locality) if line]

    @classmethod
    def load(cls, request_or_site=None):
        """Every public page reads the settings (header, footer, structured data): for a request
        they come, footer links included, from the shared cache until the next content change.
        The admin edits its own fresh copy (it never calls load() to edit)."""
        if not isinstance(request_or_site, HttpRequest):
            return super().load(request_or_site)
        attr_name = cls.get_cache_attr_name()
        if not hasattr(request_or_site, attr_name):
            setattr(
                request_or_site,
                attr_name,
                cached_until_content_changes("clinic-settings", cls._load_with_footer_links),
            )
        return getattr(request_or_site, attr_name)

    @classmethod
    def _load_with_footer_links(cls):
        clinic = super().load()
        clinic.footer_link_list  # noqa: B018 - fetched now, so the cached copy carries them
        return clinic

    @cached_property
    def footer_link_list(self) -> list["FooterLink"]:
        return list(self.footer_links.select_related("page"))

    @property
    def phone_href(self) -> str:
        digits = "".join(ch for ch in self.phone if ch.isdigit())
        # US numbers written without the country code still need it in a tel: link.
        return f"tel:+1{digits}" if len(digits) == 10 else f"tel:+{digits}"


class FooterLink(Orderable):
    """A page linked from the footer on every page (privacy notice, accessibility...)."""

    settings = ParentalKey(ClinicSettings, on_delete=models.CASCADE, related_name="footer_links")
    page = models.ForeignKey(
        "wagtailcore.Page", on_delete=models.CASCADE, related_name="+", help_text="Page to link."
    )
    label = models.CharField(
        max_length=60, blank=True, help_text="Link text; leave empty to use the page title."
    )

    panels = [FieldPanel("page"), FieldPanel("label")]

    def __str__(self):
        return self.label or self.page.title


class Weekday(models.IntegerChoices):
    MONDAY = 0, "Monday"
    TUESDAY = 1, "Tuesday"
    WEDNESDAY = 2, "Wednesday"
    THURSDAY = 3, "Thursday"
    FRIDAY = 4, "Friday"
    SATURDAY = 5, "Saturday"
    SUNDAY = 6, "Sunday"


class OpeningHours(models.Model):
    """One opening period on a weekday, in the clinic's time zone. A day may have several."""

    weekday = models.PositiveSmallIntegerField(
        choices=Weekday.choices, help_text="Days without any period are shown as closed."
    )
    opens = models.TimeField(help_text="Clinic time (Jackson, MS), e.g. 08:00.")
    closes = models.TimeField(help_text="Clinic time (Jackson, MS), e.g. 17:00.")

    panels = [FieldPanel("weekday"), FieldPanel("opens"), FieldPanel("closes")]

    class Meta:
        ordering = ["weekday", "opens"]
        verbose_name_plural = "opening hours"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(closes__gt=models.F("opens")), name="hours_close_after_open"
            ),
        ]

    def __str__(self):
        return f"{self.get_weekday_display()} {self.opens:%H:%M}–{self.closes:%H:%M}"

    @classmethod
    def cached(cls) -> list["OpeningHours"]:
        """All periods, for public pages: shared until the next content change."""
        return cached_until_content_changes("opening-hours", lambda: list(cls.objects.all()))


class Closure(models.Model):
    """Days the clinic is closed although the weekly hours say open (holidays, days off)."""

    starts_on = models.DateField(help_text="First closed day.")
    ends_on = models.DateField(help_text="Last closed day; the same as the first for one day.")
    reason = models.CharField(max_length=100, help_text="Shown to patients, e.g. “Thanksgiving”.")

    panels = [FieldPanel("starts_on"), FieldPanel("ends_on"), FieldPanel("reason")]

    class Meta:
        ordering = ["starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")),
                name="closure_ends_after_start",
            ),
        ]

    def __str__(self):
        return f"{self.reason} ({self.starts_on:%b %d}–{self.ends_on:%b %d})"

    def covers(self, day: dt.date) -> bool:
        return self.starts_on <= day <= self.ends_on

    @classmethod
    def cached(cls) -> list["Closure"]:
        """All closures, for public pages: shared until the next content change."""
        return cached_until_content_changes("closures", lambda: list(cls.objects.all()))


def any_view_restriction() -> bool:
    """Whether an editor has made any page private (shared until the next content change)."""
    return cached_until_content_changes("any-view-restriction", PageViewRestriction.objects.exists)


def fetch_for_serving(model, pk):
    """The page as its own type, with the related rows its template shows joined in."""
    queryset = model._default_manager.all()
    if related := getattr(model, "serve_select_related", ()):
        queryset = queryset.select_related(*related)  # never empty: that would join every FK
    return queryset.get(pk=pk)


class SeoMixin:
    """Meta description with a fallback, and breadcrumbs (links and structured data).

    Also what serving any public page needs: see HomePage.route and get_view_restrictions."""

    # Related rows the page's own template shows, fetched with the page when it is routed.
    serve_select_related: tuple[str, ...] = ()

    @cached_property
    def breadcrumb_trail(self) -> list[Page]:
        """The pages from home down to this one; the template and the JSON-LD share it.
        HomePage.route sets it from the pages it has already fetched."""
        return [*self.get_ancestors().filter(depth__gte=2), self]

    def get_view_restrictions(self):
        """Wagtail checks every page view against the restrictions of the page and its
        ancestors (two queries). The clinic restricts no page, so while none exists at all
        (known from the shared cache until the next content change) there is nothing to check.
        """
        if not any_view_restriction():
            return PageViewRestriction.objects.none()
        return super().get_view_restrictions()

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

    serve_select_related = ("hero_image", "doctor__photo")

    def description_fallback(self):
        return self.hero_text or self.hero_heading

    def structured_data(self, request):
        return [structured_data.clinic(request)]

    def route(self, request, path_components):
        """Find the page for a URL in two queries whatever its depth: the pages along the path
        by their url_path, then the last one as its own type. Wagtail's default walks down one
        level at a time (two queries per level). Falls back to that walk for any page type
        that routes itself (none does today) and to report a missing page."""
        if not path_components:
            return super().route(request, path_components)
        url_paths = [
            self.url_path + "".join(f"{slug}/" for slug in path_components[:depth])
            for depth in range(1, len(path_components) + 1)
        ]
        path_pages = list(
            Page.objects.descendant_of(self).filter(url_path__in=url_paths).order_by("depth")
        )
        if [page.url_path for page in path_pages] != url_paths or any(
            page.specific_class is None or page.specific_class.route is not Page.route
            for page in path_pages
        ):
            return super().route(request, path_components)
        model = path_pages[-1].specific_class
        try:
            page = fetch_for_serving(model, path_pages[-1].pk)
        except model.DoesNotExist as error:  # deleted since the first query
            raise Http404 from error
        page._cached_parent_obj = path_pages[-2] if len(path_pages) > 1 else self
        page.breadcrumb_trail = [self, *path_pages[:-1], page]
        return page.route(request, [])

    def featured(self):
        return [
            link.procedure
            for link in self.featured_procedures.select_related("procedure").prefetch_related(
                "procedure__recovery_stages"
            )
            if link.procedure.live
        ]

    def get_context(self, request, *args, **kwargs):
        from procedures.models import Testimonial

        context = super().get_context(request, *args, **kwargs)
        context["featured"] = self.featured()
        context["testimonials"] = Testimonial.objects.published()[:3]
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
    """A doctor's profile: photo, credentials, philosophy and the procedures they perform."""

    job_title = models.CharField(
        max_length=120, help_text="How the doctor is introduced, e.g. “Plastic surgeon”."
    )
    photo = image_field("A portrait of the doctor.")
    summary = models.CharField(
        max_length=300, help_text="One or two sentences used on the home page and in listings."
    )
    philosophy = StreamField(NarrativeBlock(), help_text="The doctor's approach, in their voice.")

    content_panels = [
        *Page.content_panels,
        MultiFieldPanel(
            [FieldPanel("job_title"), FieldPanel("photo"), FieldPanel("summary")],
            heading="Introduction",
        ),
        InlinePanel("credentials", heading="Credentials", label="Credential"),
        FieldPanel("philosophy"),
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("summary"),
        index.SearchField("philosophy"),
    ]

    parent_page_types = ["allure.HomePage"]
    subpage_types = []
    serve_select_related = ("photo",)

    def description_fallback(self):
        return self.summary

    @property
    def share_image(self):
        return self.photo

    def structured_data(self, request):
        return [
            structured_data.physician(self, request),
            structured_data.breadcrumbs(self, request),
        ]

    def procedures_performed(self):
        if self.pk is None:  # a profile being previewed before its first save
            return []
        return self.procedures.live().order_by("title")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
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
