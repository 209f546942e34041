from django.apps import AppConfig


class BookingsConfig(AppConfig):
    name = "bookings"
    verbose_name = "Consultations"

    def ready(self):
        # Imported here: the catalogue uses models, which exist only once apps load.
        from django.db.models.signals import post_save

        from bookings import models
        from bookings.payments import checks  # noqa: F401 (registers the deploy check)
        from bookings.schedule import catalogue
        from procedures.clinicians import Clinician

        catalogue.connect_invalidation()
        post_save.connect(models.open_diary, sender=Clinician, dispatch_uid="bookings-open-diary")
