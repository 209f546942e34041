"""The people who treat patients: the surgeon, a nurse injector, an aesthetician.

One row per person, and the one place their name, letters, role, photo and short bio are
kept. The doctor's profile page shows a clinician (the clinician names it as their profile
page), procedure pages name their clinicians and their medical reviewer through it, and the
booking diary (`bookings.Provider`, working hours and days away) books one.
"""

from django import forms
from django.db import models
from modelcluster.fields import ParentalManyToManyField
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.search import index


class Clinician(index.Indexed, ClusterableModel):
    name = models.CharField(max_length=100, help_text="As patients know them, e.g. “Dr. Walker”.")
    letters = models.CharField(
        max_length=40,
        blank=True,
        help_text="Letters after the name, e.g. “M.D.” or “R.N.”: shown wherever they are "
        "named as a page's medical reviewer, as Mississippi's advertising rules ask.",
    )
    role = models.CharField(
        max_length=120, help_text="How patients meet them, e.g. “Board-certified plastic surgeon”."
    )
    photo = models.ForeignKey(
        "wagtailimages.Image",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="A portrait. Give the image a description: it becomes the alt text.",
    )
    bio = models.CharField(
        max_length=300,
        blank=True,
        help_text="One or two sentences, used on the home page, their profile and listings.",
    )
    profile_page = models.ForeignKey(
        "wagtailcore.Page",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="clinician_profiles",
        help_text="Optional: the page about them. It shows this clinician, and their name links "
        "to it from procedure and booking pages.",
    )
    procedures = ParentalManyToManyField(
        "procedures.ProcedurePage",
        related_name="clinicians",
        blank=True,
        help_text="The procedures they perform and hold consultations for.",
    )
    bookable = models.BooleanField(
        default=True,
        help_text="Patients can book a consultation with them. Untick to stop offering their "
        "times (their bookings stay).",
    )
    sort_order = models.PositiveSmallIntegerField(
        default=0, help_text="Lower first in lists; “first available” tries them in this order."
    )

    panels = [
        MultiFieldPanel(
            [
                FieldPanel("name"),
                FieldPanel("letters"),
                FieldPanel("role"),
                FieldPanel("photo"),
                FieldPanel("bio"),
                FieldPanel("profile_page"),
            ],
            heading="Who",
        ),
        FieldPanel("procedures", widget=forms.CheckboxSelectMultiple),
        MultiFieldPanel([FieldPanel("bookable"), FieldPanel("sort_order")], heading="Booking"),
    ]
    search_fields = [index.SearchField("name"), index.AutocompleteField("name")]

    class Meta:
        ordering = ["sort_order", "name"]

    def __str__(self):
        return self.name

    @property
    def name_with_letters(self) -> str:
        return f"{self.name}, {self.letters}" if self.letters else self.name

    @property
    def letters_and_role(self) -> str:
        """“M.D., board-certified plastic surgeon”: what the booking page says under a name."""
        if not self.letters:
            return self.role
        role = self.role
        if role[1:2].islower():  # “Nurse injector” follows the letters as “nurse injector”
            role = role[:1].lower() + role[1:]
        return f"{self.letters}, {role}"
