"""The forms on the patient's own link: another time, and photos for a video consultation."""

from django import forms

from bookings.booking.fields import SlotField, slot_choices
from bookings.booking.forms import ErrorSummaryMixin


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
    """Several files in one field; each is checked by `bookings.manage.patient_photos`, so one bad
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
