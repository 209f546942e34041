"""`/sms/inbound/`: texts patients send us, forwarded by Twilio. STOP ends reminder texts."""

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseForbidden
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from wagtail.log_actions import log

from allure.base.operations import sms
from bookings.messages.texts import drop_queued_texts
from bookings.models import ConsultationRequest
from bookings.phones import normalise_phone

# What patients reply to stop texts (the words carriers and Twilio treat as opting out).
STOP_WORDS = frozenset({"STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT"})


def text_reminders_stop(*, phone: str, now: dt.datetime | None = None) -> int:
    """The patient replied STOP from `phone`: no more texts to it, for any of their
    requests, from now on. Texts already queued are dropped when the worker reaches them.
    Returns how many requests it stopped (0 for a number we do not know)."""
    now = now or timezone.now()
    try:
        phone = normalise_phone(phone)
    except ValidationError:
        return 0
    with transaction.atomic():
        stopping = list(
            ConsultationRequest.objects.select_for_update().filter(
                phone=phone,
                text_reminders_agreed_at__isnull=False,
                text_reminders_stopped_at__isnull=True,
            )
        )
        for consultation in stopping:
            consultation.text_reminders_stopped_at = now
            consultation.save(update_fields=["text_reminders_stopped_at", "updated_at"])
            drop_queued_texts(consultation, "patient stopped texts")
            log(consultation, "bookings.texts_stopped")
    return len(stopping)


# Twilio's reply to its webhook: an empty TwiML document (no answer text from us; Twilio's
# own opt-out handling already tells the patient they will get no more messages).
EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>'


@csrf_exempt  # Twilio posts here; its signature, checked below, stands in for the token
@never_cache
@require_POST
def sms_inbound(request: HttpRequest) -> HttpResponse:
    """A text a patient sent us, forwarded by Twilio. STOP (and its synonyms) ends reminder
    texts to that number at once. Anything else is ignored; START does not restart them
    (agreeing again is a box on the booking form, with its wording and time stored)."""
    # The address Twilio was given: behind a TLS proxy the request itself may say http://.
    url = settings.SITE_URL + request.get_full_path()
    params = {name: request.POST.getlist(name) for name in request.POST}
    signature = request.headers.get("X-Twilio-Signature", "")
    if not sms.twilio_signature_valid(url, params, signature):
        return HttpResponseForbidden("Bad signature.", content_type="text/plain")
    if request.POST.get("Body", "").strip().upper() in STOP_WORDS:
        text_reminders_stop(phone=request.POST.get("From", "")[:40])
    return HttpResponse(EMPTY_TWIML, content_type="text/xml; charset=utf-8")
