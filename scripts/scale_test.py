"""`make scale-test`: the site on two app nodes, proving nothing assumes a single process.

Two gunicorn nodes (separate processes and ports, each with its own memory), one PostgreSQL,
one Redis (started here on a free port), two task workers on the same queue. Checks:
1. an edit committed elsewhere is on node B at once (no stale page cache, fragment or setting);
2. patients racing for one time across both nodes: exactly one holds it;
3. with two workers running, each email is sent exactly once;
4. the booking form's rate limit counts a client's posts on both nodes together.
Prints one line per check and exits non-zero if any fails.
"""

import argparse
import contextlib
import http.client
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from scripts.bench import booking_form, booking_post  # noqa: E402
from scripts.prodserver import (  # noqa: E402
    PYTHON,
    ROOT,
    free_port,
    gunicorn,
    prepare,
    production_env,
    scratch_database,
    task_worker,
)


@contextlib.contextmanager
def redis_server():
    port = free_port()
    process = subprocess.Popen(
        ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", ""],
        stdout=subprocess.DEVNULL,
    )
    try:
        for _ in range(50):
            with contextlib.suppress(OSError):
                http.client.HTTPConnection("127.0.0.1", port, timeout=1).connect()
                break
            time.sleep(0.1)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        process.terminate()
        process.wait(timeout=10)


def get(base: str, path: str) -> str:
    conn = http.client.HTTPConnection(urlsplit(base).netloc, timeout=30)
    conn.request("GET", path)
    return conn.getresponse().read().decode()


def shell(env: dict, code: str) -> str:
    return (
        subprocess.run(
            [PYTHON, "manage.py", "shell", "-c", code],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
        .stdout.strip()
        .splitlines()[-1]
    )


def post(base: str, form: dict, slot: str, n: int, client_ip: str) -> int:
    return booking_post(urlsplit(base).netloc, form, slot, f"Scale Patient {n}", n, client_ip)[0]


def race(nodes: list[str], form: dict, slot: str, clients: int) -> list[int]:
    """`clients` patients post the same time at once, alternately to each node."""
    statuses, start = [], threading.Barrier(clients)

    def patient(n):
        start.wait()
        statuses.append(post(nodes[n % len(nodes)], form, slot, n, f"198.18.1.{n + 1}"))

    threads = [threading.Thread(target=patient, args=(n,)) for n in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return statuses


def sent_message_ids(mail_dir: Path) -> list[str]:
    return [
        found
        for path in mail_dir.glob("*.log")
        for found in re.findall(r"^Message-ID: (\S+)", path.read_text(), re.M)
    ]


def main() -> int:
    argparse.ArgumentParser(description=__doc__).parse_args()
    if not shutil.which("redis-server"):
        sys.exit("redis-server is missing: `apt-get install redis-server`.")
    mail_dir = Path(tempfile.mkdtemp(prefix="allure-scale-mail-"))
    results = []

    def check(name: str, ok: bool, detail: str) -> None:
        results.append(ok)
        print(f"{'PASS' if ok else 'FAIL'}  {name}: {detail}", flush=True)

    with redis_server() as redis_url:
        env = production_env(
            scratch_database("allure_scale"),
            REDIS_URL=redis_url,
            PAGE_CACHE_SECONDS="60",
            EMAIL_FILE_PATH=str(mail_dir),
            BOOKING_CLIENT_IP_HEADER="HTTP_X_REAL_IP",
            BOOKING_TRUSTED_PROXIES="1",
        )
        prepare(env)
        with gunicorn(env, workers=2) as node_a, gunicorn(env, workers=2) as node_b:
            nodes = [node_a.url, node_b.url]

            # 1. Both nodes have the contact page in the shared caches; an edit elsewhere.
            for node in nodes:
                get(node, "/contact/")
            shell(
                env,
                "from allure.base.models import ClinicSettings\n"
                "c = ClinicSettings.load(); c.phone = '(601) 555-0199'; c.save(); print('ok')",
            )
            seen = {node: "(601) 555-0199" in get(node, "/contact/") for node in nodes}
            check("edit shows on every node at once", all(seen.values()), f"{seen}")

            # 2. A race for one time across both nodes.
            form = booking_form(node_a.url)
            time.sleep(3.5)  # the form refuses posts faster than a person could type
            slot = form["slots"][0]
            statuses = race(nodes, form, slot, clients=12)
            holders = shell(
                env,
                "from bookings.models import ConsultationRequest as C\n"
                "held = C.objects.filter(full_name__startswith='Scale', slot_start__isnull=False)\n"
                "print(held.count())",
            )
            check(
                "one winner in a race across nodes",
                statuses.count(302) == 1 and holders == "1" and max(statuses) < 500,
                f"statuses {dict(sorted(Counter(statuses).items()))} (302 held it; 409 'just "
                f"taken'; 200 the form again, the time no longer offered); {holders} holds it",
            )

            # 4. The rate limit (10 posts an hour) is shared: one address, alternating nodes.
            limited = [post(nodes[n % 2], form, "call", 100 + n, "198.18.9.9") for n in range(12)]
            check(
                "rate limit shared by the nodes",
                limited[:10].count(429) == 0 and limited[10:] == [429, 429],
                f"statuses {limited}",
            )

            # 3. Two workers on one queue, started with every email still queued.
            # A new request's two emails are one task (its return value: one outcome each).
            email_tasks = (
                "from django_tasks_db.models import DBTaskResult as T\n"
                "tasks = T.objects.filter(task_path__in=['bookings.tasks.send_consultation_email',"
                " 'bookings.tasks.send_new_request_emails'])\n"
                "outcomes = [o for t in tasks for o in (t.return_value if "
                "isinstance(t.return_value, list) else [t.return_value])]\n"
            )
            with task_worker(env), task_worker(env):
                deadline = time.monotonic() + 120
                while (
                    time.monotonic() < deadline
                    and shell(
                        env, email_tasks + "print(tasks.exclude(status='SUCCESSFUL').count())"
                    )
                    != "0"
                ):
                    time.sleep(0.5)
            sent = int(shell(env, email_tasks + "print(outcomes.count('sent'))"))
            ids = sent_message_ids(mail_dir)
            check(
                "each email sent once by two workers",
                sent > 0 and len(ids) == len(set(ids)) == sent,
                f"{sent} email tasks done, {len(ids)} emails written, {len(set(ids))} distinct",
            )
    shutil.rmtree(mail_dir, ignore_errors=True)
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
