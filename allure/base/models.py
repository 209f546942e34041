"""The clinic's own facts: its settings (name, phone, address, disclaimer, footer links, the
lenders it accepts), its weekly opening hours and its closures. Every floor above reads them;
they import no app.

These models were first made in the site pages' app (label "allure"); their tables keep the
names they had there (`db_table`), so moving them here changed no table.
"""

import datetime as dt
from urllib.parse import parse_qsl, urlsplit

from django.core.exceptions import ValidationError
from django.db import models
from django.http import HttpRequest
from django.utils.functional import cached_property
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseGenericSetting, register_setting
from wagtail.models import Orderable

from allure.base.web.serving import cached_until_content_changes


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
    exact_quote_note = models.CharField(
        max_length=200,
        default="These ranges are a guide. Your exact quote follows your consultation, in "
        "writing, before you decide anything.",
        help_text="Shown under every procedure's price range: the range is a guide, and the "
        "consultation gives the exact price.",
    )

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
        MultiFieldPanel(
            [
                FieldPanel("exact_quote_note"),
                InlinePanel("financing_lenders", label="Lender"),
            ],
            heading="Cost and financing",
        ),
        InlinePanel("footer_links", heading="Footer links", label="Footer link"),
    ]

    class Meta:
        db_table = "allure_clinicsettings"
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
        """The settings with their footer links, in one query when there are links (each
        brings the settings row along), which is what the first visit after a content change
        pays for; two when there are none."""
        first = cls.objects.order_by("pk").values("pk")[:1]  # the row `load()` would pick
        links = list(
            FooterLink.objects.filter(settings__in=first)
            .select_related("settings", "page")
            .order_by("sort_order")
        )
        clinic = links[0].settings if links else super().load()
        for link in links:
            link.settings = clinic
        clinic.footer_link_list = links  # the cached copy carries them
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

    class Meta(Orderable.Meta):
        db_table = "allure_footerlink"

    def __str__(self):
        return self.label or self.page.title


class FinancingLender(Orderable):
    """A lender the clinic accepts for paying over time, listed under every procedure's price
    (in the procedure page's cached fragment: saving one is a content change, which clears it)."""

    settings = ParentalKey(
        ClinicSettings, on_delete=models.CASCADE, related_name="financing_lenders"
    )
    name = models.CharField(max_length=60, help_text="As patients know it, e.g. “CareCredit”.")
    description = models.CharField(
        max_length=120, help_text="One line, e.g. “Monthly payments, subject to approval”."
    )
    url = models.URLField(
        "link",
        help_text="The lender's own page for patients, starting with https://, without "
        "tracking codes (utm_…).",
    )

    panels = [FieldPanel("name"), FieldPanel("description"), FieldPanel("url")]

    def __str__(self):
        return self.name

    def clean(self):
        # Patients give a lender their income and identity: over an encrypted link only. And
        # the site tells no one about its visitors, so its links carry no tracking codes.
        address = urlsplit(self.url)
        if address.scheme != "https":
            raise ValidationError({"url": "Use the lender's secure address, starting https://."})
        if any(name.startswith("utm_") for name, _ in parse_qsl(address.query)):
            raise ValidationError({"url": "Remove the tracking codes (utm_…) from the address."})


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
        db_table = "allure_openinghours"
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
        db_table = "allure_closure"
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


class Metric(models.TextChoices):
    """What the site counts (allure/base/counts.py): numbers per day, never visitors."""

    PROCEDURE_VIEW = "procedure_view", "Procedure page views"
    BOOKING_OPEN = "booking_open", "Booking form opens"
    REQUEST_SENT = "request_sent", "Consultation requests sent"
    PLANNER_USE = "planner_use", "Treatment planner uses"


class DailyCount(models.Model):
    """How many times something happened on one day (clinic time), for one key: the
    procedure page's id for page views and requests, "" where there is no key. A count is
    all there is: no address, browser, cookie or any other trace of who."""

    date = models.DateField()
    metric = models.CharField(max_length=32, choices=Metric.choices)
    key = models.CharField(max_length=32, blank=True, default="")
    count = models.PositiveIntegerField(default=0)
    # Made up by the demo loader so a fresh `make run` shows a chart; the report says so.
    is_demo = models.BooleanField(default=False)

    class Meta:
        ordering = ["date", "metric", "key"]
        constraints = [
            models.UniqueConstraint(fields=["date", "metric", "key"], name="one_count_per_day"),
        ]
        # Not given to any group by default (editors and the front desk do not see it);
        # superusers have every permission. Give it to the clinic owner's account or group.
        permissions = [("view_reports", "Can view visit and request reports")]

    def __str__(self):
        return f"{self.date} {self.metric} {self.key or '-'}: {self.count}"
