from django.apps import AppConfig


class BookingsConfig(AppConfig):
    name = "bookings"
    verbose_name = "Consultations"

    def ready(self):
        # Imported here: the catalogue uses models, which exist only once apps load.
        from bookings.schedule import catalogue

        catalogue.connect_invalidation()
