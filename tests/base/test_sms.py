"""The SMS backends: the file backend's files, and the Twilio backend against a local stub of
Twilio's HTTP API (a real server on a real socket: only Twilio itself is stood in for)."""

import pytest

from allure.base.operations import sms
from tests.twilio_stub import FROM_NUMBER


def test_the_file_backend_writes_one_file_per_message(settings, tmp_path):
    settings.SMS_BACKEND = "allure.base.operations.sms.FileBackend"
    settings.SMS_FILE_PATH = tmp_path / "sms"
    first = sms.send_text(to="+16015550142", body="Hello")
    second = sms.send_text(to="+16015550143", body="Hello again")
    files = sorted((tmp_path / "sms").iterdir())
    assert len(files) == 2 and first != second
    contents = sorted(f.read_text() for f in files)
    assert "To: +16015550142" in contents[0] and contents[0].rstrip().endswith("Hello")
    assert "To: +16015550143" in contents[1] and "Hello again" in contents[1]


def test_the_twilio_backend_posts_to_the_messages_api_with_basic_auth(twilio):
    message_id = sms.send_text(to="+16015550142", body="Your consultation is today")
    [request] = twilio.received
    assert request["form"] == {
        "To": ["+16015550142"],
        "From": [FROM_NUMBER],
        "Body": ["Your consultation is today"],
    }
    assert message_id == "SM" + "1".zfill(32)


@pytest.mark.parametrize("status", [500, 503, 429])
def test_a_server_error_or_too_many_requests_is_worth_retrying(twilio, status):
    twilio.answers = [status]
    with pytest.raises(sms.TextNotSent) as raised:
        sms.send_text(to="+16015550142", body="x")
    assert not isinstance(raised.value, sms.TextRefused)
    assert raised.value.code == f"HTTP {status} / 21211"
    assert sms.send_text(to="+16015550142", body="x").startswith("SM")  # and the next works


def test_a_refused_message_is_not_retried_and_its_error_never_quotes_the_number(twilio):
    twilio.answers = [400]
    with pytest.raises(sms.TextRefused) as raised:
        sms.send_text(to="+16015550142", body="x")
    assert raised.value.code == "HTTP 400 / 21211"
    assert "555" not in str(raised.value)


def test_wrong_credentials_are_refused_by_the_stub_and_not_retried(twilio, settings):
    settings.TWILIO_AUTH_TOKEN = "wrong"  # noqa: S105
    with pytest.raises(sms.TextRefused) as raised:
        sms.send_text(to="+16015550142", body="x")
    assert raised.value.code == "HTTP 401 / 20003"


def test_no_answer_at_all_is_worth_retrying(twilio, settings):
    twilio.server.shutdown()
    twilio.server.server_close()  # nothing listens on the port any more
    with pytest.raises(sms.TextNotSent) as raised:
        sms.send_text(to="+16015550142", body="x")
    assert not isinstance(raised.value, sms.TextRefused)


def test_the_signature_matches_twilios_published_example(settings):
    # The example on Twilio's "Webhooks security" page, computed by Twilio, not by us.
    params = {
        "CallSid": ["CA1234567890ABCDE"],
        "Caller": ["+12349013030"],
        "Digits": ["1234"],
        "From": ["+12349013030"],
        "To": ["+18005551212"],
    }
    url = "https://mycompany.com/myapp.php?foo=1&bar=2"
    assert sms.twilio_signature(url, params, "12345") == "0/KCTR6DLpKmkAf8muzZqo1nDgQ="
    settings.TWILIO_AUTH_TOKEN = "12345"  # noqa: S105
    assert sms.twilio_signature_valid(url, params, "0/KCTR6DLpKmkAf8muzZqo1nDgQ=")
    assert not sms.twilio_signature_valid(
        url, {**params, "Digits": ["1235"]}, "0/KCTR6DLpKmkAf8muzZqo1nDgQ="
    )
    assert not sms.twilio_signature_valid(url, params, "")
    settings.TWILIO_AUTH_TOKEN = ""
    assert not sms.twilio_signature_valid(url, params, "0/KCTR6DLpKmkAf8muzZqo1nDgQ=")
