"""The patient's consultation form, and what every patient form shares: who the patient is
and the anti-bot checks (the waitlist's form inherits them), the error summary, and each
field as templates/bookings/fields/ draw it."""

import time
import uuid

from django import forms
from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.utils.html import format_html

from bookings.booking.fields import ProcedureField, SlotField
from bookings.booking.services import PatientRequest, SlotUnavailableError
from bookings.models import ContactMethod, Provider, validate_plain_name
from bookings.phones import normalise_phone
from bookings.schedule import availability
from bookings.schedule.catalogue import FIRST_AVAILABLE, catalogue

STARTED_SALT = "bookings.form-started"
MAX_FORM_AGE_SECONDS = 24 * 3600


def _uuid_or_none(raw) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(raw))
    except ValueError:
        return None


def started_token(at: float | None = None) -> str:
    """A signed note of when the form was shown, to tell people from bots that post at once."""
    return signing.dumps({"t": at if at is not None else time.time()}, salt=STARTED_SALT)


class ErrorSummaryMixin:
    """Errors as (anchor, text) pairs for the summary at the top of the page."""

    summary_labels: dict[str, str] = {}
    # Where to fix a field drawn outside the form (a hidden copy is what is posted).
    summary_anchors: dict[str, str] = {}

    def error_summary(self) -> list[tuple[str | None, str]]:
        items = [(None, str(error)) for error in self.non_field_errors()]
        for name, field in self.fields.items():
            bound = self[name]
            for error in bound.errors:
                if name in self.summary_anchors:
                    label = self.summary_labels.get(name, field.label)
                    items.append((self.summary_anchors[name], f"{label}: {error}"))
                    continue
                if field.widget.is_hidden:
                    items.append((None, str(error)))
                    continue
                grouped = isinstance(field.widget, forms.RadioSelect | forms.CheckboxSelectMultiple)
                anchor = f"{bound.auto_id}_0" if grouped else bound.auto_id
                label = self.summary_labels.get(name, field.label)
                items.append((anchor, f"{label}: {error}"))
        return items


class PatientContactForm(ErrorSummaryMixin, forms.Form):
    """Who the patient is and how to reach them, with the anti-bot checks: one set of fields,
    wording and rules that the booking and waitlist forms both inherit."""

    full_name = forms.CharField(
        label="Your name",
        max_length=120,
        validators=[validate_plain_name],
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
        error_messages={"required": "Tell us your name, so we know who to ask for."},
    )
    email = forms.EmailField(
        label="Email",
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages={
            "required": "Enter your email: we send your reference and link there.",
            "invalid": "Enter an email address like name@example.com.",
        },
    )
    phone = forms.CharField(
        label="Phone",
        max_length=40,
        help_text="We'll call or text this number.",
        error_messages={"required": "Enter a phone number so we can confirm your time."},
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
    )
    consent = forms.BooleanField(
        label=format_html(
            "I agree to be contacted about my consultation as described in the "
            '<a href="{}">privacy notice</a>.',
            "/privacy/",
        ),
        error_messages={"required": "We can only contact you with your consent."},
    )
    # Hidden from people by CSS and from assistive technology, out of the tab order; bots
    # fill it in.
    website = forms.CharField(
        label="Leave this field empty",
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )
    started = forms.CharField(widget=forms.HiddenInput)
    submission_token = forms.UUIDField(widget=forms.HiddenInput)

    def __init__(self, data=None, *args, **kwargs):
        # Our own hidden token, mangled (by an extension, a bot): a fresh one, so the form
        # can still be sent; `posted_token` is what came, when it was a token at all.
        self.posted_token = _uuid_or_none(data.get("submission_token")) if data else None
        if data is not None and self.posted_token is None:
            data = data.copy()
            data["submission_token"] = str(uuid.uuid4())
        super().__init__(data, *args, **kwargs)

    def clean_phone(self):
        return normalise_phone(self.cleaned_data["phone"])

    def clean_website(self):
        if self.cleaned_data["website"]:
            raise forms.ValidationError(
                "We couldn't accept this form. Please leave the last field empty, or call us.",
                code="honeypot",
            )
        return ""

    def clean_started(self):
        try:
            shown_at = signing.loads(
                self.cleaned_data["started"], salt=STARTED_SALT, max_age=MAX_FORM_AGE_SECONDS
            )["t"]
            age = time.time() - float(shown_at)
        except (signing.BadSignature, KeyError, TypeError, ValueError) as error:
            raise self._stale() from error
        if age > MAX_FORM_AGE_SECONDS:
            raise self._stale()
        if age < settings.BOOKING_MIN_FILL_SECONDS:
            raise forms.ValidationError(
                "That was very quick. Please check your details and send the form again.",
                code="too_fast",
            )
        return shown_at

    @staticmethod
    def _stale():
        return forms.ValidationError(
            "This form has expired. Please check your details and send it again.",
            code="stale_form",
        )

    def add_service_errors(self, error: ValidationError) -> None:
        """The service's refusal, beside the field it concerns."""
        if isinstance(error, SlotUnavailableError):
            self.add_error("slot", error.messages)
        elif hasattr(error, "error_dict"):
            for field, errors in error.message_dict.items():
                self.add_error(field if field in self.fields else None, errors)
        else:
            self.add_error(None, error)

    def renew_expired_start(self) -> None:
        """Shown again after "this form has expired": a fresh timestamp, so sending works."""
        if self.has_error("started", "stale_form"):
            self.data = self.data.copy()
            self.data["started"] = started_token()


class ConsultationRequestForm(PatientContactForm):
    field_order = [
        "full_name",
        "email",
        "phone",
        "procedure",
        "provider",
        "slot",
        "contact_method",
        "message",
        "consent",
        "text_reminders",
        "accept_change_policy",
        "website",
        "started",
        "submission_token",
    ]
    summary_anchors = {"procedure": "booking-procedure", "provider": "booking-provider-any"}
    summary_labels = {
        "procedure": "Treatment",
        "provider": "Who with",
        "slot": "Time",
        "consent": "Consent",
        "accept_change_policy": "Cancellation policy",
        "website": "Last field",
        "contact_method": "Contact method",
        "message": "Message",
    }

    # Chosen above the form (a plain GET form and links), carried here as hidden fields.
    procedure = ProcedureField(
        error_messages={
            "required": "Choose a procedure first, so we know who you'd like to see.",
            "invalid_choice": "Choose a procedure from the list.",
        },
    )
    provider = forms.CharField(required=False, widget=forms.HiddenInput)
    slot = SlotField(
        label="Time",
        error_messages={
            "required": "Choose a time, or ask us to call you to arrange one.",
            "invalid_choice": "That time is not available any more. Please choose another.",
        },
    )
    contact_method = forms.ChoiceField(
        label="How should we contact you?",
        choices=ContactMethod.choices,
        initial=ContactMethod.PHONE,
        widget=forms.RadioSelect,
    )
    message = forms.CharField(
        label="Anything we should know? (optional)",
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Please don't send medical history or photos here: "
        "we'll talk about your health in person.",
    )
    # Optional, unticked by default: texts need their own consent (stored with its time).
    text_reminders = forms.BooleanField(
        label="Text me reminders",
        required=False,
        help_text="Two days before and on the morning. Reply STOP to stop texts. "
        "Message and data rates may apply.",
    )
    # Asked (and drawn, by templates/bookings/form/change_policy.html) only when the chosen
    # treatment's consultation takes a fee or a card; see clean().
    accept_change_policy = forms.BooleanField(
        label="I have read and accept the cancellation policy above",
        required=False,
    )
    # Drawn by templates/bookings/form/ (one include per section of the page).

    @classmethod
    def blank(cls, *, procedure, provider_value: str) -> "ConsultationRequestForm":
        """A new form for the choices made so far (from the address)."""
        return cls(
            initial={
                "procedure": procedure.slug if procedure else None,
                "provider": provider_value,
                "slot": None,
                "started": started_token(),
                "submission_token": uuid.uuid4(),
            }
        )

    def clean(self):
        data = super().clean()
        procedure, slot = data.get("procedure"), data.get("slot")
        if procedure and slot and slot.start and not data.get("accept_change_policy"):
            consultation_type = availability.consultation_type_for([procedure])
            if consultation_type and consultation_type.takes_payment:
                self.add_error(
                    "accept_change_policy",
                    forms.ValidationError(
                        "This consultation takes a fee or a card: please read the "
                        "cancellation policy and tick to accept it.",
                        code="policy_not_accepted",
                    ),
                )
        return data

    def patient_request(self, *, client_ip: str | None = None) -> PatientRequest:
        """The valid form as the one value the booking service takes."""
        data = self.cleaned_data
        return PatientRequest(
            full_name=data["full_name"],
            email=data["email"],
            phone=data["phone"],
            contact_method=data["contact_method"],
            procedures=(data["procedure"],),
            provider=data["provider"],
            slot=data["slot"],
            message=data["message"],
            consent=data["consent"],
            text_reminders=data["text_reminders"],
            submission_token=data["submission_token"],
            change_policy_accepted=data["accept_change_policy"],
            client_ip=client_ip,
        )

    def clean_provider(self) -> Provider | None:
        """None for "first available"; whether they do the procedure is the service's call."""
        value = self.cleaned_data["provider"]
        if value in ("", FIRST_AVAILABLE):
            return None
        provider = next((p for p in catalogue().providers if str(p.pk) == value), None)
        if provider is None:
            raise forms.ValidationError(
                "We couldn't find that provider. Please choose again, or the first available.",
                code="unknown_provider",
            )
        return provider
