"""The patient's consultation form and the front desk's small admin forms."""

import datetime as dt
import time
import uuid

from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.html import format_html

from allure.base.clinic.clinic_time import format_day, format_time
from allure.base.models import Weekday
from procedures.models import ProcedurePage

from . import availability
from .catalogue import FIRST_AVAILABLE, catalogue
from .models import ConsultationStatus, ContactMethod, Provider, validate_plain_name
from .phones import normalise_phone
from .services import PatientRequest, SlotUnavailableError
from .slots import Slot

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


def day_grouped_choices(slots: list[dt.datetime]) -> list:
    """Radio choices grouped by local day."""
    return [
        (format_day(day), [(Slot(s).encode(), format_time(s)) for s in day_slots])
        for day, day_slots in availability.slots_by_day(slots)
    ]


def slot_choices(slots: list[dt.datetime]) -> list:
    """The free times grouped by local day, after the "call me" choice."""
    return [(Slot().encode(), "Please call me to arrange a time"), *day_grouped_choices(slots)]


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


class SlotField(forms.Field):
    """Parses the chosen time into a `Slot` (a time, or "call me" when allowed).

    The choices only draw the radio buttons. Whether the time can be held is decided once,
    by the service (`availability.check_time`), not here."""

    widget = forms.RadioSelect
    default_error_messages = {
        "invalid_choice": "That time is not available any more. Please choose another.",
    }

    def __init__(self, *, call_me=True, **kwargs):
        self.call_me = call_me
        super().__init__(**kwargs)

    @property
    def choices(self):
        return self.widget.choices

    @choices.setter
    def choices(self, value):
        self.widget.choices = list(value)

    def to_python(self, value) -> Slot | None:
        if value in self.empty_values:
            return None
        try:
            slot = Slot.decode(value)
        except ValueError:
            slot = None
        if slot is None or (slot.is_call_me and not self.call_me):
            raise forms.ValidationError(self.error_messages["invalid_choice"], "invalid_choice")
        return slot

    def has_changed(self, initial, data):
        return str(initial or "") != str(data or "")


class ProcedureField(forms.Field):
    """A live procedure, by its slug, from the booking catalogue (no query): only what the
    booking reads (title, slug, group)."""

    widget = forms.HiddenInput
    default_error_messages = {"invalid_choice": "Choose a procedure from the list."}

    def to_python(self, value):
        if value in self.empty_values:
            return None
        procedure = catalogue().procedure(str(value))
        if procedure is None:
            raise forms.ValidationError(self.error_messages["invalid_choice"], "invalid_choice")
        return procedure


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

    def patient_request(self) -> PatientRequest:
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


class RescheduleForm(ErrorSummaryMixin, forms.Form):
    slot = SlotField(
        label="Choose another time",
        help_text="Times are Central Time (Jackson, MS).",
        # The times grouped by day, later days folded away.
        template_name="bookings/slot_field.html",
        error_messages={
            "required": "Choose a time, or ask us to call you.",
            "invalid_choice": "That time is not available any more. Please choose another.",
        },
    )

    def __init__(self, *args, slots=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["slot"].choices = slot_choices(slots)


class PhotosInput(forms.ClearableFileInput):
    allow_multiple_selected = True  # Django's documented way to take several files


class PhotosField(forms.FileField):
    """Several files in one field; each is checked by `bookings.patient_photos`, so one bad
    file refuses only itself."""

    widget = PhotosInput(attrs={"accept": "image/jpeg,image/png,image/heic,image/heif,.heic"})

    def clean(self, data, initial=None):
        if isinstance(data, list | tuple):
            files = [super(PhotosField, self).clean(file, initial) for file in data]
        else:
            files = [super().clean(data, initial)]
        files = [file for file in files if file]
        if not files and self.required:
            raise forms.ValidationError(self.error_messages["required"], code="required")
        return files


class PatientPhotosForm(ErrorSummaryMixin, forms.Form):
    photos = PhotosField(
        label="Your photos",
        help_text="JPEG, PNG or HEIC (iPhone), up to 10 MB each.",
        error_messages={"required": "Choose at least one photo to send."},
    )
    clinical_use = forms.BooleanField(
        label="I agree that the clinic uses these photos only to prepare and hold my "
        "consultation. They are never shown on the website or anywhere else.",
        error_messages={"required": "Please tick to agree before sending your photos."},
    )


# --- Front desk (Wagtail admin) ---------------------------------------------------------


def front_desk_users():
    perm = Q(groups__permissions__codename="manage_consultations") | Q(
        user_permissions__codename="manage_consultations"
    )
    return (
        get_user_model()
        .objects.filter(is_active=True)
        .filter(perm | Q(is_superuser=True))
        .distinct()
        .order_by("first_name", "last_name", "username")
    )


class ConsultationFilterForm(forms.Form):
    q = forms.CharField(label="Search", required=False)
    status = forms.ChoiceField(
        choices=[("", "Any status"), ("open", "Open (new, contacted, scheduled)")]
        + list(ConsultationStatus.choices),
        required=False,
    )
    procedure = forms.ModelChoiceField(
        queryset=ProcedurePage.objects.order_by("title"), required=False, empty_label="Any"
    )
    date_from = forms.DateField(
        label="Requested from", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label="Requested to", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    assigned_to = forms.ModelChoiceField(
        queryset=get_user_model().objects.none(), required=False, empty_label="Anyone"
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assigned_to"].queryset = front_desk_users()


class NoteForm(forms.Form):
    text = forms.CharField(
        label="Add a note", max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )


class AssignForm(forms.Form):
    assignee = forms.ModelChoiceField(
        label="Assigned to",
        queryset=get_user_model().objects.none(),
        required=False,
        empty_label="Nobody",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = front_desk_users()


class ConfirmTimeForm(forms.Form):
    slot = SlotField(label="Appointment time", call_me=False, widget=forms.Select)

    def __init__(self, *args, slots=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["slot"].choices = day_grouped_choices(slots)


# --- Waitlist -----------------------------------------------------------------------------


class WaitlistForm(PatientContactForm):
    """Joining the waitlist: what, with whom, when, and how to reach the patient. Parses
    only; the rules (the date within the horizon, the provider doing the procedure, the
    limit per contact) are the service's."""

    template_name = "bookings/waitlist_form.html"
    summary_labels = {
        "procedure": "Treatment",
        "provider": "Who with",
        "weekdays": "Days",
        "times_of_day": "Time of day",
        "until": "Until",
        "consent": "Consent",
        "website": "Last field",
    }

    procedure = forms.ModelChoiceField(
        label="Treatment",
        queryset=ProcedurePage.objects.none(),
        to_field_name="slug",
        empty_label="Choose a treatment…",
        error_messages={
            "required": "Choose the treatment you'd like a consultation for.",
            "invalid_choice": "Choose a treatment from the list.",
        },
    )
    provider = forms.ChoiceField(
        label="Who with",
        required=False,
        error_messages={"invalid_choice": "Choose someone from the list, or anyone."},
    )
    weekdays = forms.TypedMultipleChoiceField(
        label="Which days suit you?",
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": "Choose at least one day.",
            "invalid_choice": "Choose days from the list.",
        },
    )
    times_of_day = forms.MultipleChoiceField(
        label="What time of day?",
        choices=[("morning", "Mornings (before noon)"), ("afternoon", "Afternoons")],
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": "Choose mornings, afternoons or both.",
            "invalid_choice": "Choose mornings, afternoons or both.",
        },
    )
    until = forms.DateField(
        label="Until when?",
        help_text="We'll offer times up to and including this day.",
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={
            "required": "Choose the last day a time would suit you.",
            "invalid": "Enter a date like 2026-12-24.",
        },
    )
    field_order = [
        "procedure",
        "provider",
        "weekdays",
        "times_of_day",
        "until",
        "full_name",
        "email",
        "phone",
        "consent",
        "website",
        "started",
        "submission_token",
    ]

    def __init__(self, *args, weekdays=(), today: dt.date | None = None, last=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["procedure"].queryset = ProcedurePage.objects.live().order_by("title")
        self.fields["email"].error_messages["required"] = (
            "Enter your email: that is where we send a time when one comes free."
        )
        self.fields["phone"].error_messages["required"] = (
            "Enter a phone number, in case we need to reach you about a time."
        )
        self.fields["provider"].choices = [(FIRST_AVAILABLE, "Anyone who does it")] + [
            (str(p.pk), p.name) for p in catalogue().providers
        ]
        self.fields["weekdays"].choices = [
            (day.value, day.label) for day in Weekday if not weekdays or day.value in weekdays
        ]
        if today and last:
            self.fields["until"].widget.attrs.update(
                {"min": today.isoformat(), "max": last.isoformat()}
            )

    def clean_provider(self) -> Provider | None:
        value = self.cleaned_data["provider"]
        if value in ("", FIRST_AVAILABLE):
            return None
        return Provider.objects.filter(active=True, pk=value).first()


class CalendarForm(forms.Form):
    """The calendar's GET form: which day (or a day of the week) and whose. Works without
    JavaScript: the browser's own date picker, or typing 2026-11-18."""

    date = forms.DateField(
        label="Date",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        input_formats=["%Y-%m-%d"],
        error_messages={"invalid": "Enter a date like 2026-11-18; showing today instead."},
    )
    provider = forms.ModelChoiceField(
        queryset=Provider.objects.order_by("-active", "sort_order", "name"),
        required=False,
        empty_label="All providers",
        error_messages={
            "invalid_choice": "That provider is not on the list; showing all providers."
        },
    )

    def clean_date(self):
        date = self.cleaned_data["date"]
        # Far-off years would run past what dates can hold once a week is added to them.
        if date and not (dt.date(2000, 1, 1) <= date <= dt.date(2099, 12, 31)):
            raise forms.ValidationError(
                "Choose a date between 2000 and 2099; showing today instead.", code="range"
            )
        return date
