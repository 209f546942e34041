"""The demo's own pages of the clinic: home, Dr. Walker's profile, contact, privacy notice and
accessibility statement, and made-up visit counts for the owner's report. Called by the
top-floor loader, in the order it gives."""

import datetime as dt
from urllib.parse import urlsplit

from django.conf import settings
from django.utils import timezone
from wagtail.models import Page, Site

from allure.base import demo_images
from allure.base.demo import narrative, publish
from allure.base.models import DailyCount, FooterLink, Metric
from allure.site.models import (
    ContactPage,
    DoctorCredential,
    DoctorPage,
    HomeFeaturedProcedure,
    HomePage,
    StandardPage,
)


def home() -> HomePage:
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


def doctor(home, clinician) -> DoctorPage:
    """`clinician`'s profile page, named as their profile."""
    page = publish(
        home,
        DoctorPage(
            title=clinician.name,
            slug="dr-walker",
            show_in_menus=True,
            credentials=[
                DoctorCredential(text=text)
                for text in (
                    "Doctor of Medicine (M.D.), licensed to practise in Mississippi",
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
    if clinician.profile_page_id is None:
        clinician.profile_page = page
        clinician.save(update_fields=["profile_page"])
    return page


def feature(home, doctor, by_slug) -> None:
    """The doctor and three procedures on the home page."""
    if home.doctor_id is None:
        home.doctor = doctor
        home.save_revision().publish()
    if not home.featured_procedures.exists():
        for order, slug in enumerate(["skin-resurfacing", "facelift", "dermal-fillers"]):
            HomeFeaturedProcedure.objects.create(
                page=home, procedure=by_slug[slug], sort_order=order
            )


def contact_and_standard_pages(home, clinic) -> None:
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


DEMO_COUNT_DAYS = 28


def visit_counts(by_slug) -> None:
    """Four weeks of made-up daily counts up to yesterday, so Reports › Visits and requests
    has a chart on a fresh machine. Marked as demo numbers (the report says so); real counts
    start today (the demo's own consultation requests, made through the booking service,
    count as sent today). Only when nothing before today was ever counted, so the requests
    just made and a second run add nothing."""
    today = timezone.localdate()
    if DailyCount.objects.filter(date__lt=today).exists():
        return
    rows = []
    for n in range(1, DEMO_COUNT_DAYS + 1):
        day = today - dt.timedelta(days=n)
        quieter = 2 if day.weekday() >= 5 else 1  # fewer visits at weekends
        sent_today = 0
        for rank, page in enumerate(sorted(by_slug.values(), key=lambda p: p.slug)):
            views = (60 // (rank + 1) + (n * 7 + rank * 13) % 17) // quieter
            sent = views // 12 + (1 if (n + rank) % 4 == 0 else 0)
            sent_today += sent
            rows.append(
                DailyCount(
                    date=day,
                    metric=Metric.PROCEDURE_VIEW,
                    key=str(page.pk),
                    count=views,
                    is_demo=True,
                )
            )
            if sent:
                rows.append(
                    DailyCount(
                        date=day,
                        metric=Metric.REQUEST_SENT,
                        key=str(page.pk),
                        count=sent,
                        is_demo=True,
                    )
                )
        rows.append(
            DailyCount(
                date=day, metric=Metric.BOOKING_OPEN, count=sent_today * 2 + n % 4, is_demo=True
            )
        )
        rows.append(DailyCount(date=day, metric=Metric.PLANNER_USE, count=4 + n % 5, is_demo=True))
    DailyCount.objects.bulk_create(rows)
