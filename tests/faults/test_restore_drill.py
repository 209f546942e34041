"""The restore drill: a site with the demo, a new booking, a consent with its scanned form
and a photo pair is backed up (`manage.py backup`, encrypted with age when it is installed);
its database and both file folders are then lost; `manage.py restore` brings every request,
consent, scan, photo and page back, and the site serves them as before. Runs on SQLite, and
on PostgreSQL when DATABASE_URL names one (CI)."""

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from scripts.prodserver import (
    PYTHON,
    ROOT,
    fresh_database,
    prepare,
    production_env,
    scratch_database,
)

IN_CI = os.environ.get("CI", "").lower() == "true"
HAS_AGE = shutil.which("age") is not None and shutil.which("age-keygen") is not None

# What a clinic's day adds: a request by phone, a consent with its scanned form, a pair.
MAKE = """
import datetime as dt, io, uuid
from django.core.files.base import ContentFile
from django.core.files.images import ImageFile
from PIL import Image as Picture
from wagtail.images.models import Image
from bookings.booking import services
from bookings.schedule.slots import Slot
from procedures.gallery import ConsentRecord, ResultPair
from procedures.models import ProcedurePage

def photo(title, colour):
    data = io.BytesIO()
    Picture.new("RGB", (600, 400), colour).save(data, "JPEG")
    image = Image(title=title)
    image.file = ImageFile(io.BytesIO(data.getvalue()), name=f"{title}.jpg")
    image.save()
    return image

peel = ProcedurePage.objects.get(slug="chemical-peel")
services.consultation_request_create(patient_request=services.PatientRequest(
    full_name="Dana Drill", email="dana.drill@example.com", phone="601-555-0142",
    contact_method="phone", procedures=(peel,), slot=Slot(None), message="Evenings best.",
    consent=True, submission_token=uuid.uuid4(),
))
consent = ConsentRecord(booking_reference="AL-DRILL", allows_website=True,
                        given_on=dt.date(2026, 11, 2))
consent.scanned_form.save("AL-DRILL.pdf", ContentFile(b"%PDF-1.4 drill scan"), save=False)
consent.save()
ResultPair.objects.create(
    procedure=peel, consent=consent, before_image=photo("drill-before", "#a86"),
    after_image=photo("drill-after", "#dba"), before_alt="Drill cheek before",
    after_alt="Drill cheek after", treated_by="Dr. Walker, M.D.", time_after=6,
    is_published=True,
)
"""

# Everything a restore must bring back, read through the site and from the disk.
FINGERPRINT = """
import hashlib, json
from pathlib import Path
from django.conf import settings
from django.test import Client
from wagtail.models import Page
from bookings.models import ConsultationRequest
from procedures.gallery import ConsentRecord, ResultPair

client = Client()
pages = {}
for page in Page.objects.live().filter(depth__gt=1).order_by("path"):
    answer = client.get(page.url)
    pages[page.url] = [answer.status_code, "Drill cheek after" in answer.content.decode()]

def files(root):
    root = Path(root)
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}

print("FINGERPRINT", json.dumps({
    "requests": sorted(ConsultationRequest.objects.values_list("reference", "full_name", "status")),
    "consents": sorted(ConsentRecord.objects.values_list("booking_reference", "scanned_form")),
    "pairs": sorted(ResultPair.objects.values_list("before_alt", "before_image__file")),
    "pages": pages,
    "media": files(settings.MEDIA_ROOT),
    "private": files(settings.PRIVATE_MEDIA_ROOT),
}, default=str))
"""


def manage(env, *args, check=True):
    done = subprocess.run(
        [PYTHON, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert not check or done.returncode == 0, f"manage.py {args[0]}: {done.stderr[-2000:]}"
    return done


def fingerprint(env) -> dict:
    said = manage(env, "shell", "-c", FINGERPRINT).stdout
    return json.loads(said.split("FINGERPRINT ", 1)[1])


def lose_everything(env) -> None:
    url = env["DATABASE_URL"]
    if url.startswith("postgres"):
        fresh_database(url)  # dropped, and an empty one made in its place
    else:
        Path(url.removeprefix("sqlite:///")).unlink()
    shutil.rmtree(env["MEDIA_ROOT"])
    shutil.rmtree(env["PRIVATE_MEDIA_ROOT"])


@pytest.fixture
def drill_site(tmp_path):
    env = production_env(
        scratch_database("allure_restore_drill"),
        MEDIA_ROOT=str(tmp_path / "media"),
        PRIVATE_MEDIA_ROOT=str(tmp_path / "private"),
        BACKUP_DIR=str(tmp_path / "backups"),
    )
    if HAS_AGE:
        key = tmp_path / "age-key.txt"
        made = subprocess.run(["age-keygen", "-o", str(key)], capture_output=True, text=True)
        env["BACKUP_AGE_RECIPIENT"] = made.stderr.split("Public key: ")[1].strip()
        env["BACKUP_AGE_IDENTITY"] = str(key)
    elif IN_CI:
        pytest.fail("age is required under CI (.ci/run installs it)")
    prepare(env)
    manage(env, "shell", "-c", MAKE)
    return env


def test_a_lost_site_is_restored_from_its_backup(drill_site, fault_report):
    env = drill_site
    fingerprint(env)  # a first visit makes the photos' resized copies: they are content too
    before = fingerprint(env)
    assert [r[1] for r in before["requests"] if r[1] == "Dana Drill"] == ["Dana Drill"]
    assert any(c[0] == "AL-DRILL" for c in before["consents"])
    assert any(p[0] == "Drill cheek before" for p in before["pairs"])
    assert before["pages"]["/procedures/chemical-peel/"] == [200, True]
    assert any(name.endswith("AL-DRILL.pdf") for name in before["private"])

    archive = Path(manage(env, "backup").stdout.strip())
    assert archive.name.endswith(".tar.gz.age" if HAS_AGE else ".tar.gz")
    assert archive.with_name(archive.name + ".sha256").exists()
    if HAS_AGE:  # encrypted: no patient's name or scan readable in the file
        assert b"Dana Drill" not in archive.read_bytes()
        assert b"drill scan" not in archive.read_bytes()

    lose_everything(env)
    restored = manage(env, "restore", str(archive))
    assert "Restored the backup made" in restored.stdout
    assert "everyone, staff included, must sign in again" in restored.stdout

    assert fingerprint(env) == before

    # A restore never overwrites a site that holds anything, unless told to.
    again = manage(env, "restore", str(archive), check=False)
    assert again.returncode != 0
    assert "the database is not empty" in again.stderr
    damaged = archive.with_name("allure-damaged.tar.gz" + (".age" if HAS_AGE else ""))
    damaged.write_bytes(archive.read_bytes()[:-10] + b"0123456789")
    shutil.copy(archive.with_name(archive.name + ".sha256"), f"{damaged}.sha256")
    refused = manage(env, "restore", "--replace", str(damaged), check=False)
    assert "does not match its checksum" in refused.stderr
    assert fingerprint(env) == before  # nothing was touched by the refused restores

    engine = "PostgreSQL" if env["DATABASE_URL"].startswith("postgres") else "SQLite"
    fault_report(
        fault=f"database and uploads lost ({engine}), restored from backup",
        patient=f"every page back, {len(before['pages'])} pages as before",
        staff=f"{len(before['requests'])} requests, {len(before['consents'])} consents with "
        "their scans, every photo",
        lost="what was written after the backup (run nightly: at most a day)",
        recovery="`make restore ARCHIVE=…` into an empty database and folders"
        + (", archive encrypted with age" if HAS_AGE else ""),
    )
