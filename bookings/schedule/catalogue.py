"""What the booking page and the availability rule read on every request and staff change
rarely: the live procedures, the bookable clinicians' diaries with their hours, days away and
procedures, the consultation types, the booking rules, and the clinic's own hours and
closures. One shared fragment, rebuilt after any change to these rows, and kept in each
process for its generation (`kept_until_content_changes`): a page reads it several times,
and unpickling it each time cost more than the page's one query. Read only: the process's
requests share these objects.

Kept out of allure.base's list of content apps on purpose: a booking (written all day) must
not clear the caches, only the rows below. `connect_invalidation` (bookings' `ready`) hooks
them up; base knows nothing of bookings.
"""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Prefetch
from django.db.models.signals import m2m_changed, post_delete, post_save

from allure.base.models import Closure, OpeningHours
from allure.base.web.serving import clear_page_cache, kept_until_content_changes
from bookings.models import (
    BookingRules,
    ConsultationType,
    Provider,
    ProviderClosure,
    ProviderHours,
)
from procedures.clinicians import Clinician
from procedures.models import ProcedurePage

FRAGMENT = "booking-catalogue"
# How forms and addresses say "whoever does the treatment and is free first".
FIRST_AVAILABLE = "any"


@dataclass(frozen=True)
class Catalogue:
    # Live procedures by title, with only what the page and the rules read.
    procedures: list[ProcedurePage]
    # Bookable clinicians' diaries in "first available" order, each with its hours and closures
    # prefetched and `procedure_ids`: the pages (live or not) they consult on.
    providers: list[Provider]
    types: dict[str, ConsultationType]  # by procedure category
    rules: BookingRules
    # The clinic's weekly opening periods by weekday, (opens, closes), and its closures.
    clinic_hours: dict[int, list[tuple[dt.time, dt.time]]]
    closures: list[Closure]

    def procedure(self, slug: str | None) -> ProcedurePage | None:
        return next((p for p in self.procedures if p.slug == slug), None)


def _build() -> Catalogue:
    providers = list(
        Provider.objects.filter(clinician__bookable=True)
        .select_related("clinician__photo", "clinician__profile_page")
        .prefetch_related(
            Prefetch("hours", queryset=ProviderHours.objects.all()),
            Prefetch("closures", queryset=ProviderClosure.objects.all()),
        )
        .order_by("clinician__sort_order", "clinician__name")
    )
    links: dict[int, set[int]] = {}
    for clinician_id, page_id in Clinician.procedures.through.objects.filter(
        clinician__bookable=True
    ).values_list("clinician_id", "procedurepage_id"):
        links.setdefault(clinician_id, set()).add(page_id)
    for provider in providers:
        provider.procedure_ids = frozenset(links.get(provider.clinician_id, ()))
    clinic_hours: dict[int, list[tuple[dt.time, dt.time]]] = {}
    for hours in OpeningHours.cached():
        clinic_hours.setdefault(hours.weekday, []).append((hours.opens, hours.closes))
    return Catalogue(
        procedures=list(
            ProcedurePage.objects.live().only("title", "slug", "category").order_by("title")
        ),
        providers=providers,
        types={t.category: t for t in ConsultationType.objects.all()},
        rules=BookingRules.load(),
        clinic_hours=clinic_hours,
        closures=Closure.cached(),
    )


def catalogue() -> Catalogue:
    return kept_until_content_changes(FRAGMENT, _build)


def _changed(sender, **kwargs) -> None:
    clear_page_cache()


def _provider_procedures_changed(sender, action, **kwargs) -> None:
    if action.startswith("post_"):
        clear_page_cache()


# Procedure pages and clinicians are content already: a change to one clears it.
WATCHED = (BookingRules, ConsultationType, Provider, ProviderHours, ProviderClosure)


def connect_invalidation() -> None:
    for model in WATCHED:
        for signal, name in ((post_save, "save"), (post_delete, "delete")):
            signal.connect(
                _changed, sender=model, dispatch_uid=f"booking-catalogue-{name}-{model.__name__}"
            )
    m2m_changed.connect(
        _provider_procedures_changed,
        sender=Clinician.procedures.through,
        dispatch_uid="booking-catalogue-provider-procedures",
    )
