import datetime as dt
import time
import uuid

import pytest
from django.contrib.auth.models import Group
from wagtail.models import Page

from allure.base.models import OpeningHours
from allure.site.models import HomePage
from bookings.booking.forms import started_token
from bookings.schedule import availability
from bookings.schedule.slots import Slot
from procedures.models import ProcedureIndexPage, ProcedurePage
from tests.clinicians import add_diary, add_procedures
from tests.staff import sign_in_with_second_factor

pytestmark = pytest.mark.django_db

# The facts every procedure page must state; their values do not matter to bookings.
PROCEDURE_FACTS = {"duration_min_minutes": 30, "results_first_visible": "Within a week"}


@pytest.fixture
def walker(db):
    """One provider working whenever the clinic is open; `procedures` are all hers."""
    return add_diary("Dr. Walker", "M.D., plastic surgeon")


@pytest.fixture
def clinic_hours(walker):
    """Monday to Friday, 9–12 and 13–17; a consultation every 30 minutes (the default)."""
    for weekday in range(5):
        OpeningHours.objects.create(weekday=weekday, opens=dt.time(9), closes=dt.time(12))
        OpeningHours.objects.create(weekday=weekday, opens=dt.time(13), closes=dt.time(17))


@pytest.fixture
def procedures(walker):
    root = Page.get_first_root_node()
    home = root.add_child(instance=HomePage(title="Allure Plastics", slug="home-allure"))
    index = home.add_child(instance=ProcedureIndexPage(title="Procedures", slug="procedures"))

    def procedure(title, slug, category, summary, live=True):
        page = ProcedurePage(
            title=title,
            slug=slug,
            category=category,
            summary=summary,
            live=live,
            **PROCEDURE_FACTS,
        )
        return index.add_child(instance=page)

    rhinoplasty = procedure("Rhinoplasty", "rhinoplasty", "face", "Nose reshaping.")
    botox = procedure("Botox", "botox", "injectables", "Wrinkle relaxer.")
    draft = procedure("Secret draft", "secret-draft", "body", "Draft.", live=False)
    add_procedures(walker, rhinoplasty, botox, draft)
    walker.save()
    return {"rhinoplasty": rhinoplasty, "botox": botox, "draft": draft}


@pytest.fixture
def free_slots(clinic_hours):
    return availability.available_slots()


def form_data(pages, slot=None, **overrides):
    """A valid submission, as a patient who took a minute to fill the form would send it.

    slot: an aware datetime, or the raw value to post; overrides may be callables."""
    if slot is None:
        slot = "call"
    elif not isinstance(slot, str):
        slot = Slot(slot).encode()
    data = {
        "full_name": "Avery Johnson",
        "email": "avery@example.com",
        "phone": "(601) 555-0142",
        "procedure": pages["rhinoplasty"].slug,
        "provider": "any",
        "slot": slot,
        "contact_method": "phone",
        "message": "Afternoons are best.",
        "consent": "on",
        "website": "",
        "started": started_token(time.time() - 60),
        "submission_token": str(uuid.uuid4()),
    }
    data.update({key: value() if callable(value) else value for key, value in overrides.items()})
    return {key: value for key, value in data.items() if value is not None}


@pytest.fixture
def make_request(procedures, clinic_hours):
    """Create a request through the service, holding the given slot (None: call me)."""
    from bookings.booking import services

    counter = iter(range(1000))

    def make(slot=None, **overrides):
        n = next(counter)
        kwargs = {
            "full_name": f"Patient {n}",
            "email": f"patient{n}@example.com",
            "phone": f"+1601555{n + 1000:04d}",  # one each: a number may hold two requests
            "contact_method": "phone",
            "procedures": [procedures["rhinoplasty"]],
            "slot": Slot(slot),
            "message": "",
            "consent": True,
            "submission_token": uuid.uuid4(),
        }
        kwargs.update(overrides)
        consultation, _ = services.consultation_request_create(
            patient_request=services.PatientRequest(**kwargs)
        )
        return consultation

    return make


@pytest.fixture
def front_desk_user(django_user_model):
    user = django_user_model.objects.create_user(
        username="desk", password="pw", first_name="Dana", last_name="Desk"
    )
    user.groups.add(Group.objects.get(name="Front desk"))
    return user


@pytest.fixture
def editor_user(django_user_model):
    user = django_user_model.objects.create_user(username="editor", password="pw")
    user.groups.add(Group.objects.get(name="Editors"))
    return user


@pytest.fixture
def desk_client(client, front_desk_user):
    sign_in_with_second_factor(client, front_desk_user)
    return client


@pytest.fixture
def editor_client(client, editor_user):
    sign_in_with_second_factor(client, editor_user)
    return client


def drain_queue():
    from django.core.management import call_command

    call_command("db_worker", batch=True, startup_delay=False, reload=False, verbosity=0)
