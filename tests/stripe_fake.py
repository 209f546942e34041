"""A small stand-in for the part of Stripe's API the site calls: the outside world, so the
one fake the suite allows (see ../shared/recipes.md, "Stripe with no network"). It is a real
HTTP server on a free local port; the site's own Stripe library talks to it as it would to
api.stripe.com (`settings.STRIPE_API_BASE`).

It answers: customers, Checkout sessions (create, retrieve with `expand`, expire), refunds,
PaymentIntents (off-session charges) and charges; and it serves a hosted "checkout page" at
`/pay/<session id>` whose buttons complete or cancel, as Stripe's own page would, then send
the browser back to the session's success or cancel address.

Every request the site sends is kept (`requests`) so tests can read exactly what went to
"Stripe". `stop()` and `start()` take the server away and bring it back on the same port:
Stripe unreachable, for real.
"""

import hashlib
import hmac
import itertools
import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

WEBHOOK_SECRET = "whsec_test_allure"
SECRET_KEY = "sk_test_allure"


@dataclass
class Sent:
    method: str
    path: str
    body: str
    idempotency_key: str | None


@dataclass
class FakeStripe:
    port: int = 0
    requests: list[Sent] = field(default_factory=list)
    sessions: dict = field(default_factory=dict)
    refunds: list = field(default_factory=list)
    charges: dict = field(default_factory=dict)
    intents: list = field(default_factory=list)
    decline_charges: bool = False
    _idempotent: dict = field(default_factory=dict)
    _ids: itertools.count = field(default_factory=lambda: itertools.count(1))
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> "FakeStripe":
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):
                fake._handle(self, "GET")

            def do_POST(self):
                fake._handle(self, "POST")

        self._server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self.port = self._server.server_address[1]
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    # --- What a test does as Stripe (or as the patient on Stripe's page) -------------------

    def complete(self, session_id: str) -> dict:
        """The patient pays (mode payment) or saves a card (mode setup) on the hosted page."""
        with self._lock:
            session = self.sessions[session_id]
            if session["status"] != "open":
                return session
            session["status"] = "complete"
            if session["mode"] == "payment":
                intent = self._new("pi")
                session["payment_intent"] = intent
                session["payment_status"] = "paid"
                self.charges[self._new("ch")] = {
                    "payment_intent": intent,
                    "amount": session["amount_total"],
                    "amount_refunded": 0,
                }
            else:
                session["setup_intent"] = {
                    "id": self._new("seti"),
                    "object": "setup_intent",
                    "payment_method": self._new("pm"),
                }
                session["payment_status"] = "no_payment_required"
            return session

    def expire(self, session_id: str) -> dict:
        with self._lock:
            session = self.sessions[session_id]
            if session["status"] == "open":
                session["status"] = "expired"
            return session

    def event(self, event_type: str, object_id: str, *, event_id: str | None = None) -> bytes:
        """A webhook event's body, as Stripe would send it."""
        return json.dumps(
            {
                "id": event_id or self._new("evt"),
                "object": "event",
                "type": event_type,
                "created": int(time.time()),
                "data": {"object": {"id": object_id, "object": event_type.split(".")[0]}},
            }
        ).encode()

    def bodies(self) -> str:
        """Everything the site sent to Stripe, as one text to search."""
        return "\n".join(f"{r.method} {r.path} {r.body}" for r in self.requests)

    # --- The server -----------------------------------------------------------------------

    def _new(self, prefix: str) -> str:
        return f"{prefix}_test_{next(self._ids)}"

    def _handle(self, handler: BaseHTTPRequestHandler, method: str) -> None:
        length = int(handler.headers.get("Content-Length") or 0)
        body = handler.rfile.read(length).decode() if length else ""
        parts = urlsplit(handler.path)
        path = parts.path
        if path.startswith("/pay/"):
            return self._hosted_page(handler, method, path, body)
        key = handler.headers.get("Idempotency-Key")
        self.requests.append(Sent(method, handler.path, body, key))
        form = parse_qs(body) if method == "POST" else parse_qs(parts.query)
        flat = {k: v[0] for k, v in form.items()}
        with self._lock:
            if key and (method, path, key) in self._idempotent:
                status, answer = self._idempotent[(method, path, key)]
            else:
                status, answer = self._answer(method, path, flat)
                if key:
                    self._idempotent[(method, path, key)] = (status, answer)
        payload = json.dumps(answer).encode()
        handler.send_response(status)
        handler.send_header("Content-Type", "application/json")
        handler.send_header("Content-Length", str(len(payload)))
        handler.end_headers()
        handler.wfile.write(payload)

    def _answer(self, method: str, path: str, form: dict) -> tuple[int, dict]:
        segments = path.strip("/").split("/")
        if method == "POST" and path == "/v1/customers":
            return 200, {"id": self._new("cus"), "object": "customer", "email": form.get("email")}
        if method == "POST" and path == "/v1/checkout/sessions":
            session_id = self._new("cs")
            unit = int(form.get("line_items[0][price_data][unit_amount]", 0))
            session = {
                "id": session_id,
                "object": "checkout.session",
                "mode": form["mode"],
                "status": "open",
                "url": f"{self.url}/pay/{session_id}",
                "client_reference_id": form.get("client_reference_id"),
                "customer": form.get("customer"),
                "amount_total": unit,
                "payment_intent": None,
                "setup_intent": None,
                "success_url": form["success_url"],
                "cancel_url": form["cancel_url"],
                "metadata": {"reference": form.get("metadata[reference]")},
            }
            self.sessions[session_id] = session
            return 200, session
        if segments[:3] == ["v1", "checkout", "sessions"] and len(segments) >= 4:
            session = self.sessions.get(segments[3])
            if session is None:
                return 404, _error("No such checkout.session")
            if len(segments) == 5 and segments[4] == "expire":
                if session["status"] != "open":
                    return 400, _error("Only open sessions can be expired")
                session["status"] = "expired"
            answer = dict(session)
            if form.get("expand[0]") != "setup_intent" and session["setup_intent"]:
                answer["setup_intent"] = session["setup_intent"]["id"]
            return 200, answer
        if method == "POST" and path == "/v1/refunds":
            refund = {
                "id": self._new("re"),
                "object": "refund",
                "amount": int(form["amount"]),
                "payment_intent": form["payment_intent"],
            }
            self.refunds.append(refund)
            for charge in self.charges.values():
                if charge["payment_intent"] == form["payment_intent"]:
                    charge["amount_refunded"] += refund["amount"]
            return 200, refund
        if method == "POST" and path == "/v1/payment_intents":
            if self.decline_charges:
                return 402, _error("Your card was declined.", kind="card_error")
            intent = {
                "id": self._new("pi"),
                "object": "payment_intent",
                "amount": int(form["amount"]),
                "customer": form.get("customer"),
                "payment_method": form.get("payment_method"),
                "status": "succeeded",
            }
            self.intents.append(intent)
            return 200, intent
        if method == "GET" and segments[:2] == ["v1", "charges"] and len(segments) == 3:
            charge = self.charges.get(segments[2])
            if charge is None:
                return 404, _error("No such charge")
            return 200, {"id": segments[2], "object": "charge", **charge}
        return 404, _error(f"Unknown path {path}")

    def _hosted_page(self, handler, method, path, body) -> None:
        """Stripe's hosted page, reduced to its two outcomes."""
        session_id = path.split("/")[2]
        session = self.sessions.get(session_id)
        if session is None:
            handler.send_response(404)
            handler.end_headers()
            return
        if method == "POST":
            if "cancel" in parse_qs(body):
                target = session["cancel_url"]
            else:
                self.complete(session_id)
                target = session["success_url"].replace("{CHECKOUT_SESSION_ID}", session_id)
            handler.send_response(303)
            handler.send_header("Location", target)
            handler.end_headers()
            return
        what = "Pay" if session["mode"] == "payment" else "Save card"
        page = (
            "<!doctype html><html lang=en><title>Fake Stripe Checkout</title><main>"
            f"<h1>Checkout {session_id}</h1><form method=post>"
            f"<button name=pay value=1>{what}</button>"
            "<button name=cancel value=1>Back</button></form></main></html>"
        ).encode()
        handler.send_response(200)
        handler.send_header("Content-Type", "text/html")
        handler.send_header("Content-Length", str(len(page)))
        handler.end_headers()
        handler.wfile.write(page)


def _error(message: str, kind: str = "invalid_request_error") -> dict:
    error = {"type": kind, "message": message}
    if kind == "card_error":
        error["code"] = "card_declined"
    return {"error": error}


def signature(payload: bytes, *, secret: str = WEBHOOK_SECRET, at: int | None = None) -> str:
    """A `Stripe-Signature` header as Stripe makes it: HMAC-SHA256 of "<t>.<payload>"."""
    at = int(time.time()) if at is None else at
    digest = hmac.new(secret.encode(), f"{at}.".encode() + payload, hashlib.sha256).hexdigest()
    return f"t={at},v1={digest}"
