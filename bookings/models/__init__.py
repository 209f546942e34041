"""Bookings' rows, by what they hold: `diary` (booking rules, consultation types, each
clinician's hours and days away), `requests` (a patient's request, its notes, photos and
undelivered emails), `intake` (questionnaires and their versions, a patient's answers, the
clinic's documents and signatures), `waitlist` (entries and offers) and `reminders` (emails
and texts).
Django, the migrations and the rest of the app read them all from here."""

from .diary import (
    DEFAULT_PHOTO_ANGLES,
    BookingRules,
    ConsultationType,
    Provider,
    ProviderClosure,
    ProviderHours,
    open_diary,
)
from .intake import (
    ClinicDocument,
    ClinicDocumentVersion,
    IntakeAnswer,
    IntakeQuestion,
    IntakeResponse,
    QuestionKind,
    Questionnaire,
    QuestionnaireUse,
    QuestionnaireVersion,
    SignedDocument,
)
from .reminders import Reminder, ReminderStage, TextReminder, TextStatus
from .requests import (
    CLOSED_STATUSES,
    LINK_LIKE,
    MAX_PATIENT_PHOTOS,
    OPEN_STATUSES,
    REFERENCE_ALPHABET,
    REFERENCE_LENGTH,
    ConsultationNote,
    ConsultationRequest,
    ConsultationStatus,
    ContactMethod,
    PatientPhoto,
    PatientPhotoStorage,
    UndeliveredEmail,
    new_reference,
    patient_photo_storage,
    validate_plain_name,
)
from .waitlist import AFTERNOON_FROM_HOUR, WaitlistEntry, WaitlistOffer, WaitlistStatus

__all__ = [
    "AFTERNOON_FROM_HOUR",
    "CLOSED_STATUSES",
    "DEFAULT_PHOTO_ANGLES",
    "LINK_LIKE",
    "MAX_PATIENT_PHOTOS",
    "OPEN_STATUSES",
    "REFERENCE_ALPHABET",
    "REFERENCE_LENGTH",
    "BookingRules",
    "ClinicDocument",
    "ClinicDocumentVersion",
    "IntakeAnswer",
    "IntakeQuestion",
    "IntakeResponse",
    "QuestionKind",
    "Questionnaire",
    "QuestionnaireUse",
    "QuestionnaireVersion",
    "SignedDocument",
    "ConsultationNote",
    "ConsultationRequest",
    "ConsultationStatus",
    "ConsultationType",
    "ContactMethod",
    "PatientPhoto",
    "PatientPhotoStorage",
    "Provider",
    "ProviderClosure",
    "ProviderHours",
    "Reminder",
    "ReminderStage",
    "TextReminder",
    "TextStatus",
    "UndeliveredEmail",
    "WaitlistEntry",
    "WaitlistOffer",
    "WaitlistStatus",
    "new_reference",
    "open_diary",
    "patient_photo_storage",
    "validate_plain_name",
]
