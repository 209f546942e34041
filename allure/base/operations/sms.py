"""Text messages, sent the way Django sends email: `SMS_BACKEND` names a class, and
`send_text` hands each message to it. Only the task worker calls `send_text` (a provider's
HTTP API can be slow or down; a web request must never wait for it).

Backends:
- `FileBackend` (development and tests): one file per message under `SMS_FILE_PATH`
  (`var/sms/`); nothing leaves the machine.
- `TwilioBackend`: Twilio's REST API with the standard library's urllib (no SDK), its base
  address configurable so the tests run it against a local stub of the API.

Also here: checking the signature Twilio puts on the requests it sends us (STOP replies).
"""

import base64
import datetime as dt
import hashlib
import hmac
import json
import urllib.error
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

from django.conf import settings
from django.utils.module_loading import import_string


class TextNotSent(Exception):
    """The provider could not take the message now (network, 5xx, 429): try again later."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


class TextRefused(TextNotSent):
    """The provider refused the message itself (a bad number, a number that opted out):
    sending it again would be refused again."""


class BaseSmsBackend:
    def __init__(self, **options):
        self.options = options

    def send(self, *, to: str, body: str) -> str:
        """Send one message to an E.164 number; return the provider's id for it.
        Raise TextNotSent (worth retrying) or TextRefused (not)."""
        raise NotImplementedError


class FileBackend(BaseSmsBackend):
    """Writes each message to its own file, named by time and a random id."""

    def send(self, *, to: str, body: str) -> str:
        directory = Path(self.options.get("file_path") or settings.SMS_FILE_PATH)
        directory.mkdir(parents=True, exist_ok=True)
        message_id = uuid.uuid4().hex
        # The machine's clock, not the clinic's: file names only need to sort.
        stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%d-%H%M%S")
        path = directory / f"{stamp}-{message_id}.txt"
        path.write_text(f"To: {to}\nFrom: {settings.TWILIO_FROM_NUMBER or 'file'}\n\n{body}\n")
        return message_id


class TwilioBackend(BaseSmsBackend):
    """POST /2010-04-01/Accounts/{sid}/Messages.json with Basic auth and form fields
    To, From, Body (https://www.twilio.com/docs/messaging/api/message-resource)."""

    timeout = 20

    def send(self, *, to: str, body: str) -> str:
        sid = settings.TWILIO_ACCOUNT_SID
        url = (
            f"{settings.TWILIO_API_BASE_URL.rstrip('/')}/2010-04-01/Accounts/"
            f"{urllib.parse.quote(sid, safe='')}/Messages.json"
        )
        data = urllib.parse.urlencode(
            {"To": to, "From": settings.TWILIO_FROM_NUMBER, "Body": body}
        ).encode()
        credentials = base64.b64encode(f"{sid}:{settings.TWILIO_AUTH_TOKEN}".encode()).decode()
        request = urllib.request.Request(  # noqa: S310 (the address is our setting, https)
            url,
            data=data,
            method="POST",
            headers={
                "Authorization": f"Basic {credentials}",
                "Content-Type": "application/x-www-form-urlencoded",
                "Accept": "application/json",
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
                answer = json.loads(response.read() or b"{}")
        except urllib.error.HTTPError as error:
            code = self._error_code(error)
            # 429 (too many requests) and 5xx pass; any other 4xx is about this message
            # (unknown number, opted out, bad credentials) and would fail the same again.
            if error.code == 429 or error.code >= 500:
                raise TextNotSent(code) from None
            raise TextRefused(code) from None
        except (OSError, ValueError) as error:  # no answer, a timeout, or not JSON
            raise TextNotSent(type(error).__name__) from None
        return str(answer.get("sid", ""))

    @staticmethod
    def _error_code(error: urllib.error.HTTPError) -> str:
        """'HTTP 400 / 21211': the status and Twilio's own code, never its message (which
        quotes the phone number)."""
        try:
            twilio_code = json.loads(error.read() or b"{}").get("code")
        except (OSError, ValueError, AttributeError):
            twilio_code = None
        return f"HTTP {error.code}" + (f" / {twilio_code}" if twilio_code else "")


def get_backend() -> BaseSmsBackend:
    return import_string(settings.SMS_BACKEND)()


def send_text(*, to: str, body: str) -> str:
    return get_backend().send(to=to, body=body)


# Twilio's signature on the requests it sends us ---------------------------------------------


def twilio_signature(url: str, params: dict[str, list[str]], auth_token: str) -> str:
    """HMAC-SHA1, keyed with the auth token, of the full URL followed by each POST parameter's
    name and value, sorted by name (Twilio's "Webhooks security" page), in base64."""
    payload = url + "".join(
        name + value for name in sorted(params) for value in sorted(params[name])
    )
    digest = hmac.new(auth_token.encode(), payload.encode(), hashlib.sha1).digest()
    return base64.b64encode(digest).decode()


def twilio_signature_valid(url: str, params: dict[str, list[str]], signature: str) -> bool:
    """Whether `signature` (the X-Twilio-Signature header) is Twilio's for this request.
    Without an auth token nothing is valid: an unsigned STOP could end anyone's texts."""
    token = settings.TWILIO_AUTH_TOKEN
    if not token or not signature:
        return False
    expected = twilio_signature(url, params, token)
    return hmac.compare_digest(expected.encode(), signature.encode("utf-8", "replace"))
