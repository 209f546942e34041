"""Whose request is this? The client address that rate limits and sign-in lockouts count.

Behind proxies, each trusted proxy appends the address it saw to a header (usually
X-Forwarded-For). Anything further left was sent by the client and proves nothing, so the
client is the entry BOOKING_TRUSTED_PROXIES places from the right. Without proxies it is
REMOTE_ADDR: a header anyone can set is never believed.
"""

import ipaddress

from django.conf import settings
from django.http import HttpRequest
from django.utils.crypto import salted_hmac


def client_ip(request: HttpRequest) -> str:
    remote = request.META.get("REMOTE_ADDR", "")
    proxies = settings.BOOKING_TRUSTED_PROXIES
    header = settings.BOOKING_CLIENT_IP_HEADER
    if proxies and header:
        entries = [e.strip() for e in request.META.get(header, "").split(",") if e.strip()]
        # Fewer entries than proxies: the request skipped a proxy; trust only the socket.
        if len(entries) >= proxies and _valid(entries[-proxies]):
            return entries[-proxies]
    return remote


def _valid(address: str) -> bool:
    try:
        ipaddress.ip_address(address)
    except ValueError:
        return False
    return True


def client_bucket(address: str) -> str:
    """What counts as one client: an IPv4 address, or an IPv6 /64 (one household or phone
    gets a whole /64 and can pick a fresh address from it for every request)."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return "unknown"
    if ip.version == 6:
        if ip.ipv4_mapped:
            return str(ip.ipv4_mapped)
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(ip)


def client_key(prefix: str, request: HttpRequest) -> str:
    """A cache key for this client that does not store its address (keyed with SECRET_KEY,
    so the 2^32 IPv4 addresses cannot be tried against a copy of the cache)."""
    digest = salted_hmac(
        "allure.client-key", client_bucket(client_ip(request)), algorithm="sha256"
    ).hexdigest()
    return f"{prefix}:{digest[:32]}"
