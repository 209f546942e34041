from django.urls import path, re_path

from . import views

app_name = "bookings"

urlpatterns = [
    path("", views.consultation_request, name="request"),
    re_path(
        r"^received/(?P<reference>[A-Z0-9]{8})/$",
        views.consultation_received,
        name="received",
    ),
    path("manage/<str:token>/", views.consultation_manage, name="manage"),
    path("manage/<str:token>/cancel/", views.consultation_cancel, name="cancel"),
    path("manage/<str:token>/reschedule/", views.consultation_reschedule, name="reschedule"),
    path("manage/<str:token>/photos/", views.consultation_photos, name="photos"),
    path("manage/<str:token>/photos/<int:pk>/", views.consultation_photo, name="photo"),
    path(
        "manage/<str:token>/photos/withdraw/",
        views.consultation_photos_withdraw_all,
        name="photos_withdraw_all",
    ),
    path(
        "manage/<str:token>/photos/<int:pk>/withdraw/",
        views.consultation_photo_withdraw,
        name="photo_withdraw",
    ),
    path("waitlist/", views.waitlist_join, name="waitlist"),
    path("waitlist/joined/", views.waitlist_joined, name="waitlist_joined"),
    path("waitlist/offer/<str:token>/", views.waitlist_offer, name="waitlist_offer"),
    path("waitlist/offer/<str:token>/claim/", views.waitlist_claim, name="waitlist_claim"),
    path("waitlist/leave/<str:token>/", views.waitlist_leave, name="waitlist_leave"),
]
