"""Builds the demo site: idempotent, so `make run` can call it every time.

Anything that already exists is left as it is (an editor's changes survive a restart);
only what is missing is created.
"""

import datetime as dt
import functools
import importlib
import importlib.util
import logging
from io import StringIO
from urllib.parse import urlsplit

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction
from wagtail.models import Page, Site

from allure import demo_images
from allure.models import (
    ClinicSettings,
    Closure,
    ContactPage,
    DoctorCredential,
    DoctorPage,
    FooterLink,
    HomeFeaturedProcedure,
    HomePage,
    OpeningHours,
    StandardPage,
    Weekday,
)
from procedures.demo_content import TESTIMONIALS, narrative, procedures
from procedures.models import ProcedureIndexPage, ProcedurePage, RelatedProcedure, Testimonial

WEEKLY_HOURS = [
    (Weekday.MONDAY, "08:00", "17:00"),
    (Weekday.TUESDAY, "08:00", "17:00"),
    (Weekday.WEDNESDAY, "08:00", "17:00"),
    (Weekday.THURSDAY, "08:00", "17:00"),
    (Weekday.FRIDAY, "08:00", "13:00"),
]


def publish(parent, page):
    """Adds `page` under `parent` unless a page with its slug is already there."""
    existing = parent.get_children().filter(slug=page.slug).first()
    if existing:
        return existing.specific
    parent.add_child(instance=page)
    page.save_revision().publish()
    return page


def thanksgiving(year: int) -> dt.date:
    november_first = dt.date(year, 11, 1)
    first_thursday = november_first + dt.timedelta(days=(3 - november_first.weekday()) % 7)
    return first_thursday + dt.timedelta(weeks=3)


def upcoming_holidays(today: dt.date) -> list[tuple[str, dt.date, dt.date]]:
    holidays = []
    for year in (today.year, today.year + 1):
        day = thanksgiving(year)
        holidays.append(("Thanksgiving", day, day + dt.timedelta(days=1)))
        holidays.append(("Christmas", dt.date(year, 12, 24), dt.date(year, 12, 26)))
    return [h for h in holidays if h[2] >= today][:2]


class Command(BaseCommand):
    help = "Create the clinic's demo content where it is missing. Safe to run repeatedly."

    def handle(self, *args, **options):
        # Wagtail logs every page it creates; `make run` only needs to hear that all is well.
        wagtail_log = logging.getLogger("wagtail")
        quiet_level = logging.INFO if options["verbosity"] > 1 else logging.WARNING
        previous_level = wagtail_log.level
        wagtail_log.setLevel(quiet_level)
        try:
            self.build()
        finally:
            wagtail_log.setLevel(previous_level)
        self.stdout.write(self.style.SUCCESS("Demo content is in place."))

    @transaction.atomic
    def build(self):
        home = self.home()
        clinic = self.clinic_settings()
        self.hours_and_closures()
        index = publish(
            home,
            ProcedureIndexPage(
                title="Procedures",
                slug="procedures",
                show_in_menus=True,
                intro=(
                    "Treatments for skin, face and body, each explained plainly: what it "
                    "does, how it feels and how long recovery takes."
                ),
            ),
        )
        doctor = self.doctor(home)
        by_slug = self.procedures(index, doctor)
        self.testimonials(by_slug)
        self.home_features(home, doctor, by_slug)
        self.contact_and_standard_pages(home, clinic)

        # Saving a page only queues its search indexing for the task worker; index the demo
        # now so search works straight after `make run`.
        call_command("update_index", stdout=StringIO())

        if importlib.util.find_spec("bookings.demo"):
            importlib.import_module("bookings.demo").load()

    def home(self) -> HomePage:
        home = HomePage.objects.first()
        if home is None:
            root = Page.get_first_root_node()
            home = root.add_child(
                instance=HomePage(
                    title="Allure Plastics",
                    slug="home-allure",
                    seo_title="Plastic surgery and laser skin care in Jackson, MS",
                    hero_heading="Natural-looking results, planned with you",
                    hero_text=(
                        "Dr. Walker and the Allure team help you look as rested as you feel, "
                        "from a single laser treatment to facial surgery."
                    ),
                    hero_image=demo_images.demo_image(
                        "Home hero",
                        "Soft rose and cream tones in a calm abstract pattern",
                        lambda: demo_images.abstract("clay", 7),
                    ),
                )
            )
            home.save_revision().publish()
            site = Site.objects.filter(is_default_site=True).first()
            old_home = site.root_page if site else None
            # Canonical URLs, the sitemap and structured data use the site's own address.
            address = urlsplit(settings.SITE_URL)
            Site.objects.update_or_create(
                is_default_site=True,
                defaults={
                    "hostname": address.hostname,
                    "port": address.port or (443 if address.scheme == "https" else 80),
                    "root_page": home,
                    "site_name": "Allure Plastics",
                },
            )
            if old_home and old_home.specific_class is Page:
                old_home.delete()
        return home

    def clinic_settings(self) -> ClinicSettings:
        clinic = ClinicSettings.load()
        if not clinic.street_address:
            clinic.street_address = "1020 River Oaks Drive, Suite 300"
            clinic.postal_code = "39232"
            clinic.results_disclaimer = "Individual results may vary from person to person."
            clinic.save()
        return clinic

    def hours_and_closures(self):
        if not OpeningHours.objects.exists():
            OpeningHours.objects.bulk_create(
                OpeningHours(
                    weekday=day,
                    opens=dt.time.fromisoformat(opens),
                    closes=dt.time.fromisoformat(closes),
                )
                for day, opens, closes in WEEKLY_HOURS
            )
        for reason, starts_on, ends_on in upcoming_holidays(dt.date.today()):
            Closure.objects.get_or_create(
                reason=reason, starts_on=starts_on, defaults={"ends_on": ends_on}
            )

    def doctor(self, home) -> DoctorPage:
        return publish(
            home,
            DoctorPage(
                title="Dr. Walker",
                slug="dr-walker",
                show_in_menus=True,
                job_title="Plastic surgeon · Founder of Allure Plastics",
                summary=(
                    "Dr. Walker combines surgery, lasers and injectables to refresh faces "
                    "without changing who they belong to."
                ),
                photo=demo_images.demo_image(
                    "Dr. Walker portrait",
                    "Illustrated portrait of Dr. Walker (placeholder drawing)",
                    demo_images.portrait,
                ),
                credentials=[
                    DoctorCredential(text=text)
                    for text in (
                        "Specialist training in plastic and reconstructive surgery",
                        "Focus on facial rejuvenation, from laser resurfacing to facelifts",
                        "Sees every patient personally, from consultation to follow-up",
                    )
                ],
                philosophy=narrative(
                    "Good work should be noticed as “you look well”, never as “you had "
                    "something done”. I start by listening to what bothers you, then explain "
                    "the options honestly, including the option of doing less.",
                    "Most faces benefit from a combination: surgery for what gravity has "
                    "moved, fillers for lost volume, and resurfacing for the quality of the "
                    "skin itself. The plan is always yours to decide.",
                ),
            ),
        )

    def procedures(self, index, doctor) -> dict[str, ProcedurePage]:
        by_slug, related = {}, {}
        for seed, data in enumerate(procedures()):
            related[data["slug"]] = data.pop("related", [])
            palette = data.pop("palette")
            data["hero_image"] = demo_images.demo_image(
                f"{data['title']} hero",
                f"Abstract, softly lit {palette} tones",
                functools.partial(demo_images.abstract, palette, seed),
            )
            page = publish(index, ProcedurePage(doctor=doctor, **data))
            by_slug[page.slug] = page
        for slug, related_slugs in related.items():
            page = by_slug[slug]
            if not page.related_procedures.exists():
                for order, other in enumerate(related_slugs):
                    RelatedProcedure.objects.create(
                        page=page, procedure=by_slug[other], sort_order=order
                    )
        return by_slug

    def testimonials(self, by_slug):
        for data in TESTIMONIALS:
            testimonial, created = Testimonial.objects.get_or_create(
                patient_name=data["patient_name"],
                town=data["town"],
                defaults={
                    "quote": data["quote"],
                    "consent_given_on": dt.date(2026, 9, 1),
                    "is_published": True,
                },
            )
            if created:
                testimonial.procedures.set(by_slug[slug] for slug in data["procedures"])

    def home_features(self, home, doctor, by_slug):
        if home.doctor_id is None:
            home.doctor = doctor
            home.save_revision().publish()
        if not home.featured_procedures.exists():
            for order, slug in enumerate(["skin-resurfacing", "facelift", "dermal-fillers"]):
                HomeFeaturedProcedure.objects.create(
                    page=home, procedure=by_slug[slug], sort_order=order
                )

    def contact_and_standard_pages(self, home, clinic):
        publish(
            home,
            ContactPage(
                title="Contact",
                slug="contact",
                show_in_menus=True,
                intro="Call, write or drop by: we are happy to answer your questions.",
                directions=(
                    "We are on River Oaks Drive, a short drive from I-55. Take the Lakeland "
                    "Drive exit and follow the signs for the River Oaks medical campus.\n"
                    "Free parking is right outside the building, with step-free access to "
                    "the entrance and an elevator to Suite 300 on the third floor."
                ),
            ),
        )
        privacy = publish(
            home,
            StandardPage(
                title="Privacy notice",
                slug="privacy",
                intro="What we collect when you use this website, and why.",
                body=narrative(
                    "This website does not use tracking cookies, analytics or advertising "
                    "scripts, and it loads nothing from other companies' servers.",
                    "When you ask for a consultation we keep only what we need to contact "
                    "you and prepare your visit. Please do not send medical details through "
                    "the website; we discuss them with you in person.",
                    "Requests that are closed are anonymised after a set period. To see, "
                    "correct or delete what we hold about you, call or write to us.",
                ),
            ),
        )
        accessibility = publish(
            home,
            StandardPage(
                title="Accessibility statement",
                slug="accessibility",
                intro="We want everyone to be able to use this website.",
                body=narrative(
                    "The site aims to meet WCAG 2.2 level AA. It works with a keyboard and "
                    "screen readers, respects reduced-motion settings and scales with your "
                    "browser's text size.",
                    "If something is hard to use, please call or email us and we will help "
                    "you directly and fix the problem.",
                ),
            ),
        )
        if not clinic.footer_links.exists():
            for order, page in enumerate([privacy, accessibility]):
                FooterLink.objects.create(settings=clinic, page=page, sort_order=order)
