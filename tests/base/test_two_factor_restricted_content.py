"""Documents and pages restricted to signed-in people ask for the second step too, not only
the admin (issue 28): a password alone opened them before. Someone with an authenticator app
is asked for its code, someone without one is sent to set one up; either way they come back
to what they asked for."""

from urllib.parse import parse_qs, urlsplit

import pytest
from django.contrib.auth.models import Group, User
from django.core.files.base import ContentFile
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice
from wagtail.documents import get_document_model
from wagtail.models import Collection, CollectionViewRestriction, Page, PageViewRestriction

from tests.bookings.test_staff_two_factor import app_code
from tests.staff import sign_in_with_second_factor

pytestmark = pytest.mark.django_db
ROTA = b"%PDF-1.4 the on-call rota, staff only"


def staff(username, *, app: bool, group="Editors"):
    user = User.objects.create_user(username, f"{username}@example.com", "x")
    user.groups.add(Group.objects.get(name=group))
    if app:
        TOTPDevice.objects.create(user=user, name="Phone", confirmed=True)
    return user


def document_in(collection_name, restriction=None):
    collection = Collection.get_first_root_node().add_child(name=collection_name)
    if restriction:
        CollectionViewRestriction.objects.create(
            collection=collection, restriction_type=restriction
        )
    document = get_document_model().objects.create(
        title="On-call rota", file=ContentFile(ROTA, name="rota.pdf"), collection=collection
    )
    return document.url


def body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def signed_in_with_password_only(user) -> Client:
    client = Client()
    client.force_login(user)  # the password step passed, the second not yet
    return client


def assert_sent_to(response, step: str, back_to: str):
    assert response.status_code == 302
    target = urlsplit(response["Location"])
    assert target.path == f"/admin/two-factor/{step}/"
    assert parse_qs(target.query)["next"] == [back_to]
    assert "no-store" in response["Cache-Control"]


@pytest.mark.parametrize(
    ("has_app", "step"), [(True, "verify"), (False, "setup")], ids=["with-app", "without-app"]
)
def test_a_document_for_signed_in_staff_asks_for_the_second_step(has_app, step):
    url = document_in("Staff only", CollectionViewRestriction.LOGIN)
    user = staff("ed", app=has_app)
    response = signed_in_with_password_only(user).get(url)
    assert_sent_to(response, step, url)
    assert ROTA not in body(response)

    response = sign_in_with_second_factor(Client(), user).get(url)
    assert response.status_code == 200
    assert body(response) == ROTA


def test_after_the_code_the_staff_member_is_back_at_the_document(clock):
    url = document_in("Staff only", CollectionViewRestriction.LOGIN)
    user = staff("ed", app=True)
    client = signed_in_with_password_only(user)
    step = client.get(url)["Location"]
    response = client.post(step, {"code": app_code(user.totpdevice_set.get())})
    assert response.status_code == 302
    assert response["Location"] == url
    assert body(client.get(url)) == ROTA


def test_a_document_for_some_groups_asks_for_it_too():
    collection = Collection.get_first_root_node().add_child(name="Front desk only")
    restriction = CollectionViewRestriction.objects.create(
        collection=collection, restriction_type=CollectionViewRestriction.GROUPS
    )
    restriction.groups.add(Group.objects.get(name="Front desk"))
    url = (
        get_document_model()
        .objects.create(
            title="Rota", file=ContentFile(ROTA, name="rota.pdf"), collection=collection
        )
        .url
    )
    user = staff("dana", app=True, group="Front desk")
    assert_sent_to(signed_in_with_password_only(user).get(url), "verify", url)
    assert body(sign_in_with_second_factor(Client(), user).get(url)) == ROTA


def test_a_public_document_needs_no_second_step_and_strangers_still_sign_in_first():
    public = document_in("Leaflets")
    assert signed_in_with_password_only(staff("ed", app=True)).get(public).status_code == 200
    private = document_in("Staff only", CollectionViewRestriction.LOGIN)
    response = Client().get(private)
    assert response.status_code == 302
    assert "/two-factor/" not in response["Location"]  # Wagtail's sign-in, as before
    assert "login" in response["Location"]


@pytest.mark.parametrize(
    ("has_app", "step"), [(True, "verify"), (False, "setup")], ids=["with-app", "without-app"]
)
def test_a_page_for_logged_in_users_asks_for_the_second_step(demo, has_app, step):
    url = "/procedures/skin-resurfacing/"
    page = Page.objects.get(url_path__endswith="/skin-resurfacing/")
    PageViewRestriction.objects.create(page=page, restriction_type=PageViewRestriction.LOGIN)
    user = staff("ed", app=has_app)
    response = signed_in_with_password_only(user).get(url)
    assert_sent_to(response, step, url)
    assert page.title not in response.content.decode()

    response = sign_in_with_second_factor(Client(), user).get(url)
    assert response.status_code == 200
    assert page.title in response.content.decode()


def test_a_public_page_asks_no_second_step(demo):
    user = staff("ed", app=True)
    assert (
        signed_in_with_password_only(user).get("/procedures/skin-resurfacing/").status_code == 200
    )
