"""No input, however odd, produces a server error on any public address."""

import pytest

from allure.base.operations import sms

ODD = [
    *["", "%00", "\x00", "'\"<script>", "a" * 5000, "💉🙂", "../../etc/passwd", "%ff%fe", "-1"],
    *['"', "NEAR(", "laser AND", "OR", "*", "^", "laser -", "(", "NOT NOT"],  # search syntax
]
PATHS = [
    "/?q={}",
    "/search/?q={}",
    "/search/?q=laser&page={}",
    "/procedures/?category={}",
    "/procedures/{}/",
    "/consultation/?procedure={}",
    "/consultation/received/{}/",
    "/consultation/manage/{}/",
    "/consultation/waitlist/?procedure={}",
    "/consultation/waitlist/?procedure=skin-resurfacing&provider={}",
    "/consultation/waitlist/offer/{}/",
    "/consultation/waitlist/leave/{}/",
    "/calendar/{}.ics",
    "/sitemap.xml?p={}",
    "/procedures/which-treatment/?concern={}&downtime=week",
    "/procedures/which-treatment/?concern=fine-lines&downtime={}",
]


@pytest.mark.parametrize("path", PATHS)
def test_odd_query_and_path_values_never_cause_a_server_error(client, demo, path):
    for value in ODD:
        response = client.get(path.format(value))
        assert response.status_code < 500, (path, value[:20], response.status_code)


@pytest.mark.parametrize(
    "path",
    ["/consultation/", "/consultation/waitlist/", "/search/", "/procedures/skin-resurfacing/"],
)
def test_odd_posts_never_cause_a_server_error(client, demo, path):
    for value in ODD:
        data = {
            "full_name": value,
            "email": value,
            "phone": value,
            "slot": value,
            "procedures": value,
            "started": value,
            "submission_token": value,
            "text_reminders": value,
        }
        response = client.post(path, data)
        assert response.status_code < 500, (path, value[:20], response.status_code)


@pytest.mark.parametrize(
    "path",
    [
        "/admin/consultations/?q={}",
        "/admin/consultations/?status={}&procedure={}",
        "/admin/consultations/?assigned_to={}&p={}",
        "/admin/consultations/?date_from={}&date_to={}",
        "/admin/consultations/export.csv?q={}&status={}",
        "/admin/consultations/calendar/?date={}&provider={}",
        "/admin/consultations/calendar/day/?date={}&provider={}",
        "/admin/consultations/calendar/day/print/?date={}&provider={}",
    ],
)
def test_odd_filters_in_the_front_desk_admin_never_cause_a_server_error(admin_client, demo, path):
    for value in ODD:
        response = admin_client.get(path.format(value, value))
        assert response.status_code < 500, (path, value[:20], response.status_code)


@pytest.mark.parametrize("signed", [True, False], ids=["signed", "unsigned"])
def test_odd_texts_to_the_sms_webhook_never_cause_a_server_error(client, demo, settings, signed):
    settings.TWILIO_AUTH_TOKEN = "odd-input-token"  # noqa: S105
    for value in ODD:
        data = {"From": value, "To": value, "Body": value, "MessageSid": value}
        signature = (
            sms.twilio_signature(
                "http://testserver/sms/inbound/",
                {k: [v] for k, v in data.items()},
                "odd-input-token",
            )
            if signed
            else value
        )
        response = client.post("/sms/inbound/", data, headers={"X-Twilio-Signature": signature})
        assert response.status_code == (200 if signed else 403), (value[:20], response.status_code)
