"""Site-wide content: the home page and the clinic's own facts (settings, hours, closures)."""

import datetime as dt

from django.db import models
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseGenericSetting, register_setting
from wagtail.models import Page


@register_setting(icon="site")
class ClinicSettings(BaseGenericSetting):
    """The clinic's facts, shown in the header, footer, contact page and structured data."""

    name = models.CharField(max_length=100, default="Allure Plastics")
    phone = models.CharField(
        max_length=30, default="(601) 555-0142", help_text="As patients should dial it."
    )
    email = models.EmailField(default="hello@allureplastics.com")
    street_address = models.CharField(max_length=200, blank=True)
    locality = models.CharField("city", max_length=100, default="Jackson")
    region = models.CharField("state", max_length=50, default="MS")
    postal_code = models.CharField(max_length=20, blank=True)
    results_disclaimer = models.CharField(
        max_length=200,
        default="Individual results may vary.",
        help_text="Shown wherever results, photos or testimonials appear.",
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
        FieldPanel("results_disclaimer"),
    ]

    class Meta:
        verbose_name = "clinic settings"


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

    weekday = models.PositiveSmallIntegerField(choices=Weekday.choices)
    opens = models.TimeField()
    closes = models.TimeField()

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


class Closure(models.Model):
    """Days the clinic is closed although the weekly hours say open (holidays, days off)."""

    starts_on = models.DateField()
    ends_on = models.DateField(help_text="Last closed day; the same as the first for one day.")
    reason = models.CharField(max_length=100, help_text="Shown to patients, e.g. “Thanksgiving”.")

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


class HomePage(Page):
    """The site's root page."""

    max_count = 1
    parent_page_types = ["wagtailcore.Page"]
