"""The shipped nginx config (deploy/nginx/allure.conf) run by the real nginx in front of real
gunicorn with production settings, over TLS with a certificate the test makes: the redirect
to HTTPS, the headers, what is never served, the client's real address reaching the rate
limit when the client forges X-Forwarded-For, and a request over the size limit answered by
the site's own page, and an access log without the secrets of links."""

import http.client
import os
import re
import shutil
import socket
import ssl
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from scripts.prodserver import ROOT, free_port, gunicorn, prepare, production_env, scratch_database

IN_CI = os.environ.get("CI", "").lower() == "true"
HOST = "localhost"

pytestmark = pytest.mark.skipif(
    not IN_CI and not (shutil.which("nginx") and shutil.which("openssl")),
    reason="nginx or openssl not found: `apt-get install nginx openssl` (CI installs them)",
)


def site_config(app_port: int, http_port: int, https_port: int, folders: dict) -> str:
    """deploy/nginx/allure.conf with this machine's ports and folders: nothing else changed."""
    conf = (ROOT / "deploy" / "nginx" / "allure.conf").read_text()
    conf = conf.replace("server 127.0.0.1:8000;", f"server 127.0.0.1:{app_port};")
    conf = re.sub(r"\n\s*listen \[::\]:\d+[^;]*;", "", conf)
    conf = conf.replace("listen 80;", f"listen 127.0.0.1:{http_port};")
    conf = conf.replace("listen 443 ssl", f"listen 127.0.0.1:{https_port} ssl")
    conf = conf.replace("server_name clinic.example;", f"server_name {HOST};")
    for shipped, here in folders.items():
        conf = conf.replace(shipped, here)
    return conf


def self_signed_certificate(folder: Path) -> None:
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2"]
        + ["-keyout", str(folder / "privkey.pem"), "-out", str(folder / "fullchain.pem")]
        + ["-subj", f"/CN={HOST}", "-addext", f"subjectAltName=DNS:{HOST}"],
        check=True,
        capture_output=True,
    )


def wait_for_port(port: int, seconds: float = 20) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"nothing listens on {port}")


class Front:
    def __init__(self, http_port, https_port, certificate, media, env=None, access_log=None):
        self.http_port, self.https_port, self.media = http_port, https_port, media
        self.env, self.access_log = env, access_log  # the app's environment, nginx's log
        self.tls = ssl.create_default_context(cafile=str(certificate))  # verified, not skipped

    def request(self, method, path, body=None, headers=None, tls=True):
        if tls:
            connection = http.client.HTTPSConnection(
                HOST, self.https_port, context=self.tls, timeout=20
            )
        else:
            connection = http.client.HTTPConnection("127.0.0.1", self.http_port, timeout=20)
        connection.request(method, path, body=body, headers={"Host": HOST, **(headers or {})})
        response = connection.getresponse()
        text = response.read().decode(errors="replace")
        connection.close()
        return response, text


@pytest.fixture(scope="module")
def front():
    scratch = Path(tempfile.mkdtemp(prefix="allure-nginx-"))
    media, certificates = scratch / "media", scratch / "ssl"
    for folder in (media, certificates, scratch / "acme"):
        folder.mkdir()
    self_signed_certificate(certificates)
    env = production_env(
        scratch_database("allure_nginx_test"),
        MEDIA_ROOT=str(media),
        SERVE_MEDIA="false",  # nginx serves the photos
        # nginx sends plain HTTP to HTTPS (tested below); gunicorn is also asked directly,
        # on loopback, whether it is up.
        SECURE_SSL_REDIRECT="false",
        BOOKING_CLIENT_IP_HEADER="HTTP_X_FORWARDED_FOR",
        BOOKING_TRUSTED_PROXIES="1",
        ALLOWED_HOSTS=f"{HOST},127.0.0.1",
    )
    prepare(env)
    with gunicorn(env, workers=1) as app:  # one process: the rate limit's count in its memory
        http_port, https_port = free_port(), free_port()
        conf = site_config(
            int(app.url.rsplit(":", 1)[1]),
            http_port,
            https_port,
            {
                "/srv/allure/staticfiles/": env["STATIC_ROOT"] + "/",
                "/srv/allure/media/": f"{media}/",
                "/srv/allure/var/acme": str(scratch / "acme"),
                "/etc/ssl/allure/": f"{certificates}/",
                "/var/log/nginx/": f"{scratch}/",
            },
        )
        (scratch / "allure.conf").write_text(conf)
        temp_paths = "".join(
            f"{kind}_temp_path {scratch}/{kind};\n"
            for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
        )
        (scratch / "nginx.conf").write_text(
            ("user root;\n" if os.geteuid() == 0 else "")
            + f"worker_processes 1;\npid {scratch}/nginx.pid;\nerror_log {scratch}/error.log;\n"
            + "events {}\nhttp {\n include /etc/nginx/mime.types;\n access_log off;\n"
            + temp_paths
            + f" include {scratch}/allure.conf;\n}}\n"
        )
        nginx = ["nginx", "-p", str(scratch), "-c", str(scratch / "nginx.conf")]
        checked = subprocess.run([*nginx, "-t"], capture_output=True, text=True, check=False)
        assert checked.returncode == 0, checked.stderr
        server = subprocess.Popen([*nginx, "-g", "daemon off;"])
        try:
            wait_for_port(https_port)
            yield Front(
                http_port,
                https_port,
                certificates / "fullchain.pem",
                media,
                env=env,
                access_log=scratch / "allure.access.log",
            )
        finally:
            server.terminate()
            server.wait(timeout=20)
    shutil.rmtree(scratch, ignore_errors=True)


def test_the_shipped_config_passes_nginxs_own_check(front):
    # The fixture ran `nginx -t` on it; the site answers through it over verified TLS.
    response, html = front.request("GET", "/")
    assert response.status == 200
    assert "Allure" in html


def test_plain_http_is_sent_to_https(front):
    response, _ = front.request("GET", "/procedures/?x=1", tls=False)
    assert response.status == 301
    assert response.getheader("Location") == f"https://{HOST}/procedures/?x=1"


def test_pages_come_over_https_with_strict_transport_security(front):
    response, _ = front.request("GET", "/procedures/skin-resurfacing/")
    assert response.status == 200
    assert "max-age=31536000" in response.getheader("Strict-Transport-Security")


def test_static_files_are_kept_a_year(front):
    css = next((Path(production_env("sqlite://")["STATIC_ROOT"]) / "css").glob("*.*.css"))
    response, _ = front.request("GET", f"/static/css/{css.name}")
    assert response.status == 200
    assert response.getheader("Cache-Control") == "public, max-age=31536000, immutable"


def test_uploaded_documents_are_never_served_from_media(front):
    documents = front.media / "documents"
    documents.mkdir(exist_ok=True)
    (documents / "x.pdf").write_bytes(b"%PDF-1.4 a consent form")
    response, text = front.request("GET", "/media/documents/x.pdf")
    assert response.status == 404
    assert "consent form" not in text


def test_a_photo_is_served_inert(front):
    images = front.media / "images"
    images.mkdir(exist_ok=True)
    (images / "cheek.png").write_bytes(b"\x89PNG\r\n\x1a\n not really")
    (images / "page.html").write_text("<script>alert(1)</script>")
    response, _ = front.request("GET", "/media/images/cheek.png")
    assert response.status == 200
    assert response.getheader("Content-Security-Policy") == "default-src 'none'; sandbox"
    assert response.getheader("X-Content-Type-Options") == "nosniff"
    # A gallery photo can be withdrawn (its consent ends): no shared cache keeps it a day.
    assert response.getheader("Cache-Control") == "public, max-age=300"
    assert front.request("GET", "/media/images/page.html")[0].status == 404


def test_a_forged_forwarded_for_does_not_escape_the_rate_limit(front):
    response, html = front.request("GET", "/consultation/")
    cookie = response.getheader("Set-Cookie").split(";")[0]
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    answers = []
    for n in range(11):  # the limit is 10 posts an hour from one address
        response, html = front.request(
            "POST",
            "/consultation/",
            body=f"csrfmiddlewaretoken={token}",
            headers={
                "Cookie": cookie,
                "Referer": f"https://{HOST}/consultation/",
                "Content-Type": "application/x-www-form-urlencoded",
                # A new made-up address each time: nginx appends the real one, the app
                # believes only that.
                "X-Forwarded-For": f"203.0.113.{n + 1}",
            },
        )
        answers.append((response.status, "several requests from your connection" in html))
    # Ten form posts answered (the form's own errors), the eleventh refused with the message.
    assert answers == [(200, False)] * 10 + [(429, True)]


def test_a_request_over_the_size_limit_gets_the_sites_own_page(front):
    # 20 MB announced: nginx answers from the headers alone, before any of the body is sent.
    raw = socket.create_connection(("127.0.0.1", front.https_port), timeout=20)
    with front.tls.wrap_socket(raw, server_hostname=HOST) as tls:
        tls.sendall(
            (
                "POST /consultation/ HTTP/1.1\r\n"
                f"Host: {HOST}\r\nContent-Type: application/octet-stream\r\n"
                f"Content-Length: {20 * 1024 * 1024}\r\nConnection: close\r\n\r\n"
            ).encode()
        )
        answer = b""
        while chunk := tls.recv(65536):
            answer += chunk
    head, _, body = answer.decode(errors="replace").partition("\r\n\r\n")
    assert head.startswith("HTTP/1.1 413")
    assert "That was too large to send" in body
    assert "Book a consultation" in body  # the site's page, with its header, not nginx's


def post_announcing(front, path: str, size: int, *, send_body: bool) -> tuple[str, str]:
    """A POST of `size` bytes to `path`; the body is sent only with `send_body`."""
    raw = socket.create_connection(("127.0.0.1", front.https_port), timeout=60)
    with front.tls.wrap_socket(raw, server_hostname=HOST) as tls:
        tls.sendall(
            (
                f"POST {path} HTTP/1.1\r\n"
                f"Host: {HOST}\r\nContent-Type: application/octet-stream\r\n"
                f"Content-Length: {size}\r\nConnection: close\r\n\r\n"
            ).encode()
        )
        if send_body:
            chunk = b"\0" * 65536
            for _ in range(size // len(chunk)):
                tls.sendall(chunk)
        answer = b""
        while data := tls.recv(65536):
            answer += data
    head, _, body = answer.decode(errors="replace").partition("\r\n\r\n")
    return head, body


def test_the_photo_upload_alone_takes_six_phone_photos_in_one_post(front):
    # 20 MB passes nginx on the photo upload's address and reaches the app, which refuses the
    # made-up link with its own page (400); having answered without reading the whole body,
    # gunicorn may close the connection while nginx still sends it, which nginx reports as
    # 502. Either way it is not nginx's 413: 70 MB is over even that address's limit.
    head, body = post_announcing(
        front, "/consultation/manage/made-up/photos/", 20 * 1024 * 1024, send_body=True
    )
    assert head.split()[1] in {"400", "502"}, head
    head, body = post_announcing(
        front, "/consultation/manage/made-up/photos/", 70 * 1024 * 1024, send_body=False
    )
    assert head.startswith("HTTP/1.1 413")
    assert "That was too large to send" in body


# A request the app makes for the test, and the patient's manage link to it (signed with this
# server's SECRET_KEY, as the emails are).
MAKE_REQUEST = """
import uuid
from bookings.messages import links
from bookings.booking import services
from bookings.schedule.slots import Slot
from procedures.models import ProcedurePage
consultation, _ = services.consultation_request_create(patient_request=services.PatientRequest(
    full_name="Lee Log", email="lee.log@example.com", phone="601-555-0177",
    contact_method="phone", procedures=(ProcedurePage.objects.live().first(),),
    slot=Slot(), message="", consent=True, submission_token=uuid.uuid4(),
))
print("TOKEN", links.manage_token(consultation))
"""


def test_the_access_log_keeps_the_visit_but_not_the_secret_in_a_link(front):
    made = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", MAKE_REQUEST],
        cwd=ROOT,
        env=front.env,
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    token = made.stdout.split("TOKEN ", 1)[1].split()[0]
    secrets_visited = {
        token: f"/consultation/manage/{token}/?done=rescheduled",
        # Waitlist and calendar links: their secrets need not be valid to be kept out.
        "offer-secret-4f1c9a": "/consultation/waitlist/offer/offer-secret-4f1c9a/",
        "leave-secret-77b2e0": "/consultation/waitlist/leave/leave-secret-77b2e0/",
        "feed-secret-c0ffee": "/calendar/feed-secret-c0ffee.ics",
        "feed-secret-5eed": "/calendar/feed-secret-5eed.ics?refresh=1",
        # The same link, oddly encoded: the app routes it, so the log must hide it too.
        "encoded-secret-9d": "/consultation/%6Danage/encoded-secret-9d/",
    }
    before = front.access_log.read_text() if front.access_log.exists() else ""
    answers = {path: front.request("GET", path)[0].status for path in secrets_visited.values()}
    assert answers[f"/consultation/manage/{token}/?done=rescheduled"] == 200  # a real visit
    front.request("GET", f"/consultation/manage/{token}/", tls=False)  # the http:// redirect

    # nginx writes a request's line once its answer is sent: the last may lag the answer.
    expected = len(secrets_visited) + 1
    deadline = time.monotonic() + 10
    while True:
        logged = front.access_log.read_text()[len(before) :]
        if len(logged.splitlines()) >= expected or time.monotonic() > deadline:
            break
        time.sleep(0.05)
    for secret in secrets_visited:
        assert secret not in logged
    lines = logged.splitlines()
    # Every visit is still there, with its status and query string, the secret replaced.
    assert (
        sum(
            '"GET /consultation/manage/[secret]/?done=rescheduled HTTP/1.1" 200' in line
            for line in lines
        )
        == 1
    )
    assert sum("/consultation/waitlist/offer/[secret]/" in line for line in lines) == 1
    assert sum("/consultation/waitlist/leave/[secret]/" in line for line in lines) == 1
    assert sum('"GET /calendar/[secret].ics HTTP/1.1"' in line for line in lines) == 1
    assert sum('"GET /calendar/[secret].ics?refresh=1 HTTP/1.1"' in line for line in lines) == 1
    assert sum('"GET /consultation/manage/[secret]/ HTTP/1.1" 301' in line for line in lines) == 1
    assert len(lines) == expected


def start_upload(front, path: str, size: int):
    """A photo upload under way: headers sent, the body only begun (a phone on a slow line)."""
    raw = socket.create_connection(("127.0.0.1", front.https_port), timeout=30)
    tls = front.tls.wrap_socket(raw, server_hostname=HOST)
    tls.sendall(
        (
            f"POST {path} HTTP/1.1\r\n"
            f"Host: {HOST}\r\nContent-Type: application/octet-stream\r\n"
            f"Content-Length: {size}\r\nConnection: close\r\n\r\n"
        ).encode()
        + b"\0" * 1024
    )
    return tls


def test_only_two_photo_uploads_at_once_reach_the_site_a_third_is_asked_to_wait(front):
    """Each upload being decoded can add a few hundred MB to a worker (issue 28): nginx lets
    two through at a time for the whole site, whatever the number of workers."""
    path = "/consultation/manage/made-up/photos/"
    under_way = [start_upload(front, path, 5 * 1024 * 1024) for _ in range(2)]
    try:
        deadline = time.monotonic() + 10
        while True:  # until nginx has read both uploads' headers
            head, body = post_announcing(front, path, 1024, send_body=True)
            if head.startswith("HTTP/1.1 429") or time.monotonic() > deadline:
                break
            time.sleep(0.1)
        assert head.startswith("HTTP/1.1 429"), head
        assert "Retry-After: 60" in head
        assert "wait a minute and send your photos again" in body
    finally:
        for tls in under_way:
            tls.close()
