"""A local stand-in for Twilio's Messages API: a real HTTP server on a real socket, so the
Twilio backend's requests, auth and error handling run for real; only Twilio is replaced."""

import base64
import json
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

ACCOUNT_SID = "AC" + "0123456789abcdef" * 2
AUTH_TOKEN = "stub-auth-token"  # noqa: S105 (the stub's, not a secret)
FROM_NUMBER = "+16015550100"


class TwilioStub:
    """Twilio's Messages endpoint: checks the path, Basic auth and the form fields, then
    answers with the next status in `answers` (201 with a message SID when none are left)."""

    def __init__(self):
        self.answers: list[int] = []
        self.received: list[dict] = []
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                form = urllib.parse.parse_qs(self.rfile.read(length).decode())
                stub.received.append(
                    {"path": self.path, "auth": self.headers.get("Authorization"), "form": form}
                )
                expected = (
                    "Basic " + base64.b64encode(f"{ACCOUNT_SID}:{AUTH_TOKEN}".encode()).decode()
                )
                if self.path != f"/2010-04-01/Accounts/{ACCOUNT_SID}/Messages.json":
                    return self.answer(404, {"code": 20404, "message": "not found"})
                if self.headers.get("Authorization") != expected:
                    return self.answer(401, {"code": 20003, "message": "Authenticate"})
                if not all(form.get(name) for name in ("To", "From", "Body")):
                    return self.answer(400, {"code": 21604, "message": "A field is missing"})
                status = stub.answers.pop(0) if stub.answers else 201
                if status == 201:
                    return self.answer(201, {"sid": f"SM{len(stub.received):032d}"})
                # Twilio's messages quote the number; our records must not.
                return self.answer(status, {"code": 21211, "message": f"{form['To'][0]} bad"})

            def answer(self, status, payload):
                body = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def sent(self) -> list[dict]:
        return [r["form"] for r in self.received]
