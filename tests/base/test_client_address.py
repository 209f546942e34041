"""Rate limits and lockouts count the real client: behind N trusted proxies, the right-most
address they did not write; never a header anyone can set; IPv6 by /64; keys hashed."""

import pytest
from django.test import RequestFactory

from allure.base.web.client_address import client_bucket, client_ip, client_key


def request(remote="203.0.113.9", **headers):
    return RequestFactory().get("/", REMOTE_ADDR=remote, **headers)


def test_without_proxies_a_forwarded_header_is_ignored(settings):
    settings.BOOKING_TRUSTED_PROXIES = 0
    settings.BOOKING_CLIENT_IP_HEADER = None
    spoofed = request(HTTP_X_FORWARDED_FOR="198.51.100.1", HTTP_X_REAL_IP="198.51.100.2")
    assert client_ip(spoofed) == "203.0.113.9"


@pytest.mark.parametrize(
    ("proxies", "forwarded", "client"),
    [
        # One proxy appends what it saw; the patient's own "1.2.3.4" is noise on the left.
        (1, "1.2.3.4, 198.51.100.7", "198.51.100.7"),
        (1, "198.51.100.7", "198.51.100.7"),
        # Two proxies (a CDN, then nginx): the CDN's entry is second from the right.
        (2, "1.2.3.4, 198.51.100.7, 192.0.2.10", "198.51.100.7"),
        (1, "2001:db8::1", "2001:db8::1"),
    ],
)
def test_behind_proxies_the_right_most_untrusted_entry_is_the_client(
    settings, proxies, forwarded, client
):
    settings.BOOKING_TRUSTED_PROXIES = proxies
    settings.BOOKING_CLIENT_IP_HEADER = "HTTP_X_FORWARDED_FOR"
    assert client_ip(request(remote="10.0.0.2", HTTP_X_FORWARDED_FOR=forwarded)) == client


@pytest.mark.parametrize("forwarded", ["", "198.51.100.7", "not-an-address, evil"])
def test_a_request_that_skipped_a_proxy_counts_as_the_socket_address(settings, forwarded):
    settings.BOOKING_TRUSTED_PROXIES = 2
    settings.BOOKING_CLIENT_IP_HEADER = "HTTP_X_FORWARDED_FOR"
    assert client_ip(request(remote="10.0.0.2", HTTP_X_FORWARDED_FOR=forwarded)) == "10.0.0.2"


def test_ipv6_addresses_in_one_64_are_one_client():
    assert client_bucket("2001:db8:1:2::1") == client_bucket("2001:db8:1:2:ffff:1:2:3")
    assert client_bucket("2001:db8:1:2::1") != client_bucket("2001:db8:1:3::1")
    assert client_bucket("::ffff:198.51.100.7") == "198.51.100.7"
    assert client_bucket("198.51.100.7") != client_bucket("198.51.100.8")


def test_cache_keys_do_not_contain_the_address(settings):
    settings.BOOKING_TRUSTED_PROXIES = 0
    key = client_key("bookings:form-posts", request(remote="198.51.100.7"))
    assert key.startswith("bookings:form-posts:")
    assert "198" not in key.removeprefix("bookings:form-posts:")
    assert key == client_key("bookings:form-posts", request(remote="198.51.100.7"))
    assert key != client_key("bookings:form-posts", request(remote="198.51.100.8"))
