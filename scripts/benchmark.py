#!/usr/bin/env python
"""Benchmark, run by hand (not in CI): `.venv/bin/python scripts/benchmark.py`.

1. Builds a throwaway SQLite database with the demo (five centres, a school year of sessions).
2. Serves the portal with gunicorn (2 workers, production settings) and measures requests per
   second for `/sessions/` and for the bare `/healthz` view with the same client in the same run,
   and prints both and their ratio.
3. Runs a booking race through the real booking URL (`POST /sessions/<id>/book/` with the form
   field `children` and the CSRF token): 50 threads make 500 attempts for 20 places; prints
   attempts per second and how many places ended up confirmed (it must be 20).
4. Times the take-up report (all five centres, a year of demo data) before serving.
"""

import argparse
import concurrent.futures
import http.client
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def environment(workdir: Path) -> dict:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "startwell.settings.production",
        "DATABASE_URL": f"sqlite:///{workdir / 'benchmark.sqlite3'}",
        "SECRET_KEY": secrets.token_urlsafe(40),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "0",
        "SECURE_HSTS_SECONDS": "0",
        "SITE_URL": "http://127.0.0.1",
        "LOG_LEVEL": "ERROR",
        # The race measures the booking path, not the per-person limit on attempts.
        "BOOKINGS_RATE_LIMIT": "1000/m/user",
    }


def manage(env: dict, *args: str) -> None:
    subprocess.run(
        [PYTHON, "manage.py", *args], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL
    )


def prepare_race(env: dict, *, households: int, places: int) -> dict:
    """Creates the race's session (20 places, one child per booking) and one signed-in
    household per thread; returns the session id and each household's cookie and child."""
    script = f"""
import datetime, json
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django.utils import timezone
from allauth.account.models import EmailAddress
from bookings.models import Session
from cms.models import ActivityPage
from startwell.models import Child, User

activity = ActivityPage.objects.filter(slug="stay-and-play").order_by("path").first()
start = (timezone.localtime() + datetime.timedelta(days=2)).replace(hour=15, minute=0)
session = Session.objects.create(activity=activity, start=start,
    end=start + datetime.timedelta(hours=1), capacity={places}, max_places_per_booking=1)
people = []
today = timezone.localdate()
for n in range({households}):
    user, _ = User.objects.get_or_create(email=f"racer{{n}}@benchmark.example",
        defaults={{"first_name": f"Racer {{n}}"}})
    EmailAddress.objects.get_or_create(user=user, email=user.email,
        defaults={{"verified": True, "primary": True}})
    child, _ = Child.objects.get_or_create(parent=user, first_name="Kit",
        defaults={{"birth_month": today.month, "birth_year": today.year - 2}})
    store = SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.create()
    people.append({{"session_key": store.session_key, "child": child.pk}})
print(json.dumps({{"session": session.pk, "people": people}}))
"""
    output = subprocess.run(
        [PYTHON, "manage.py", "shell", "-c", script],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return json.loads(output.strip().splitlines()[-1])


def confirmed_places(env: dict, session_id: int) -> tuple[int, int]:
    script = (
        "from django.db.models import Sum\n"
        "from bookings.models import Booking\n"
        f"qs = Booking.objects.filter(session_id={session_id})\n"
        "confirmed = qs.filter(status='confirmed')\n"
        "print(confirmed.aggregate(s=Sum('places'))['s'] or 0, confirmed.count())\n"
    )
    output = subprocess.run(
        [PYTHON, "manage.py", "shell", "-c", script],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    places, bookings = output.strip().splitlines()[-1].split()
    return int(places), int(bookings)


def get(port: int, path: str) -> int:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        response.read()
        return response.status
    finally:
        connection.close()


def wait_until_serving(port: int, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if get(port, "/healthz") == 200:
                return
        except OSError:
            pass
        time.sleep(0.3)
    raise SystemExit("gunicorn did not start serving in time")


def requests_per_second(port: int, path: str, *, requests: int, concurrency: int) -> float:
    for _ in range(concurrency):  # warm both workers up
        get(port, path)
    started = time.perf_counter()
    with concurrent.futures.ThreadPoolExecutor(concurrency) as pool:
        statuses = list(pool.map(lambda _: get(port, path), range(requests)))
    elapsed = time.perf_counter() - started
    bad = [status for status in statuses if status != 200]
    if bad:
        raise SystemExit(f"{path}: {len(bad)} of {requests} requests failed (e.g. {bad[0]})")
    return requests / elapsed


def attempt_booking(port: int, session_id: int, person: dict) -> int:
    # Django accepts an unmasked secret as the CSRF token when the cookie carries the same one;
    # the middleware still checks it, as it would for a browser.
    token = secrets.token_hex(16)
    body = urllib.parse.urlencode({"csrfmiddlewaretoken": token, "children": person["child"]})
    headers = {
        "Content-Type": "application/x-www-form-urlencoded",
        "Cookie": f"sessionid={person['session_key']}; csrftoken={token}",
    }
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    try:
        connection.request("POST", f"/sessions/{session_id}/book/", body=body, headers=headers)
        response = connection.getresponse()
        response.read()
        return response.status
    finally:
        connection.close()


def report_render_seconds(env: dict) -> str:
    """Times one take-up report (every figure, charts and tables rendered) for the last year of
    demo data across all five centres, as a superuser's borough total; the best of three."""
    script = (
        "import datetime, time\n"
        "from django.template.loader import render_to_string\n"
        "from django.utils import timezone\n"
        "from cms.models import CentrePage\n"
        "from reports.charts import chart_for\n"
        "from reports.registry import REPORTS\n"
        "end = timezone.localdate() + datetime.timedelta(days=183)\n"
        "start = end - datetime.timedelta(days=365)\n"
        "times = []\n"
        "for _ in range(3):\n"
        "    began = time.perf_counter()\n"
        "    figures = REPORTS['take-up'].figures(centres=CentrePage.objects.all(), "
        "start=start, end=end)\n"
        "    for figure in figures:\n"
        "        render_to_string('reports/chart.svg', {'chart': chart_for(figure)})\n"
        "    times.append(time.perf_counter() - began)\n"
        "print(f'{min(times):.3f}', sum(len(f.rows) for f in figures))\n"
    )
    output = subprocess.run(
        [PYTHON, "manage.py", "shell", "-c", script],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return output.strip().splitlines()[-1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=400, help="requests per URL")
    parser.add_argument("--concurrency", type=int, default=8, help="client threads for GETs")
    parser.add_argument("--attempts", type=int, default=500)
    parser.add_argument("--threads", type=int, default=50)
    parser.add_argument("--places", type=int, default=20)
    parser.add_argument("--listing", default="/sessions/", help="the listing page to measure")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    options = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="startwell-benchmark-"))
    env = environment(workdir)
    env["STATIC_ROOT"] = str(workdir / "static")
    server = None
    try:
        print(f"Building the demo database in {workdir} …", flush=True)
        manage(env, "migrate", "--verbosity", "0")
        manage(env, "createcachetable")
        manage(env, "collectstatic", "--noinput", "--verbosity", "0")
        started = time.perf_counter()
        manage(env, "seed_demo")
        print(f"seed_demo took {time.perf_counter() - started:.1f} s", flush=True)
        seconds, rows = report_render_seconds(env).split()
        print(f"take-up report, five centres, one year: {seconds} s ({rows} table rows)")
        race = prepare_race(env, households=options.threads, places=options.places)

        port = free_port()
        # The server's log (refused bookings are logged as bad requests) stays out of the report.
        server_log = (workdir / "gunicorn.log").open("w")
        server = subprocess.Popen(
            [
                str(Path(PYTHON).parent / "gunicorn"),
                "startwell.wsgi",
                "--workers",
                "2",
                "--bind",
                f"127.0.0.1:{port}",
                "--log-level",
                "warning",
            ],
            cwd=ROOT,
            env=env,
            stdout=server_log,
            stderr=server_log,
            start_new_session=True,
        )
        wait_until_serving(port)

        count, threads, listing = options.requests, options.concurrency, options.listing
        listing_rps = requests_per_second(port, listing, requests=count, concurrency=threads)
        bare_rps = requests_per_second(port, "/healthz", requests=count, concurrency=threads)
        print(f"{listing} : {listing_rps:8.1f} requests/s ({count} requests, {threads} threads)")
        print(f"/healthz : {bare_rps:8.1f} requests/s (bare Django view)")
        print(f"ratio    : {listing} serves {listing_rps / bare_rps:.1%} of the bare view's rate")

        people = race["people"]
        started = time.perf_counter()
        with concurrent.futures.ThreadPoolExecutor(options.threads) as pool:
            statuses = list(
                pool.map(
                    lambda n: attempt_booking(port, race["session"], people[n % len(people)]),
                    range(options.attempts),
                )
            )
        elapsed = time.perf_counter() - started
        places, bookings = confirmed_places(env, race["session"])
        errors = sum(1 for status in statuses if status >= 500)
        by_status = {s: statuses.count(s) for s in sorted(set(statuses))}
        print(
            f"booking race: {options.attempts} attempts from {options.threads} threads in "
            f"{elapsed:.1f} s = {options.attempts / elapsed:.1f} booking attempts/s"
        )
        print(f"  responses by status: {by_status}; server errors: {errors}")
        print(f"  confirmed: {places} places in {bookings} bookings (capacity {options.places})")
        if errors:
            print(f"  see the server's log: {workdir / 'gunicorn.log'} (use --keep)")
        if places > options.places:
            raise SystemExit("OVERBOOKED")
    finally:
        if server is not None:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=30)
        if options.keep:
            print(f"Kept {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
