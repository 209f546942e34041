"""Peak memory of turning one patient photo into the stored JPEG (issue 28), before and after.

Each measurement runs in a fresh process: the peak resident size (`VmHWM) once Django is
set up and the upload's bytes are read, then again after `as_clean_jpeg`; the difference is
what one upload adds to a gunicorn worker at most. "before" is the function as it was at a
given commit (default f2a2ce5, before issue 28), "after" the one in this tree.

    .venv/bin/python scripts/photo_upload_memory.py            # all photos, before and after
    .venv/bin/python scripts/photo_upload_memory.py --before-commit <sha>
    DATABASE_URL=postgres://allure:allure@127.0.0.1:5432/allure \
        .venv/bin/python scripts/photo_upload_memory.py --gunicorn 4   # see below

With `--gunicorn N`: gunicorn with production settings and 4 workers (as
deploy/systemd/allure-web.service), N uploads of the 7000×7000 JPEG sent at the same moment
straight to it (no nginx, so no limit_conn: every worker may decode at once, the worst
case), and each worker's peak resident size (VmHWM) before and after.

The photos are the largest the upload accepts: a 7000×7000 JPEG (49 MP, under the 50 MP cap,
under 10 MB), a 50 MP PNG and a 50 MP HEIC."""

import argparse
import json
import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PHOTOS = {"jpeg-7000x7000": (7000, 7000, "JPEG"), "png-50mp": (8660, 5770, "PNG")}
PHOTOS["heic-50mp"] = (8660, 5770, "HEIF")


def make_photo(kind: str, path: Path) -> None:
    from PIL import Image

    width, height, fmt = PHOTOS[kind]
    # A smooth gradient with a little texture: compresses like a photo, not like a blank.
    image = Image.linear_gradient("L").resize((width, height)).convert("RGB")
    noise = Image.effect_noise((width, height), 24).convert("RGB")
    image = Image.blend(image, noise, 0.25)
    if fmt == "HEIF":
        import pillow_heif

        pillow_heif.from_pillow(image).save(str(path), quality=80)
    else:
        image.save(path, fmt, **({"quality": 85} if fmt == "JPEG" else {}))


def peak_mb() -> float:
    """This process's peak resident size so far (VmHWM, Linux). Not `ru_maxrss`: Linux keeps
    that across fork and exec, so a child would report its parent's peak."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmHWM: Linux only")


def old_function(commit: str):
    """`as_clean_jpeg` as it stood at `commit`, run with the same imports."""
    # Where the module is now, else where it was before bookings/ had sub-packages.
    for path in ("bookings/manage/patient_photos.py", "bookings/patient_photos.py"):
        shown = subprocess.run(
            ["git", "show", f"{commit}:{path}"], cwd=ROOT, capture_output=True, text=True
        )
        if shown.returncode == 0:
            break
    shown.check_returncode()
    source = shown.stdout
    body = re.search(r"^def as_clean_jpeg.*?(?=^def |\Z)", source, re.S | re.M).group(0)
    from bookings.manage import patient_photos

    namespace = dict(vars(patient_photos))
    exec(body, namespace)  # noqa: S102 - our own file from git, for the comparison only
    return namespace["as_clean_jpeg"]


def child(path: str, version: str, commit: str) -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "allure.settings.test")
    import django

    django.setup()
    from bookings.manage import patient_photos

    function = old_function(commit) if version == "before" else patient_photos.as_clean_jpeg
    data = Path(path).read_bytes()
    base = peak_mb()
    out, size = function(data)
    print(json.dumps({"base_mb": base, "peak_mb": peak_mb(), "out_size": size}))


def measure(path: Path, version: str, commit: str) -> dict:
    result = subprocess.run(
        [sys.executable, __file__, "--child", str(path), version, commit],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


MAKE_REQUEST = """
import uuid
from bookings.booking import services
from bookings.messages import links
from bookings.models import ConsultationRequest, ConsultationType
from bookings.schedule.slots import Slot
from procedures.models import ProcedurePage
kind = ConsultationType.objects.filter(accepts_photos=True).first()
made, _ = services.consultation_request_create(patient_request=services.PatientRequest(
    full_name="Memory Test", email="memory@example.com", phone="+16015559999",
    contact_method="phone", procedures=(ProcedurePage.objects.live().first(),),
    slot=Slot(), message="", consent=True, submission_token=uuid.uuid4()))
ConsultationRequest.objects.filter(pk=made.pk).update(consultation_type=kind)
print(links.manage_token(ConsultationRequest.objects.get(pk=made.pk)))
"""


def worker_peaks(server) -> dict[int, float]:
    pid = server.process.pid
    children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    peaks = {}
    for child_pid in children:
        for line in Path(f"/proc/{child_pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                peaks[int(child_pid)] = int(line.split()[1]) / 1024
    return peaks


def post_photo(url: str, photo: bytes) -> int:
    import urllib.error
    import urllib.request

    boundary = "photo-memory-boundary"
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="clinical_use"\r\n\r\non\r\n'
            f'--{boundary}\r\nContent-Disposition: form-data; name="photos"; '
            f'filename="big.jpg"\r\nContent-Type: image/jpeg\r\n\r\n'
        ).encode()
        + photo
        + f"\r\n--{boundary}--\r\n".encode()
    )
    request = urllib.request.Request(  # noqa: S310 (loopback)
        url, data=body, headers={"Content-Type": f"multipart/form-data; boundary={boundary}"}
    )
    try:
        with urllib.request.urlopen(request, timeout=120) as response:  # noqa: S310
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def through_gunicorn(uploads: int, folder: Path) -> None:
    import threading

    from scripts.prodserver import gunicorn, prepare, production_env, scratch_database

    path = folder / "jpeg-7000x7000.jpeg"
    if not path.exists():
        make_photo("jpeg-7000x7000", path)
    photo = path.read_bytes()
    database = scratch_database("allure_photo_memory")
    env = production_env(database)  # one secret key for the server and the link below
    prepare(env)
    with gunicorn(env, workers=4) as server:
        token = (
            subprocess.run(
                [sys.executable, "manage.py", "shell", "-c", MAKE_REQUEST],
                cwd=ROOT,
                env=env,
                capture_output=True,
                text=True,
                check=True,
            )
            .stdout.strip()
            .splitlines()[-1]
        )
        url = f"{server.url}/consultation/manage/{token}/photos/"
        for _ in range(8):  # every worker has served a page: its resting size
            urllib_get(f"{server.url}/consultation/manage/{token}/")
        before = worker_peaks(server)
        statuses = []
        threads = [
            threading.Thread(target=lambda: statuses.append(post_photo(url, photo)))
            for _ in range(uploads)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        after = worker_peaks(server)
    print(f"{uploads} uploads of {path.name} ({len(photo) / 1e6:.1f} MB) at once: {statuses}")
    print(f"{'worker':>8} {'peak before MB':>15} {'peak after MB':>14}")
    for pid in sorted(after):
        print(f"{pid:>8} {before.get(pid, 0):15.0f} {after[pid]:14.0f}")
    print(f"all workers together, peak after: {sum(after.values()):.0f} MB")


def urllib_get(url: str) -> None:
    import urllib.request

    with urllib.request.urlopen(url, timeout=60) as response:  # noqa: S310 (loopback)
        response.read()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    parser.add_argument("--before-commit", default="f2a2ce5")
    parser.add_argument("--photos", nargs="*", default=list(PHOTOS))
    parser.add_argument("--gunicorn", type=int, metavar="UPLOADS", help="see above")
    parser.add_argument("--folder", default=str(ROOT / "var" / "photo-memory"))
    args = parser.parse_args()
    if args.child:
        child(*args.child)
        return
    folder = Path(args.folder)
    folder.mkdir(parents=True, exist_ok=True)
    if args.gunicorn:
        sys.path.insert(0, str(ROOT))
        through_gunicorn(args.gunicorn, folder)
        return
    print(f"{'photo':18} {'file MB':>8} {'version':8} {'added MB':>9} {'peak MB':>8}")
    for kind in args.photos:
        path = folder / f"{kind}.{PHOTOS[kind][2].lower()}"
        if not path.exists():
            make_photo(kind, path)
        for version in ("before", "after"):
            result = measure(path, version, args.before_commit)
            added = result["peak_mb"] - result["base_mb"]
            size_mb = path.stat().st_size / 1e6
            print(
                f"{kind:18} {size_mb:8.1f} {version:8} {added:9.0f} {result['peak_mb']:8.0f}",
                flush=True,
            )


if __name__ == "__main__":
    main()
