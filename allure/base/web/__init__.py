"""Serving the site over HTTP: routing, page and fragment caches and their invalidation, the
shared cache that survives Redis going away, security headers and uploaded files, health
checks, the client's real address behind proxies, secrets kept out of the log."""
