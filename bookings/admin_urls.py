from django.urls import path

from . import admin_views

app_name = "bookings_admin"

urlpatterns = [
    path("", admin_views.consultation_index, name="index"),
    path("export.csv", admin_views.consultation_export, name="export"),
    path("<int:pk>/", admin_views.consultation_detail, name="detail"),
    path("<int:pk>/status/", admin_views.consultation_status, name="status"),
    path("<int:pk>/time/", admin_views.consultation_time, name="time"),
    path("<int:pk>/assign/", admin_views.consultation_assign, name="assign"),
    path("<int:pk>/notes/", admin_views.consultation_note, name="note"),
    path("<int:pk>/manage-link/revoke/", admin_views.manage_link_revoke, name="revoke_link"),
    path("photos/<path:name>", admin_views.patient_photo, name="patient_photo"),
    path("calendar/", admin_views.calendar_week, name="calendar_week"),
    path("calendar/day/", admin_views.calendar_day, name="calendar_day"),
    path("calendar/day/print/", admin_views.calendar_print, name="calendar_print"),
    path(
        "calendar/providers/<int:pk>/feed/",
        admin_views.calendar_feed_reset,
        name="calendar_feed_reset",
    ),
    path("emails/<int:pk>/resend/", admin_views.undelivered_email_resend, name="resend_email"),
    path("waitlist/", admin_views.waitlist_index, name="waitlist"),
    path("waitlist/<int:pk>/", admin_views.waitlist_detail, name="waitlist_detail"),
    path("waitlist/<int:pk>/offer/", admin_views.waitlist_offer, name="waitlist_offer"),
    path("waitlist/<int:pk>/remove/", admin_views.waitlist_remove, name="waitlist_remove"),
]
