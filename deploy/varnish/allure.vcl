vcl 4.1;
# Varnish in front of the site's app servers. Public pages are cached for as long as their
# Cache-Control says (s-maxage); the site purges them when content changes; while the app
# servers are down or answer 5xx, the last copy is served for up to its stale-if-error.
# Replace the backend address with yours (several app servers: a director from vmod
# directors). Checked with `varnishd -C -f allure.vcl`.

import std;
import purge;

backend app {
    .host = "127.0.0.1";
    .port = "8000";
    .probe = {
        .url = "/healthz";  # liveness only: see allure/base/web/health.py
        .interval = 1s;
        .timeout = 2s;
        .window = 3;
        .threshold = 2;
    }
}

# Only the site itself may purge (its workers run next to it).
acl purgers {
    "127.0.0.1";
    "::1";
}

sub vcl_recv {
    # One cache entry per page whatever port the visitor used: the site purges by hostname.
    set req.http.host = regsub(req.http.host, ":[0-9]+$", "");
    if (req.method == "PURGE") {
        if (client.ip !~ purgers) {
            return (synth(405, "Not allowed"));
        }
        return (hash);  # a soft purge, in vcl_hit / vcl_miss
    }
    # While the app servers are healthy, never answer with a copy past its TTL (a purged page
    # is fetched afresh); once the probe finds them down, any copy in grace answers.
    if (std.healthy(req.backend_hint)) {
        set req.grace = 0s;
    }
    # Providers' private calendar feeds (/calendar/<secret>.ics): never kept here, so a reset
    # address is dead at once, whatever headers a response carries.
    if (req.url ~ "^/calendar/") {
        return (pass);
    }
    # Anonymous visitors share public pages even if they carry a cookie from the booking form
    # (its CSRF token): only staff (a session) and the never-shared areas go to the app as is.
    if (req.url !~ "^/(admin|consultation|documents|search|sms)/" && req.http.Cookie !~ "sessionid=") {
        unset req.http.Cookie;
    }
}

# Soft: the purged copy expires but keeps its grace, so it can still answer while the app
# servers are down (a hard purge would leave nothing to serve but an error).
sub vcl_hit {
    if (req.method == "PURGE") {
        purge.soft(0s);
        return (synth(200, "Purged"));
    }
}

sub vcl_miss {
    if (req.method == "PURGE") {
        purge.soft(0s);
        return (synth(200, "Purged"));
    }
}

sub vcl_backend_response {
    # Varnish does not read stale-if-error: keep the object that long past its TTL.
    if (beresp.http.Cache-Control ~ "stale-if-error=[0-9]+") {
        set beresp.grace = std.duration(
            regsub(beresp.http.Cache-Control, ".*stale-if-error=([0-9]+).*", "\1") + "s", 1h);
    }
    # An app server that answers 5xx: keep serving the stale copy rather than the error.
    if (beresp.status >= 500 && bereq.is_bgfetch) {
        return (abandon);
    }
}

sub vcl_deliver {
    if (obj.hits > 0) {
        set resp.http.X-Cache = "hit";
    } else {
        set resp.http.X-Cache = "miss";
    }
}
