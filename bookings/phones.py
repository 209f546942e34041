"""Phone numbers as patients type them, stored in E.164."""

import phonenumbers
from django.core.exceptions import ValidationError


def normalise_phone(raw: str) -> str:
    """E.164 for any valid number; US numbers may be typed the American way."""
    try:
        number = phonenumbers.parse(raw, "US")
    except phonenumbers.NumberParseException as error:
        raise ValidationError(
            "Enter a phone number we can call, e.g. (601) 555-0142.", code="invalid_phone"
        ) from error
    if not phonenumbers.is_valid_number(number):
        raise ValidationError(
            "That phone number doesn't look complete. Please check it, e.g. (601) 555-0142.",
            code="invalid_phone",
        )
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
