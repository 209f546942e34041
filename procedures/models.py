"""Procedure content: the index of treatments, one page per procedure, and testimonials.

Facts (durations, anaesthesia, recovery days, areas...) are fields so they can be listed,
compared and turned into structured data; StreamFields carry only the narrative.
"""

import datetime as dt
import math
from typing import NamedTuple

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Prefetch, Q, prefetch_related_objects
from django.utils.cache import add_never_cache_headers
from django.utils.timezone import localdate
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.fields import StreamField
from wagtail.models import Orderable, Page
from wagtail.search import index

from allure.base import structured_data
from allure.base.blocks import NarrativeBlock
from allure.base.pages import SeoMixin, image_field
from allure.base.web.serving import (
    cached_until_content_changes,
    live_url_of_the_only,
    public_only,
)
from procedures.clinicians import Clinician
from procedures.forms import GalleryFilterForm, PlannerForm
from procedures.gallery import ResultPair, ResultPairAngle
from procedures.planner import Concern, recommend


class ProcedureCategory(models.TextChoices):
    SKIN = "skin", "Skin"
    FACE = "face", "Face"
    BODY = "body", "Body"
    INJECTABLES = "injectables", "Injectables"


CATEGORY_LABELS = dict(ProcedureCategory.choices)


class ProcedureType(models.TextChoices):
    """schema.org's MedicalProcedureType values, used in the structured data."""

    NONINVASIVE = "NoninvasiveProcedure", "Non-invasive (no incision or needle)"
    PERCUTANEOUS = "PercutaneousProcedure", "Minimally invasive (through the skin, e.g. needle)"
    SURGICAL = "SurgicalProcedure", "Surgical"


class TimelineBar(NamedTuple):
    stage: "RecoveryStage"
    starts_at: int  # percent of the scale where the stage's range of healing days starts
    ends_at: int  # ...and where it ends


# What a related procedure's card shows (`{% procedure_card %}`) and how it is
# linked: a related procedure is a whole page, and loading all of its columns (six
# StreamFields among them) for a card cost more CPU than the rest of the query. A field the
# card starts to show must be added here, or each card costs a query of its own (the
# query-count tests would catch it).
RELATED_CARD_FIELDS = tuple(
    f"procedure__{name}"
    for name in (
        "title",
        "url_path",
        "live",
        "summary",
        "category",
        "treatments_min",
        "treatments_max",
    )
)

# The procedure page's StreamFields: its story, which only its own page shows.
PROCEDURE_NARRATIVE_FIELDS = (
    "what_it_is",
    "how_it_works",
    "typical_treatment",
    "results",
    "recovery",
    "doctors_take",
)

# A page whose medical review is older than this shows on the editors' "Medical review due".
REVIEW_VALID_FOR = dt.timedelta(days=365)
# ...and a price range set longer ago than this on "Prices to check".
PRICE_VALID_FOR = dt.timedelta(days=365)


def _range(low, high, unit: str) -> str:
    if high is None or high == low:
        return f"{low} {unit}"
    return f"{low}–{high} {unit}"


class ProcedureIndexPage(SeoMixin, Page):
    """All procedures grouped by category, each with its key facts at a glance."""

    intro = models.TextField(blank=True, help_text="A short welcome above the list.")

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    search_fields = [*Page.search_fields, index.SearchField("intro")]

    parent_page_types = ["allure.HomePage"]
    subpage_types = [
        "procedures.ProcedurePage",
        "procedures.TreatmentPlannerPage",
        "procedures.ResultsGalleryPage",
    ]
    max_count = 1

    def description_fallback(self):
        return self.intro

    def procedures(self):
        procedures = (
            ProcedurePage.objects.child_of(self)
            .live()
            .prefetch_related("recovery_stages")
            .order_by("title")
        )
        return public_only(procedures)

    def procedures_by_category(self) -> list[tuple[str, list]]:
        procedures = list(self.procedures())
        return [
            (label, group)
            for value, label in ProcedureCategory.choices
            if (group := [p for p in procedures if p.category == value])
        ]

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["planner_url"] = TreatmentPlannerPage.live_url()
        context["gallery_url"] = ResultsGalleryPage.live_url()
        return context


class ProcedurePage(SeoMixin, Page):
    """One treatment the clinic offers: its facts as fields, its story in StreamFields."""

    category = models.CharField(
        max_length=20,
        choices=ProcedureCategory.choices,
        help_text="Groups the procedure on the procedures page.",
    )
    summary = models.CharField(
        max_length=300, help_text="One or two sentences shown in listings and search results."
    )
    procedure_type = models.CharField(
        max_length=30,
        choices=ProcedureType.choices,
        default=ProcedureType.NONINVASIVE,
        help_text="How invasive the procedure is; tells search engines what kind it is.",
    )
    hero_image = image_field("Shown at the top of the page and when the page is shared.")

    what_it_is = StreamField(NarrativeBlock(), help_text="What the procedure is, in plain words.")
    how_it_works = StreamField(
        NarrativeBlock(), blank=True, help_text="How the procedure achieves its effect."
    )

    treatments_min = models.PositiveSmallIntegerField(
        default=1, help_text="Fewest treatments a patient typically needs."
    )
    treatments_max = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Most treatments typically needed; empty if it varies."
    )
    treatments_note = models.TextField(
        blank=True, help_text="Why the number of treatments varies from patient to patient."
    )

    typical_treatment = StreamField(
        NarrativeBlock(),
        blank=True,
        help_text="What happens on the day: preparation and the treatment itself.",
    )
    duration_min_minutes = models.PositiveSmallIntegerField(
        help_text="Shortest usual duration of one treatment, in minutes."
    )
    duration_max_minutes = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Longest usual duration, in minutes; empty if fixed."
    )
    duration_note = models.CharField(
        max_length=200, blank=True, help_text="E.g. “Deeper treatments can take longer.”"
    )
    comfort_note = models.TextField(
        blank=True, help_text="How it feels; anaesthesia per depth goes in the recovery stages."
    )

    results_first_visible = models.CharField(
        max_length=120,
        help_text="When patients first see results, e.g. “About a week, when makeup can go on”.",
    )
    results_develop_months_min = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Results keep improving for at least this many months."
    )
    results_develop_months_max = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="…and up to this many months."
    )
    results = StreamField(
        NarrativeBlock(), blank=True, help_text="What results look like and how they develop."
    )

    recovery_milestone = models.CharField(
        max_length=80,
        default="healed",
        help_text="What the recovery days count up to, e.g. “before makeup can be applied”.",
    )
    recovery = StreamField(
        NarrativeBlock(), blank=True, help_text="The first days after treatment and aftercare."
    )
    sun_care = models.TextField(
        blank=True, help_text="Sun protection advice after treatment and in the long run."
    )

    price_from = models.PositiveIntegerField(
        "price from ($)",
        null=True,
        blank=True,
        help_text="What most patients pay at least, in whole US dollars, e.g. 1500. Leave "
        "empty to show no price on the page.",
    )
    price_to = models.PositiveIntegerField(
        "price to ($)",
        null=True,
        blank=True,
        help_text="What most patients pay at most, in whole dollars; empty shows “From $…”.",
    )
    price_includes = models.CharField(
        max_length=200,
        blank=True,
        help_text="What the price covers, e.g. “One syringe, numbing cream and a check-up”.",
    )
    price_depends_on = models.CharField(
        max_length=200,
        blank=True,
        help_text="What makes it cost more or less, e.g. “The area treated and the depth”.",
    )
    price_set_on = models.DateField(
        null=True,
        blank=True,
        help_text="When the clinic last checked this range; the page says “Range set in” its "
        "month. After a year the page shows on Reports › Prices to check.",
    )

    doctor = models.ForeignKey(
        Clinician,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Whose take it is; it links to their profile page.",
    )
    doctors_take = StreamField(
        NarrativeBlock(), blank=True, help_text="The doctor's own view, in their voice."
    )

    medical_reviewer = models.ForeignKey(
        Clinician,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The physician who checked this page's medical facts; named on the page.",
    )
    last_reviewed_on = models.DateField(
        null=True,
        blank=True,
        help_text="When they last checked it. After a year the page shows on "
        "Reports › Medical review due.",
    )

    content_panels = [
        *Page.content_panels,
        MultiFieldPanel(
            [
                FieldPanel("category"),
                FieldPanel("procedure_type"),
                FieldPanel("summary"),
                FieldPanel("hero_image"),
            ],
            heading="At a glance",
        ),
        MultiFieldPanel(
            [
                FieldPanel("what_it_is"),
                InlinePanel("technologies", label="Technology or approach"),
                FieldPanel("how_it_works"),
            ],
            heading="What it is",
        ),
        MultiFieldPanel(
            [
                InlinePanel("conditions", label="Condition"),
                InlinePanel("areas", label="Area"),
            ],
            heading="Who and what it treats",
        ),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("treatments_min"), FieldPanel("treatments_max")]),
                FieldPanel("treatments_note"),
            ],
            heading="Number of treatments",
        ),
        MultiFieldPanel(
            [
                FieldPanel("typical_treatment"),
                FieldRowPanel(
                    [FieldPanel("duration_min_minutes"), FieldPanel("duration_max_minutes")]
                ),
                FieldPanel("duration_note"),
                FieldPanel("comfort_note"),
            ],
            heading="A typical treatment",
        ),
        MultiFieldPanel(
            [
                FieldPanel("results_first_visible"),
                FieldRowPanel(
                    [
                        FieldPanel("results_develop_months_min"),
                        FieldPanel("results_develop_months_max"),
                    ]
                ),
                FieldPanel("results"),
            ],
            heading="Results",
        ),
        MultiFieldPanel(
            [
                FieldPanel("recovery_milestone"),
                InlinePanel("recovery_stages", label="Recovery by depth", min_num=1),
                FieldPanel("recovery"),
                FieldPanel("sun_care"),
            ],
            heading="Recovery",
        ),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("price_from"), FieldPanel("price_to")]),
                FieldPanel("price_includes"),
                FieldPanel("price_depends_on"),
                FieldPanel("price_set_on"),
            ],
            heading="Cost",
        ),
        MultiFieldPanel(
            [FieldPanel("doctor"), FieldPanel("doctors_take")], heading="The doctor's take"
        ),
        MultiFieldPanel(
            [FieldPanel("medical_reviewer"), FieldPanel("last_reviewed_on")],
            heading="Medical review",
        ),
        InlinePanel("faqs", heading="Questions and answers", label="Question"),
        InlinePanel("related_procedures", heading="Related procedures", label="Procedure"),
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("summary"),
        index.SearchField("what_it_is"),
        index.SearchField("how_it_works"),
        index.RelatedFields("conditions", [index.SearchField("name")]),
        index.RelatedFields("areas", [index.SearchField("name")]),
        index.FilterField("category"),
    ]

    parent_page_types = ["procedures.ProcedureIndexPage"]
    subpage_types = []
    # Outside the cached fragments the page shows only its hero image (the share image in
    # the head); the doctor and the reviewer are read when the fragments are drawn.
    serve_select_related = ("hero_image",)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(medical_reviewer__isnull=True, last_reviewed_on__isnull=True)
                | Q(medical_reviewer__isnull=False, last_reviewed_on__isnull=False),
                name="procedure_review_names_reviewer_and_date",
                violation_error_message="A medical review needs both the reviewer and the date.",
            ),
            # A range reads "From $low to $high": a "to" needs its "from", and comes after it.
            models.CheckConstraint(
                condition=Q(price_to__isnull=True)
                | Q(price_from__isnull=False, price_to__gte=models.F("price_from")),
                name="procedure_price_range_in_order",
                violation_error_message="A price range needs its lowest price, no higher "
                "than its highest.",
            ),
            models.CheckConstraint(
                condition=Q(price_from__isnull=True) | Q(price_set_on__isnull=False),
                name="procedure_price_has_its_date",
                violation_error_message="A price needs the date it was set.",
            ),
        ]

    def description_fallback(self):
        return self.summary

    def clean(self):
        super().clean()
        # Every message at once, each on its field (no two rules for one field apply together).
        errors = {}
        reviewer, reviewed_on = self.medical_reviewer, self.last_reviewed_on
        if reviewer and reviewed_on is None:
            errors["last_reviewed_on"] = "Give the date of the medical review."
        if reviewed_on and reviewer is None:
            errors["medical_reviewer"] = "Choose who did the medical review."
        if reviewed_on and reviewed_on > localdate():
            errors["last_reviewed_on"] = "The review date cannot be in the future."
        if reviewer and not reviewer.letters:
            # Mississippi asks advertising to name the responsible physician with "M.D.".
            errors["medical_reviewer"] = (
                f"Add {reviewer.name}'s letters (e.g. “M.D.”) in Clinicians "
                "first: the review line names them with it."
            )
        low, high, set_on = self.price_from, self.price_to, self.price_set_on
        if high is not None and low is None:
            errors["price_from"] = "Give the lowest price too: a range starts “From $…”."
        elif high is not None and high < low:
            errors["price_to"] = f"The highest price cannot be below the lowest (${low:,})."
        if low is not None and set_on is None:
            errors["price_set_on"] = "Give the date this price range was set."
        elif set_on and set_on > localdate():
            errors["price_set_on"] = "The date the range was set cannot be in the future."
        if errors:
            raise ValidationError(errors)

    @classmethod
    def review_due(cls, today: dt.date):
        """Pages never reviewed, then those whose review is over a year old, oldest first."""
        return (
            cls.objects.filter(
                Q(last_reviewed_on__isnull=True) | Q(last_reviewed_on__lt=today - REVIEW_VALID_FOR)
            )
            .select_related("medical_reviewer")
            .order_by(models.F("last_reviewed_on").asc(nulls_first=True), "title")
        )

    @classmethod
    def price_check_due(cls, today: dt.date):
        """Live pages that show no price, then those whose range was set over a year ago,
        oldest first."""
        return cls.objects.filter(
            Q(live=True, price_from__isnull=True) | Q(price_set_on__lt=today - PRICE_VALID_FOR)
        ).order_by(models.F("price_set_on").asc(nulls_first=True), "title")

    # Facts at a glance, derived from the structured fields.
    @property
    def treatments_label(self) -> str:
        if self.treatments_max is None and self.treatments_min == 1:
            return "1 or a series"
        if self.treatments_max is None:
            return f"{self.treatments_min} or more"
        noun = "treatment" if self.treatments_max == 1 else "treatments"
        return _range(self.treatments_min, self.treatments_max, noun)

    @property
    def category_label(self) -> str:
        """`get_category_display()`, without Django hashing every choice on each call."""
        return CATEGORY_LABELS.get(self.category, self.category)

    @property
    def duration_label(self) -> str:
        return _range(self.duration_min_minutes, self.duration_max_minutes, "minutes")

    @property
    def downtime_label(self) -> str:
        stages = list(self.recovery_stages.all())
        if not stages:
            return ""
        low = min(stage.days_min for stage in stages)
        high = max(stage.days_max for stage in stages)
        return "No downtime" if high == 0 else _range(low, high, "days")

    @property
    def price_label(self) -> str:
        """The range as the page and the treatment planner both say it; "" without a price."""
        low, high = self.price_from, self.price_to
        if low is None:
            return ""
        if high is None:
            return f"From ${low:,}"
        return f"${low:,}" if high == low else f"From ${low:,} to ${high:,}"

    @property
    def results_develop_label(self) -> str:
        if self.results_develop_months_min is None:
            return ""
        return _range(self.results_develop_months_min, self.results_develop_months_max, "months")

    def timeline_scale_days(self) -> int:
        """The longest recovery, so every stage's bar is drawn on the same scale."""
        return max((stage.days_max for stage in self.recovery_stages.all()), default=0)

    def recovery_timeline(self) -> list[TimelineBar]:
        """Bars for the recovery timeline, as positions in 5 % steps (CSS classes, no inline
        styles: the Content-Security-Policy forbids them)."""
        scale = self.timeline_scale_days() or 1
        bars = []
        for stage in self.recovery_stages.all():
            # The range gets at least one step, so a fixed number of days still shows.
            starts_at = min(math.floor(stage.days_min / scale * 20) * 5, 95)
            ends_at = max(math.ceil(stage.days_max / scale * 20) * 5, starts_at + 5)
            bars.append(TimelineBar(stage, starts_at, ends_at))
        return bars

    # Queries: each list is one query however long it gets (see the query-count test).
    def related(self):
        return [link.procedure for link in self.related_procedures.all() if link.procedure.live]

    def testimonials(self):
        """Published testimonials about this procedure (none yet while it is being created)."""
        if self.pk is None:
            return Testimonial.objects.none()
        return Testimonial.objects.published().filter(procedures=self)

    def has_result_pairs(self) -> bool:
        """Whether this page has photos to show today (no query: a shared fragment)."""
        return self.pk in procedures_with_shown_pairs()

    def shown_result_pairs(self) -> list[ResultPair]:
        """The pairs visitors may see on this page, with their extra angles and every photo's
        resized copies, in a fixed number of queries however many there are; none at all for
        a page without any (most)."""
        if not self.has_result_pairs():
            return []
        pairs = with_photos(ResultPair.objects.filter(procedure=self).shown(localdate()))
        for pair in pairs:
            pair.procedure = self
        return pairs

    def structured_data(self, request):
        self.fetch_shown_lists(request)  # the head comes first: fetched for the content too
        data = [
            structured_data.medical_procedure(self, request),
            structured_data.breadcrumbs(self, request),
        ]
        if self.medical_reviewer and self.last_reviewed_on:
            data.append(
                structured_data.medical_web_page(
                    self, self.medical_reviewer, self.last_reviewed_on, request
                )
            )
        if self.price_from is not None:
            data.append(structured_data.priced_service(self, request))
        if faqs := self.faqs.all():
            data.append(structured_data.faq_page(faqs))
        return data

    def fetch_shown_lists(self, request) -> None:
        """Fetch every inline list the page shows, one query each, where `page.<list>.all()`
        reads them: the template reads some lists several times (the questions for the
        contents, the section and the structured data; the recovery stages for the facts,
        the timeline and the table). Called by `{% procedure_content %}`, inside the page's
        cached fragment, so a page served from that fragment spends none of them."""
        # A preview shows the editor's unsaved inline rows, which modelcluster keeps in memory:
        # fetching them from the database would show the saved ones instead.
        if getattr(request, "is_preview", False):
            return
        prefetch_related_objects(
            [self],
            "technologies",
            "conditions",
            "areas",
            "faqs",
            "recovery_stages",
            Prefetch(
                "related_procedures",
                queryset=RelatedProcedure.objects.select_related("procedure")
                .only("page", "sort_order", "procedure", *RELATED_CARD_FIELDS)
                .prefetch_related("procedure__recovery_stages"),  # the cards' downtime
            ),
        )
        # Whose take and who reviewed it (usually one clinician), with their profile pages
        # for the links: one query, handed to both foreign keys (once: the head asks first).
        keys = [k for k in ("doctor", "medical_reviewer") if getattr(self, f"{k}_id")]
        if all(self._meta.get_field(key).is_cached(self) for key in keys):
            return
        wanted = {getattr(self, f"{key}_id") for key in keys}
        people = Clinician.objects.select_related("profile_page").in_bulk(wanted)
        if self.doctor_id in people:
            self.doctor = people[self.doctor_id]
        if self.medical_reviewer_id in people:
            self.medical_reviewer = people[self.medical_reviewer_id]

    def performed_by(self) -> list[Clinician]:
        """The clinicians who perform it, named beside the booking call."""
        if self.pk is None:  # a page being previewed before its first save
            return []
        return list(self.clinicians.order_by("sort_order", "name"))

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["today"] = localdate()  # part of the cached fragment's key (see the template)
        return context


class OneUnderTheProcedures(SeoMixin, Page):
    """A page the site has one of, under the procedure index, introduced by its `intro`
    sentence (the treatment planner, the results gallery): linked from other pages through
    `live_url`."""

    parent_page_types = ["procedures.ProcedureIndexPage"]
    subpage_types = []
    max_count = 1

    class Meta:
        abstract = True

    def description_fallback(self):
        return self.intro

    @classmethod
    def live_url(cls) -> str | None:
        return live_url_of_the_only(cls)


class TreatmentPlannerPage(OneUnderTheProcedures):
    """ "Which treatment suits me?": a GET form whose answers rank the live procedures.
    The answers live only in the address; nothing is stored or logged."""

    intro = models.TextField(
        help_text="A sentence above the questions, e.g. what the planner can and cannot do."
    )
    consultation_note = models.TextField(
        default="These suggestions are a starting point, not medical advice. Your answers are "
        "not stored. At your consultation the doctor examines your skin and decides with you "
        "which treatment, if any, is right.",
        help_text="Shown with the results: says that the consultation decides.",
    )

    content_panels = [*Page.content_panels, FieldPanel("intro"), FieldPanel("consultation_note")]
    search_fields = [*Page.search_fields, index.SearchField("intro")]

    def candidates(self):
        procedures = ProcedurePage.objects.live().prefetch_related("conditions", "recovery_stages")
        return public_only(procedures)

    @staticmethod
    def answered(request) -> bool:
        return "concern" in request.GET or "downtime" in request.GET

    def serve(self, request, *args, **kwargs):
        response = super().serve(request, *args, **kwargs)
        if self.answered(request):
            # The answers are about the patient's skin: no cache, here or in front, keeps them.
            add_never_cache_headers(response)
        return response

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        answered = self.answered(request)
        form = PlannerForm(request.GET if answered else None)
        context["form"] = form
        if form.is_valid():
            context["recommendations"] = recommend(
                self.candidates(), form.cleaned_data["concern"], form.cleaned_data["downtime"]
            )
        return context


def procedures_with_shown_pairs() -> frozenset[int]:
    """Ids of the procedures that have pairs to show today (shared until the next content
    change: publishing a pair or ending a consent is one; so is the date, part of the key)."""
    today = localdate()
    return cached_until_content_changes(
        f"procedures-with-photos:{today}",
        lambda: frozenset(ResultPair.objects.shown(today).values_list("procedure_id", flat=True)),
    )


def with_photos(pairs) -> list[ResultPair]:
    """`pairs` with their photos and their extra angles with theirs: two queries for any
    number of pairs. The photos' resized copies come from the cache
    (Wagtail keeps them in the default cache when there is no "renditions" one)."""
    return list(
        pairs.select_related("before_image", "after_image").prefetch_related(
            Prefetch(
                "angles",
                queryset=ResultPairAngle.objects.select_related("before_image", "after_image"),
            )
        )
    )


class ResultsGalleryPage(OneUnderTheProcedures):
    """Every consented before-and-after pair, filterable by procedure."""

    intro = models.TextField(
        help_text="A sentence above the photos, e.g. that every patient agreed to be shown."
    )

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    search_fields = [*Page.search_fields, index.SearchField("intro")]

    def procedures_with_pairs(self):
        ids = procedures_with_shown_pairs()
        procedures = ProcedurePage.objects.live().filter(pk__in=ids).order_by("title")
        return public_only(procedures)

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        procedures = list(self.procedures_with_pairs())
        form = GalleryFilterForm(request.GET or None, procedures=procedures)
        chosen = form.chosen_procedure() if form.is_bound else None
        # The pairs themselves are fetched by `{% gallery_results %}`, inside the cached
        # fragment keyed by `today` and the choice.
        context.update(form=form, chosen=chosen, today=localdate())
        return context

    def shown_pairs(self, chosen=None) -> list[ResultPair]:
        """The pairs shown today, of the chosen procedure or of every procedure listed. Each
        pair comes with the little of its procedure that the gallery shows: a whole
        procedure row (six StreamFields) cost more than the pair."""
        procedures = [chosen] if chosen is not None else self.procedures_with_pairs()
        pairs = (
            ResultPair.objects.filter(procedure__in=procedures)
            .shown(localdate())
            .select_related("procedure")
            .defer(*(f"procedure__{name}" for name in PROCEDURE_NARRATIVE_FIELDS))
        )
        return with_photos(pairs)


class ProcedureTechnology(Orderable):
    page = ParentalKey(ProcedurePage, on_delete=models.CASCADE, related_name="technologies")
    name = models.CharField(
        max_length=80, help_text="E.g. “Erbium:YAG laser” or “Fractional resurfacing”."
    )
    description = models.CharField(
        max_length=250, blank=True, help_text="One sentence on what it means for the patient."
    )

    panels = [FieldPanel("name"), FieldPanel("description")]

    def __str__(self):
        return self.name


class ProcedureCondition(Orderable):
    page = ParentalKey(ProcedurePage, on_delete=models.CASCADE, related_name="conditions")
    name = models.CharField(max_length=120, help_text="One condition treated, e.g. “Scars”.")
    concern = models.CharField(
        max_length=20,
        choices=Concern.choices,
        blank=True,
        help_text="The treatment planner's answer this condition matches; empty: the planner "
        "does not use it.",
    )

    panels = [FieldPanel("name"), FieldPanel("concern")]

    def __str__(self):
        return self.name


class TreatmentArea(Orderable):
    page = ParentalKey(ProcedurePage, on_delete=models.CASCADE, related_name="areas")
    name = models.CharField(max_length=80, help_text="A part of the body, e.g. “Neck”.")
    is_common = models.BooleanField(
        default=False, help_text="Tick for the areas most patients have treated."
    )

    panels = [FieldPanel("name"), FieldPanel("is_common")]

    def __str__(self):
        return self.name


class RecoveryStage(Orderable):
    """Recovery for one depth of treatment: drawn as one bar on the recovery timeline."""

    page = ParentalKey(ProcedurePage, on_delete=models.CASCADE, related_name="recovery_stages")
    depth = models.CharField(max_length=60, help_text="E.g. “Shallow”, “Medium or fractional”.")
    examples = models.CharField(
        max_length=120, blank=True, help_text="Treatments at this depth, e.g. “Microlaser peel”."
    )
    anaesthesia = models.CharField(
        max_length=120, blank=True, help_text="Comfort at this depth, e.g. “Topical anaesthetic”."
    )
    treatments = models.CharField(
        max_length=120, blank=True, help_text="How many treatments at this depth, e.g. “A series”."
    )
    days_min = models.PositiveSmallIntegerField(help_text="Fewest days of recovery.")
    days_max = models.PositiveSmallIntegerField(help_text="Most days of recovery.")

    panels = [
        FieldPanel("depth"),
        FieldPanel("examples"),
        FieldPanel("anaesthesia"),
        FieldPanel("treatments"),
        FieldRowPanel([FieldPanel("days_min"), FieldPanel("days_max")]),
    ]

    class Meta(Orderable.Meta):
        constraints = [
            models.CheckConstraint(
                condition=models.Q(days_max__gte=models.F("days_min")),
                name="recovery_stage_days_in_order",
            ),
        ]

    def __str__(self):
        return f"{self.depth}: {self.days_label}"

    @property
    def days_label(self) -> str:
        return _range(self.days_min, self.days_max, "days")


class ProcedureFAQ(Orderable):
    page = ParentalKey(ProcedurePage, on_delete=models.CASCADE, related_name="faqs")
    question = models.CharField(max_length=200, help_text="As a patient would ask it.")
    answer = models.TextField(help_text="A short, plain answer.")

    panels = [FieldPanel("question"), FieldPanel("answer")]

    def __str__(self):
        return self.question


class RelatedProcedure(Orderable):
    page = ParentalKey(ProcedurePage, on_delete=models.CASCADE, related_name="related_procedures")
    procedure = models.ForeignKey(
        ProcedurePage,
        on_delete=models.CASCADE,
        related_name="+",
        help_text="A procedure patients often consider alongside this one.",
    )

    panels = [FieldPanel("procedure")]


class TestimonialQuerySet(models.QuerySet):
    def published(self):
        # Ties in the order they were entered: the same on every database, and in the
        # procedure page's one query of its lists.
        return self.filter(is_published=True).order_by("-consent_given_on", "pk")


class Testimonial(models.Model):
    """A patient's words, shown only with their recorded consent."""

    quote = models.TextField(help_text="The patient's words, unedited except for length.")
    patient_name = models.CharField(
        max_length=60, help_text="The name exactly as the patient agreed it be shown, e.g. “Pam”."
    )
    town = models.CharField(
        max_length=60, blank=True, help_text="Town as the patient agreed, e.g. “Wesson, MS”."
    )
    procedures = models.ManyToManyField(
        ProcedurePage,
        blank=True,
        help_text="Procedures this testimonial is about; it shows on their pages.",
    )
    consent_given_on = models.DateField(
        null=True,
        blank=True,
        help_text="The date the patient gave written consent to publish. Required to publish.",
    )
    is_published = models.BooleanField(
        default=False, help_text="Show on the site. Only possible with a consent date."
    )

    panels = [
        FieldPanel("quote"),
        MultiFieldPanel([FieldPanel("patient_name"), FieldPanel("town")], heading="Attribution"),
        FieldPanel("procedures"),
        MultiFieldPanel(
            [FieldPanel("consent_given_on"), FieldPanel("is_published")], heading="Consent"
        ),
    ]

    objects = TestimonialQuerySet.as_manager()

    class Meta:
        constraints = [
            # The database refuses it too, so no import or script can publish without consent.
            models.CheckConstraint(
                condition=models.Q(is_published=False) | models.Q(consent_given_on__isnull=False),
                name="testimonial_published_needs_consent",
                violation_error_message="A testimonial needs a consent date to be published.",
            ),
        ]

    def __str__(self):
        return f"{self.patient_name}, {self.town}" if self.town else self.patient_name

    def clean(self):
        if self.is_published and self.consent_given_on is None:
            raise ValidationError(
                {"consent_given_on": "Record the date of the patient's consent to publish."}
            )
