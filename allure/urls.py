from django.conf import settings
from django.urls import include, path, re_path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.contrib.sitemaps.views import sitemap
from wagtail.documents import urls as wagtaildocs_urls

from allure.base.counts import beacon
from allure.base.web.health import request_too_large
from allure.base.web.security import serve_media
from allure.site import views
from bookings.frontdesk.calendar_views import provider_calendar_feed
from bookings.messages.sms_inbound import sms_inbound

# Branded error pages: 404 with the site around it; 500 and 503 without the database.
handler404 = views.page_not_found
handler500 = "allure.base.outage.server_error"

urlpatterns = [
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("consultation/", include("bookings.urls")),
    # A provider's private calendar feed, the secret its address (bookings/frontdesk/calendar.py).
    re_path(
        r"^calendar/(?P<token>[A-Za-z0-9_-]{1,64})\.ics$",
        provider_calendar_feed,
        name="calendar_feed",
    ),
    path("sitemap.xml", sitemap),
    path("robots.txt", views.robots_txt),
    path("favicon.ico", views.favicon),
    path("search/", views.search, name="search"),
    path("count/", beacon, name="count"),
    # Shown by the web server in front for a request over its size limit (deploy/nginx).
    path("request-too-large/", request_too_large, name="request_too_large"),
    # Texts patients send us (STOP), forwarded by the SMS provider: never cached, anywhere.
    path("sms/inbound/", sms_inbound, name="sms_inbound"),
]

if settings.DEBUG or settings.SERVE_MEDIA:
    # Uploaded images from this process: for development and a single-machine install.
    # Behind a web server or object storage, leave SERVE_MEDIA off and serve /media/ there
    # (never /media/documents/: see docs/operations.md, "Production").
    urlpatterns += [re_path(r"^media/(?P<path>.*)$", serve_media)]

urlpatterns += [path("", include(wagtail_urls))]
