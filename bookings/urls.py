from django.urls import path, re_path

from bookings.booking import views as booking
from bookings.checkout import views as checkout
from bookings.intake import views as intake
from bookings.manage import views as manage
from bookings.waitlist import views as waitlist

app_name = "bookings"

urlpatterns = [
    path("", booking.consultation_request, name="request"),
    re_path(
        r"^received/(?P<reference>[A-Z0-9]{8})/$",
        booking.consultation_received,
        name="received",
    ),
    path("manage/<str:token>/", manage.consultation_manage, name="manage"),
    path("manage/<str:token>/cancel/", manage.consultation_cancel, name="cancel"),
    path("manage/<str:token>/pay/", manage.consultation_pay, name="pay"),
    path("payment/<str:token>/", checkout.payment_page, name="payment"),
    path("payments/stripe/", checkout.stripe_webhook, name="stripe_webhook"),
    path("manage/<str:token>/reschedule/", manage.consultation_reschedule, name="reschedule"),
    path("manage/<str:token>/photos/", manage.consultation_photos, name="photos"),
    path("manage/<str:token>/photos/<int:pk>/", manage.consultation_photo, name="photo"),
    path(
        "manage/<str:token>/photos/withdraw/",
        manage.consultation_photos_withdraw_all,
        name="photos_withdraw_all",
    ),
    path(
        "manage/<str:token>/photos/<int:pk>/withdraw/",
        manage.consultation_photo_withdraw,
        name="photo_withdraw",
    ),
    path("manage/<str:token>/intake/", intake.intake_overview, name="intake"),
    path("manage/<str:token>/intake/step/<int:number>/", intake.intake_step, name="intake_step"),
    path("manage/<str:token>/intake/review/", intake.intake_review, name="intake_review"),
    path("manage/<str:token>/intake/submit/", intake.intake_submit, name="intake_submit"),
    path(
        "manage/<str:token>/intake/documents/<int:pk>/",
        intake.document_sign,
        name="intake_document",
    ),
    path(
        "manage/<str:token>/intake/signed/<int:pk>/",
        intake.signed_document,
        name="intake_signed",
    ),
    path("waitlist/", waitlist.waitlist_join, name="waitlist"),
    path("waitlist/joined/", waitlist.waitlist_joined, name="waitlist_joined"),
    path("waitlist/offer/<str:token>/", waitlist.waitlist_offer, name="waitlist_offer"),
    path("waitlist/offer/<str:token>/claim/", waitlist.waitlist_claim, name="waitlist_claim"),
    path("waitlist/leave/<str:token>/", waitlist.waitlist_leave, name="waitlist_leave"),
]
