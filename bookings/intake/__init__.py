"""Before the consultation: the patient's medical history and signed forms, from their
manage link (`views.py`, `forms.py`), every write in `services.py`."""
