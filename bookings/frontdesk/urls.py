from django.urls import path

from bookings.frontdesk import (
    calendar_views,
    consultations,
    exports,
    intake_views,
    payments,
    waitlist_views,
)

app_name = "bookings_admin"

urlpatterns = [
    path("", consultations.consultation_index, name="index"),
    path("export.csv", exports.consultation_export, name="export"),
    path("<int:pk>/", consultations.consultation_detail, name="detail"),
    path("<int:pk>/status/", consultations.consultation_status, name="status"),
    path("<int:pk>/time/", consultations.consultation_time, name="time"),
    path("<int:pk>/assign/", consultations.consultation_assign, name="assign"),
    path("<int:pk>/notes/", consultations.consultation_note, name="note"),
    path("<int:pk>/manage-link/revoke/", consultations.manage_link_revoke, name="revoke_link"),
    path("<int:pk>/payment/refund/", payments.payment_refund, name="payment_refund"),
    path("<int:pk>/payment/no-show/", payments.payment_no_show, name="payment_no_show"),
    path("<int:pk>/intake/print/", intake_views.intake_print, name="intake_print"),
    path(
        "<int:pk>/intake/signed/<int:signed_pk>/",
        intake_views.signed_document_print,
        name="signed_document",
    ),
    path("photos/<path:name>", consultations.patient_photo, name="patient_photo"),
    path("calendar/", calendar_views.calendar_week, name="calendar_week"),
    path("calendar/day/", calendar_views.calendar_day, name="calendar_day"),
    path("calendar/day/print/", calendar_views.calendar_print, name="calendar_print"),
    path(
        "calendar/providers/<int:pk>/feed/",
        calendar_views.calendar_feed_reset,
        name="calendar_feed_reset",
    ),
    path("emails/<int:pk>/resend/", consultations.undelivered_email_resend, name="resend_email"),
    path("waitlist/", waitlist_views.waitlist_index, name="waitlist"),
    path("waitlist/<int:pk>/", waitlist_views.waitlist_detail, name="waitlist_detail"),
    path("waitlist/<int:pk>/offer/", waitlist_views.waitlist_offer, name="waitlist_offer"),
    path("waitlist/<int:pk>/remove/", waitlist_views.waitlist_remove, name="waitlist_remove"),
]
