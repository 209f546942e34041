"""schema.org structured data built from the page fields, never typed in by hand.

Each function returns a plain dict; `{% json_ld %}` renders them into the page head.
"""

from itertools import groupby

from allure.base.models import ClinicSettings, OpeningHours

SCHEMA = "https://schema.org"
SCHEMA_DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]


def _site_root_url(request) -> str:
    return request.build_absolute_uri("/")


def opening_hours_specification(hours) -> list[dict]:
    """Groups days that share the same opening period, as search engines prefer."""
    periods = sorted(hours, key=lambda period: (period.opens, period.closes, period.weekday))
    return [
        {
            "@type": "OpeningHoursSpecification",
            "dayOfWeek": [SCHEMA_DAYS[period.weekday] for period in group],
            "opens": opens.strftime("%H:%M"),
            "closes": closes.strftime("%H:%M"),
        }
        for (opens, closes), group in groupby(periods, key=lambda p: (p.opens, p.closes))
    ]


def postal_address(clinic) -> dict:
    return {
        "@type": "PostalAddress",
        "streetAddress": clinic.street_address,
        "addressLocality": clinic.locality,
        "addressRegion": clinic.region,
        "postalCode": clinic.postal_code,
        "addressCountry": "US",
    }


def clinic(request) -> dict:
    # No `priceRange`: a "$$" says nothing about treatments from $150 to $16,000. Each
    # procedure page gives its own range (`priced_service`).
    settings = ClinicSettings.load(request_or_site=request)
    same_as = [url for url in (settings.facebook_url, settings.instagram_url) if url]
    data = {
        "@context": SCHEMA,
        "@type": "MedicalClinic",
        "name": settings.name,
        "url": _site_root_url(request),
        "telephone": settings.phone,
        "email": settings.email,
        "address": postal_address(settings),
        "openingHoursSpecification": opening_hours_specification(OpeningHours.cached()),
        "medicalSpecialty": "PlasticSurgery",
    }
    if same_as:
        data["sameAs"] = same_as
    return data


def breadcrumbs(page, request) -> dict:
    return {
        "@context": SCHEMA,
        "@type": "BreadcrumbList",
        "itemListElement": [
            {
                "@type": "ListItem",
                "position": position,
                "name": crumb.title,
                "item": crumb.get_full_url(request),
            }
            for position, crumb in enumerate(page.breadcrumb_trail, start=1)
        ],
    }


def physician(profile_page, clinician, request) -> dict:
    """A clinician on their profile page (`clinician` None: a page no clinician names yet)."""
    clinic_settings = ClinicSettings.load(request_or_site=request)
    return {
        "@context": SCHEMA,
        "@type": "Physician",
        "name": clinician.name if clinician else profile_page.title,
        "description": clinician.bio if clinician else "",
        "url": profile_page.get_full_url(request),
        "medicalSpecialty": "PlasticSurgery",
        "telephone": clinic_settings.phone,
        "address": postal_address(clinic_settings),
    }


def medical_procedure(procedure, request) -> dict:
    data = {
        "@context": SCHEMA,
        "@type": "MedicalProcedure",
        "name": procedure.title,
        "description": procedure.summary,
        "url": procedure.get_full_url(request),
        "procedureType": f"{SCHEMA}/{procedure.procedure_type}",
        "bodyLocation": ", ".join(area.name for area in procedure.areas.all()),
        "howPerformed": ", ".join(tech.name for tech in procedure.technologies.all()),
    }
    if procedure.sun_care:
        data["followup"] = procedure.sun_care
    return data


def priced_service(procedure, request) -> dict:
    """The procedure as the service the clinic sells, with its price range. schema.org has no
    `offers` on a MedicalProcedure (a MedicalEntity: the medical act, not a sale); it gives
    them to a Service (or a Product, an Event, a CreativeWork...), and on the MedicalWebPage
    an offer would put a price on reading the page."""
    clinic_settings = ClinicSettings.load(request_or_site=request)
    price = {
        "@type": "PriceSpecification",
        "minPrice": procedure.price_from,
        "maxPrice": procedure.price_to,  # none for "From $…"
        "priceCurrency": "USD",
        "validFrom": procedure.price_set_on.isoformat(),
    }
    offer = {
        "@type": "Offer",
        "priceSpecification": {name: value for name, value in price.items() if value is not None},
    }
    if procedure.price_includes:
        offer["description"] = procedure.price_includes
    return {
        "@context": SCHEMA,
        "@type": "Service",
        "name": procedure.title,
        "url": procedure.get_full_url(request),
        "provider": {
            "@type": "MedicalClinic",
            "name": clinic_settings.name,
            "url": _site_root_url(request),
        },
        "offers": offer,
    }


def medical_web_page(page, reviewer, reviewed_on, request) -> dict:
    """The page itself, with who checked its medical facts and when (`reviewedBy` and
    `lastReviewed` belong to the web page in schema.org, not to the procedure)."""
    reviewed_by = {"@type": "Physician", "name": reviewer.name_with_letters}
    if reviewer.profile_page:
        reviewed_by["url"] = reviewer.profile_page.get_full_url(request)
    return {
        "@context": SCHEMA,
        "@type": "MedicalWebPage",
        "name": page.title,
        "url": page.get_full_url(request),
        "reviewedBy": reviewed_by,
        "lastReviewed": reviewed_on.isoformat(),
    }


def faq_page(faqs) -> dict:
    return {
        "@context": SCHEMA,
        "@type": "FAQPage",
        "mainEntity": [
            {
                "@type": "Question",
                "name": faq.question,
                "acceptedAnswer": {"@type": "Answer", "text": faq.answer},
            }
            for faq in faqs
        ],
    }
