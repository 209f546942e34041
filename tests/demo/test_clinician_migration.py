"""The migrations that made one clinician of Dr. Walker's profile page and her booking
provider (allure 0005, procedures 0009–0010, bookings 0012–0013), run on a database holding
the demo content as it was before them.

The fixture is that database, built by the code of commit 6c7d2d2 (the last before them):

    git worktree add /tmp/old 6c7d2d2 && cd /tmp/old
    DATABASE_URL=sqlite:////tmp/old.sqlite3 DJANGO_SETTINGS_MODULE=allure.settings.dev \\
        python manage.py migrate && \\
        DATABASE_URL=sqlite:////tmp/old.sqlite3 DJANGO_SETTINGS_MODULE=allure.settings.dev \\
        python manage.py load_demo_content
    gzip -9 -c /tmp/old.sqlite3 > tests/demo/fixtures/demo-at-6c7d2d2.sqlite3.gz

Every expectation below is read from the old rows, not written out by hand."""

import gzip
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

FIXTURE = Path(__file__).parent / "fixtures" / "demo-at-6c7d2d2.sqlite3.gz"


def rows(db, sql, *args):
    with sqlite3.connect(db) as connection:
        connection.row_factory = sqlite3.Row
        return [dict(row) for row in connection.execute(sql, args)]


def manage(db, *args, **env):
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "allure.settings.test",
        "DATABASE_URL": f"sqlite:///{db}",
        **env,
    }
    environment.pop("REDIS_URL", None)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    ).stdout


@pytest.fixture(scope="module")
def databases(tmp_path_factory):
    """(the old rows, the path of the same database migrated to today)."""
    db = tmp_path_factory.mktemp("migration") / "demo.sqlite3"
    with gzip.open(FIXTURE) as source, open(db, "wb") as target:
        shutil.copyfileobj(source, target)
    old = {
        "providers": rows(db, "SELECT * FROM bookings_provider ORDER BY id"),
        "provider_procedures": rows(db, "SELECT * FROM bookings_provider_procedures"),
        "doctors": rows(
            db,
            "SELECT d.*, p.title FROM allure_doctorpage d "
            "JOIN wagtailcore_page p ON p.id = d.page_ptr_id",
        ),
        "procedures": rows(
            db, "SELECT page_ptr_id, doctor_id, medical_reviewer_id FROM procedures_procedurepage"
        ),
        "requests": rows(
            db, "SELECT id, provider_id, slot_start FROM bookings_consultationrequest"
        ),
        "hours": rows(db, "SELECT * FROM bookings_providerhours ORDER BY id"),
    }
    assert old["providers"] and old["doctors"] and old["requests"]  # the demo, as it was
    manage(db, "migrate", "--no-input", "-v", "0")
    return old, db


def test_every_provider_becomes_one_clinician_and_keeps_its_diary(databases):
    old, db = databases
    new = {p["id"]: p for p in rows(db, "SELECT * FROM bookings_provider")}
    clinicians = {c["id"]: c for c in rows(db, "SELECT * FROM procedures_clinician")}
    assert set(new) == {p["id"] for p in old["providers"]}  # ids kept: bookings, feed addresses
    assert len(clinicians) == len(old["providers"])  # the doctor's page joined her provider
    for before in old["providers"]:
        clinician = clinicians[new[before["id"]]["clinician_id"]]
        assert clinician["name"] == before["name"]
        assert clinician["bookable"] == before["active"]
        assert clinician["sort_order"] == before["sort_order"]
        assert clinician["profile_page_id"] == before["bio_page_id"]
        assert new[before["id"]]["calendar_feed_token"] == before["calendar_feed_token"]
        if before["bio_page_id"] is None:  # letters and role read from the old "title"
            assert (
                f"{clinician['letters']}, {clinician['role']}".lower().endswith(
                    before["title"].lower()
                )
                or clinician["role"] == before["title"]
            )
    assert rows(db, "SELECT * FROM bookings_providerhours ORDER BY id") == old["hours"]
    assert (
        rows(db, "SELECT id, provider_id, slot_start FROM bookings_consultationrequest")
        == (old["requests"])
    )


def test_the_doctor_keeps_her_letters_role_photo_and_summary_in_one_place(databases):
    old, db = databases
    for doctor in old["doctors"]:
        (clinician,) = rows(
            db,
            "SELECT * FROM procedures_clinician WHERE profile_page_id = ?",
            doctor["page_ptr_id"],
        )
        assert clinician["name"] == doctor["title"]
        assert clinician["letters"] == doctor["post_nominals"]
        assert clinician["role"] == doctor["job_title"]
        assert clinician["bio"] == doctor["summary"]
        assert clinician["photo_id"] == doctor["photo_id"]
    columns = {c["name"] for c in rows(db, "PRAGMA table_info(allure_doctorpage)")}
    assert not columns & {"post_nominals", "job_title", "photo_id", "summary"}


def test_procedure_pages_name_the_same_doctor_and_reviewer_and_she_performs_them(databases):
    old, db = databases
    clinician_of_page = {
        c["profile_page_id"]: c["id"] for c in rows(db, "SELECT * FROM procedures_clinician")
    }
    diary = {p["id"]: p["clinician_id"] for p in rows(db, "SELECT * FROM bookings_provider")}
    performs = {
        (r["clinician_id"], r["procedurepage_id"])
        for r in rows(db, "SELECT * FROM procedures_clinician_procedures")
    }
    new = {
        p["page_ptr_id"]: p
        for p in rows(
            db, "SELECT page_ptr_id, doctor_id, medical_reviewer_id FROM procedures_procedurepage"
        )
    }
    for before in old["procedures"]:
        after = new[before["page_ptr_id"]]
        assert after["doctor_id"] == clinician_of_page.get(before["doctor_id"])
        assert after["medical_reviewer_id"] == clinician_of_page.get(before["medical_reviewer_id"])
        if before["doctor_id"]:
            assert (after["doctor_id"], before["page_ptr_id"]) in performs
    for link in old["provider_procedures"]:
        assert (diary[link["provider_id"]], link["procedurepage_id"]) in performs


def test_the_migrated_pages_still_name_the_doctor_with_her_letters(databases):
    old, db = databases
    doctor = old["doctors"][0]
    out = manage(
        db,
        "shell",
        "-c",
        "from django.test import Client; c = Client(); "
        "print(c.get('/dr-walker/').content.decode()); "
        "print(c.get('/procedures/skin-resurfacing/').content.decode())",
    )
    letters = f"{doctor['title']}, {doctor['post_nominals']}"
    assert f"<h1>{letters}</h1>" in out
    assert f'<p class="eyebrow">{doctor["job_title"]}</p>' in out
    assert f'Medically reviewed by <a href="/dr-walker/">{letters}</a>' in out
