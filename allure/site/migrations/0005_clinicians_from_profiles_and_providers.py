"""Carries today's people over to one `procedures.Clinician` each (issue 27).

Dr. Walker was described twice: by her profile page (title, letters, job title, photo,
summary) and by her booking provider (name, "title with letters", photo, bio page,
procedures). A provider whose bio page is a doctor's profile joins that profile's clinician;
any other provider, and any profile with no provider, becomes a clinician of its own. Every
clinician gets a diary (the provider row, kept with its id, hours, days away, feed address
and bookings). A procedure page's doctor and medical reviewer, and the procedures a doctor
performs (the pages naming them as doctor, and their provider's procedures), follow.

Runs here, the floor above both apps, so neither lower app's migrations reach up."""

import re

from django.db import migrations

# “M.D., board-certified plastic surgeon”: the letters before the first comma, when they
# look like letters (capitals and dots: M.D., R.N., RN, PA-C).
LETTERS = re.compile(r"^([A-Z][A-Za-z.\-]*\.?(?: [A-Z][A-Za-z.\-]*)*), (.+)$")


def split_title(title: str) -> tuple[str, str]:
    match = LETTERS.match(title or "")
    if match and (match[1].isupper() or "." in match[1]):
        role = match[2]
        return match[1], role[:1].upper() + role[1:]
    return "", title or ""


def carry_over(apps, schema_editor):
    Clinician = apps.get_model("procedures", "Clinician")
    ProcedurePage = apps.get_model("procedures", "ProcedurePage")
    DoctorPage = apps.get_model("allure", "DoctorPage")
    Provider = apps.get_model("bookings", "Provider")
    # Through the table: a clinician's ParentalManyToMany keeps `add` in memory until a save.
    Performs = Clinician.procedures.through

    def performs(clinician, pages):
        for page in pages:
            Performs.objects.get_or_create(clinician_id=clinician.pk, procedurepage_id=page.pk)

    by_page = {}
    for page in DoctorPage.objects.order_by("path"):
        by_page[page.pk] = Clinician.objects.create(
            name=page.title,
            letters=page.post_nominals,
            role=page.job_title,
            photo_id=page.photo_id,
            bio=page.summary,
            profile_page_id=page.pk,
            bookable=False,  # until a provider says patients book them
        )
    for procedure in ProcedurePage.objects.all():
        procedure.clinician_doctor = by_page.get(procedure.doctor_id)
        procedure.clinician_reviewer = by_page.get(procedure.medical_reviewer_id)
        procedure.save(update_fields=["clinician_doctor", "clinician_reviewer"])
        if procedure.clinician_doctor:
            performs(procedure.clinician_doctor, [procedure])

    joined = set()
    for provider in Provider.objects.order_by("sort_order", "pk"):
        clinician = by_page.get(provider.bio_page_id)
        if clinician is None or clinician.pk in joined:
            letters, role = split_title(provider.title)
            clinician = Clinician(
                name=provider.name,
                letters=letters,
                role=role,
                profile_page_id=provider.bio_page_id,
            )
        clinician.bookable = provider.active
        clinician.sort_order = provider.sort_order
        if clinician.photo_id is None:
            clinician.photo_id = provider.photo_id
        clinician.save()
        performs(clinician, provider.procedures.all())
        joined.add(clinician.pk)
        provider.clinician = clinician
        provider.save(update_fields=["clinician"])
    for clinician in Clinician.objects.exclude(pk__in=joined):
        Provider.objects.create(clinician=clinician)


class Migration(migrations.Migration):
    dependencies = [
        ("allure", "0004_doctorpage_post_nominals"),
        ("procedures", "0009_clinicians"),
        ("bookings", "0012_provider_clinician"),
    ]

    operations = [migrations.RunPython(carry_over, migrations.RunPython.noop)]
