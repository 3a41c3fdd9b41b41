#!/usr/bin/env python
"""Benchmark, run by hand (never in CI): `make benchmark` (`.venv/bin/python scripts/benchmark.py`).

For SQLite and then PostgreSQL (when it answers at BENCHMARK_POSTGRES_URL), it:

1. builds a throwaway database with the demo (five centres, a school year of sessions) and
   times `seed_demo` (and, on SQLite, the take-up report for every centre over a year);
2. serves it with gunicorn (production settings as they are by default, 2 workers);
3. drives it with wrk (8 connections), round by round, each page right after the bare
   `/healthz` view, and prints requests/s, the ratio to the bare view measured just before it,
   p50/p95 latency and non-2xx answers, for the anonymous pages and then the signed-in ones
   (the champion's register both empty and booked by 15 families);
4. runs the booking race through the real booking form: 500 signed-in households, one attempt
   each, for a session with 20 places, over 100 connections; prints attempts/s, p50/p95,
   answers by status and the places confirmed (it must be 20). Each household first opens the
   form once, untimed, as families do before booking opens (`--cold-race` leaves that out);
5. on SQLite, reads each gunicorn worker's resident memory before and after 20,000 mixed
   requests (anonymous and signed-in pages).

Why wrk: it is a small C program (Debian's `wrk`, installed by `scripts/ensure-wrk`) that keeps
thousands of requests a second going on one thread, so on a 2-core machine it leaves the cores to
the server it measures; a Python load generator (locust) would need a core of its own to reach
the bare view's rate, and the ratios would measure the generator. Its Lua scripts (in
`scripts/benchmark/`) measure each page and the memory run; the race's 500 single attempts are
sent from one asyncio thread, 100 at a time, a connection each (see `race`).
"""

import argparse
import json
import os
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HERE = Path(__file__).resolve().parent / "benchmark"
PYTHON = sys.executable
POSTGRES_URL = os.environ.get(
    "BENCHMARK_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/startwell_benchmark"
)

ANONYMOUS_PAGES = [
    ("home", "/"),
    ("centres", "/centres/"),
    ("centre page", "/centres/eastgate/"),
    ("activity page", "/centres/eastgate/stay-and-play/"),
    ("timetable", "/sessions/"),
    ("timetable, filtered", "/sessions/?centre=eastgate&category=stay_and_play&has_places=on"),
    ("ideas", "/ideas/"),
    ("an idea", "/ideas/{idea}/"),
    ("you said, we did", "/ideas/you-said-we-did/"),
    ("calendar feed", "/centres/eastgate/calendar.ics"),
]
SIGNED_IN_PAGES = [
    ("timetable", "/sessions/", "parent"),
    ("centre page", "/centres/eastgate/", "parent"),
    ("my bookings", "/bookings/", "parent"),
    ("booking form", "/sessions/{book}/book/", "parent"),
    ("champion's register", "/champions/sessions/{register}/", "champion"),
    ("champion's register, 15 families", "/champions/sessions/{booked_register}/", "champion"),
]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def environment(workdir: Path, database_url: str) -> dict:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "startwell.settings.production",
        "DATABASE_URL": database_url,
        "SECRET_KEY": secrets.token_urlsafe(40),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "0",
        "SECURE_HSTS_SECONDS": "0",
        "SITE_URL": "http://127.0.0.1",
        "LOG_LEVEL": "ERROR",
        "STATIC_ROOT": str(workdir / "static"),
        "MEDIA_ROOT": str(workdir / "media"),
    }


def manage(env: dict, *args: str, capture: bool = False) -> str:
    result = subprocess.run(
        [PYTHON, "manage.py", *args],
        cwd=ROOT,
        env=env,
        check=True,
        text=True,
        stdout=subprocess.PIPE if capture else subprocess.DEVNULL,
    )
    return result.stdout or ""


def shell(env: dict, script: str) -> str:
    output = manage(env, "shell", "-c", script, capture=True)
    return output.strip().splitlines()[-1]


PREPARE = """
import datetime, json
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django.utils import timezone
from allauth.account.models import EmailAddress
from bookings.models import Booking, Session
from bookings.selectors import upcoming_sessions
from bookings.services import book_session
from cms.models import ActivityPage
from codesign.models import PUBLIC_STATUSES, Idea
from parent_champions.selectors import hosted_sessions
from startwell.models import Child, User


def cookie(user):
    store = SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.create()
    return "sessionid=" + store.session_key


activity = ActivityPage.objects.filter(slug="stay-and-play").order_by("path").first()
start = (timezone.localtime() + datetime.timedelta(days=2)).replace(hour=15, minute=0)
race = Session.objects.create(activity=activity, start=start,
    end=start + datetime.timedelta(hours=1), capacity=%(places)d, max_places_per_booking=1)
today = timezone.localdate()
people = []
for n in range(%(households)d):
    user = User.objects.create(email=f"racer{n}@benchmark.example", first_name=f"Racer {n}")
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    child = Child.objects.create(parent=user, first_name="Kit",
        birth_month=today.month, birth_year=today.year - 2)
    people.append({"cookie": cookie(user), "child": child.pk})
parent = User.objects.get(email="parent@startwell.example")
champion = User.objects.get(email="champion.eastgate@startwell.example")
# The demo books thinly, so the champion's next session has an empty register; the one after is
# booked by 15 families, as a popular session's is, to measure a register with rows in it.
booked_register = hosted_sessions(champion)[1]
for n in range(15):
    user = User.objects.create(email=f"family{n}@benchmark.example", first_name=f"Family {n}")
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    child = Child.objects.create(parent=user, first_name="Kit",
        birth_month=today.month, birth_year=today.year - 2)
    book_session(parent=user, session_id=booked_register.pk, children=[child])
booked = Booking.objects.filter(parent=parent).values("session")
book = upcoming_sessions(has_places=True).exclude(pk__in=booked).exclude(pk=race.pk)
book = book.filter(activity__adults_only=False).first()
print(json.dumps({
    "race": race.pk,
    "people": people,
    "parent": cookie(parent),
    "champion": cookie(champion),
    "idea": Idea.objects.filter(status__in=PUBLIC_STATUSES).order_by("pk").first().pk,
    "book": book.pk,
    "register": hosted_sessions(champion).first().pk,
    "booked_register": booked_register.pk,
}))
"""

CONFIRMED = """
from django.db.models import Sum
from bookings.models import Booking
confirmed = Booking.objects.filter(session_id=%(session)d, status="confirmed")
print(confirmed.aggregate(s=Sum("places"))["s"] or 0, confirmed.count())
"""

REPORT = """
import datetime, time
from django.template.loader import render_to_string
from django.utils import timezone
from cms.models import CentrePage
from reports.charts import chart_for
from reports.registry import REPORTS
end = timezone.localdate() + datetime.timedelta(days=183)
start = end - datetime.timedelta(days=365)
times = []
for _ in range(3):
    began = time.perf_counter()
    figures = REPORTS["take-up"].figures(centres=CentrePage.objects.all(), start=start, end=end)
    for figure in figures:
        render_to_string("reports/chart.svg", {"chart": chart_for(figure)})
    times.append(time.perf_counter() - began)
print(f"{min(times):.3f}")
"""


def status_of(port: int, path: str, cookie: str = "") -> int:
    import http.client

    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        connection.request("GET", path, headers={"Cookie": cookie} if cookie else {})
        response = connection.getresponse()
        response.read()
        return response.status
    finally:
        connection.close()


def wait_until_serving(port: int, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if status_of(port, "/healthz") == 200:
                return
        except OSError:
            pass
        time.sleep(0.3)
    raise SystemExit("gunicorn did not start serving in time")


def wrk_page(port: int, path: str, cookie: str, *, seconds: float, connections: int) -> dict:
    output = subprocess.run(
        [
            wrk(),
            "-t",
            "1",
            "-c",
            str(connections),
            "-d",
            f"{seconds}s",
            "--timeout",
            "30s",
            "-s",
            str(HERE / "page.lua"),
            f"http://127.0.0.1:{port}{path}",
            "--",
            cookie,
        ],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    result = json.loads(output.strip().splitlines()[-1])
    result["rps"] = result["requests"] / (result["duration_us"] / 1e6)
    return result


def race(
    port: int, attempts: list[tuple[str, str, str]], *, connections: int, method: str = "POST"
) -> dict:
    """Each household's one attempt (path, cookie, form body), `connections` at a time, each on
    a connection of its own, as that many phones would. One thread with asyncio sends them all:
    the client costs a few milliseconds of CPU in all (printed with the result), so the cores
    stay with the server. (wrk would keep reopening connections once the attempts run out, and
    gunicorn's sync workers wait out their timeout on a connection that sends nothing.) With
    `method="GET"`, each household opens the form instead (the body is not sent)."""
    import asyncio

    async def attempt(request: tuple[str, str, str], slots: asyncio.Semaphore):
        path, cookie, body = request
        if method == "GET":
            raw = (
                f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nCookie: {cookie}\r\n"
                "Connection: close\r\n\r\n"
            ).encode()
        else:
            raw = (
                f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nCookie: {cookie}\r\n"
                "Content-Type: application/x-www-form-urlencoded\r\n"
                f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n{body}"
            ).encode()
        async with slots:
            began = time.perf_counter()
            reader, writer = await asyncio.open_connection("127.0.0.1", port)
            writer.write(raw)
            answer = await reader.read()  # the server closes the connection after answering
            writer.close()
            return int(answer.split(b" ", 2)[1]), time.perf_counter() - began

    async def everyone():
        slots = asyncio.Semaphore(connections)
        return await asyncio.gather(*(attempt(request, slots) for request in attempts))

    cpu = time.process_time()
    started = time.perf_counter()
    answers = asyncio.run(everyone())
    elapsed = time.perf_counter() - started
    latencies = sorted(seconds for _, seconds in answers)
    statuses = [status for status, _ in answers]
    return {
        "requests": len(answers),
        "elapsed_us": elapsed * 1e6,
        "client_cpu_s": time.process_time() - cpu,
        "p50_us": latencies[len(latencies) // 2] * 1e6,
        "p95_us": latencies[int(len(latencies) * 0.95)] * 1e6,
        "statuses": {str(status): statuses.count(status) for status in set(statuses)},
    }


def wrk_mixed(port: int, pages: list, workdir: Path, *, total: int, connections: int) -> dict:
    """At least `total` GETs of the pages in turn, in runs of 10 s (each ends with every
    connection closed at once)."""
    listing = workdir / "pages.tsv"
    listing.write_text("".join(f"{path}\t{cookie}\n" for _, path, cookie in pages))
    done = {"requests": 0, "duration_us": 0, "non2xx": 0}
    while done["requests"] < total:
        output = subprocess.run(
            [
                wrk(),
                "-t",
                "1",
                "-c",
                str(connections),
                "-d",
                "10s",
                "--timeout",
                "30s",
                "-s",
                str(HERE / "mixed.lua"),
                f"http://127.0.0.1:{port}/",
                "--",
                str(listing),
            ],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        result = json.loads(output.strip().splitlines()[-1])
        for key in done:
            done[key] += result[key]
    return done


def ms(microseconds: float) -> str:
    return f"{microseconds / 1000:.1f}"


def measure_pages(port: int, pages: list, *, rounds: int, seconds: float, connections: int):
    """Each page right after the bare view, round after round; returns the table's rows."""
    results = {label: [] for label, *_ in pages}
    bare = []
    for _ in range(rounds):
        for label, path, cookie in pages:
            bare_run = wrk_page(port, "/healthz", "", seconds=seconds, connections=connections)
            page_run = wrk_page(port, path, cookie, seconds=seconds, connections=connections)
            bare.append(bare_run)
            page_run["ratio"] = page_run["rps"] / bare_run["rps"] if bare_run["rps"] else 0
            results[label].append(page_run)
    rows = [("bare view /healthz", bare)] + [(label, results[label]) for label, *_ in pages]
    return rows


def print_table(title: str, rows: list, *, bare_row: bool) -> None:
    print(f"\n{title}")
    heading = f"| {'page':<42} | {'req/s':>7} | {'ratio':>6} | {'p50 ms':>6} | {'p95 ms':>6} |"
    print(f"{heading} non-2xx |")
    print(f"|{'-' * 44}|{'-' * 9}|{'-' * 8}|{'-' * 8}|{'-' * 8}|---------|")
    for label, runs in rows if bare_row else rows[1:]:
        rps = statistics.mean(run["rps"] for run in runs)
        ratio = statistics.mean(run.get("ratio", 1.0) for run in runs)
        p50 = statistics.median(run["p50_us"] for run in runs)
        p95 = max(run["p95_us"] for run in runs)
        bad = sum(run["non2xx"] + run["socket_errors"] for run in runs)
        print(
            f"| {label:<42} | {rps:7.0f} | {ratio:6.3f} | {ms(p50):>6} | {ms(p95):>6} | {bad:7d} |"
        )


def worker_pids(master: int) -> list[int]:
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == master:
                pids.append(int(entry.name))
    return sorted(pids)


def resident_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def start_server(env: dict, workdir: Path, port: int) -> subprocess.Popen:
    log = (workdir / "gunicorn.log").open("a")
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
        stdout=log,
        stderr=log,
        start_new_session=True,
    )
    wait_until_serving(port)
    return server


def stop_server(server: subprocess.Popen) -> None:
    os.killpg(server.pid, signal.SIGTERM)
    server.wait(timeout=30)


def postgres_database(url: str, *, create: bool) -> bool:
    """Creates (or drops) the throwaway PostgreSQL database; False when PostgreSQL is not there."""
    import psycopg

    parts = urllib.parse.urlparse(url)
    name = parts.path.lstrip("/")
    try:
        with psycopg.connect(url, dbname="postgres", autocommit=True, connect_timeout=3) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            if create:
                conn.execute(f'CREATE DATABASE "{name}"')
    except psycopg.OperationalError:
        return False
    return True


def run_engine(name: str, database_url: str, workdir: Path, options) -> None:
    env = environment(workdir, database_url)
    print(f"\n=== {name} ===", flush=True)
    manage(env, "migrate", "--verbosity", "0")
    manage(env, "createcachetable")
    if not (workdir / "static").exists():
        manage(env, "collectstatic", "--noinput", "--verbosity", "0")
    started = time.perf_counter()
    # The demo's accounts have a published password: fine for a throwaway database.
    manage(env, "seed_demo", "--i-know-this-is-production")
    print(f"seed_demo: {time.perf_counter() - started:.2f} s", flush=True)
    if name == "SQLite":
        print(f"take-up report, five centres, one year: {shell(env, REPORT)} s", flush=True)
    prepared = json.loads(
        shell(env, PREPARE % {"places": options.places, "households": options.households})
    )
    cookies = {"": "", "parent": prepared["parent"], "champion": prepared["champion"]}
    anonymous = [
        (label, path.format(**prepared), "")
        for label, path in ANONYMOUS_PAGES
        if options.only in label
    ]
    signed_in = [
        (label, path.format(**prepared), cookies[who])
        for label, path, who in SIGNED_IN_PAGES
        if options.only in label
    ]

    port = free_port()
    server = start_server(env, workdir, port)
    try:
        for label, path, cookie in anonymous + signed_in:
            for _ in range(6):  # both workers load their templates and fill their caches
                status = status_of(port, path, cookie)
            if status != 200:
                raise SystemExit(f"{label} ({path}) answered {status}")
        # Both workers answer at full speed before anything is measured.
        wrk_page(port, "/healthz", "", seconds=2, connections=options.connections)
        if options.rounds:  # --rounds 0: the race and the memory run only
            rounds, seconds, conns = options.rounds, options.seconds, options.connections
            if anonymous:
                rows = measure_pages(
                    port, anonymous, rounds=rounds, seconds=seconds, connections=conns
                )
                print_table(
                    f"{name}: anonymous pages ({rounds} rounds of {seconds} s, {conns} "
                    "connections; ratio to the bare view measured just before)",
                    rows,
                    bare_row=True,
                )
            if signed_in:
                rows = measure_pages(
                    port, signed_in, rounds=rounds, seconds=seconds, connections=conns
                )
                print_table(f"{name}: signed-in pages", rows, bare_row=False)
        if not options.households:  # --households 0: the pages only
            return

        token = secrets.token_hex(16)  # an unmasked CSRF secret, as a browser's cookie holds
        attempts = [
            (
                f"/sessions/{prepared['race']}/book/",
                f"{person['cookie']}; csrftoken={token}",
                urllib.parse.urlencode({"csrfmiddlewaretoken": token, "children": person["child"]}),
            )
            for person in prepared["people"]
        ]
        if not options.cold_race:
            # Families open the form before booking opens and press "Book" when it does: each
            # household opens it once first, untimed (its first signed-in request, which keeps
            # its header facts). --cold-race leaves this out: each attempt is then also the
            # household's first request.
            opened = race(port, attempts, connections=options.race_connections, method="GET")
            if set(opened["statuses"]) != {"200"}:
                raise SystemExit(f"Opening the booking form answered {opened['statuses']}")
        # The bare view just before, so the race's rate can be read against this machine's
        # speed at the time (it is shared).
        bare = wrk_page(port, "/healthz", "", seconds=2, connections=options.connections)
        result = race(port, attempts, connections=options.race_connections)
        places, bookings = map(int, shell(env, CONFIRMED % {"session": prepared["race"]}).split())
        seconds_taken = result["elapsed_us"] / 1e6
        statuses = {int(status): n for status, n in result["statuses"].items()}
        errors = sum(n for status, n in statuses.items() if status >= 500)
        print(
            f"\n{name}: booking race: {result['requests']} attempts by {len(attempts)} households "
            f"over {options.race_connections} connections in {seconds_taken:.2f} s = "
            f"{result['requests'] / seconds_taken:.0f} attempts/s; "
            f"p50 {ms(result['p50_us'])} ms, p95 {ms(result['p95_us'])} ms "
            f"(the client used {result['client_cpu_s']:.2f} s of CPU)"
        )
        print(
            "  each household's attempt was its first request (--cold-race)"
            if options.cold_race
            else "  each household had opened the booking form once before the race (untimed), "
            "as families do before booking opens; --cold-race leaves that out"
        )
        rate = result["requests"] / seconds_taken
        print(
            f"  the bare view answered {bare['rps']:.0f} requests/s just before "
            f"(the race's attempts/s are {rate / bare['rps']:.3f} of that)"
        )
        print(f"  answers by status: {dict(sorted(statuses.items()))}; server errors: {errors}")
        print(f"  confirmed: {places} places in {bookings} bookings (capacity {options.places})")
        if places != options.places:
            raise SystemExit("WRONG NUMBER OF PLACES CONFIRMED")

        if name == "SQLite" and options.memory_requests:
            pages = anonymous + signed_in
            pids = worker_pids(server.pid)
            before = {pid: resident_kib(pid) for pid in pids}
            run = wrk_mixed(
                port, pages, workdir, total=options.memory_requests, connections=options.connections
            )
            after = {pid: resident_kib(pid) if Path(f"/proc/{pid}").exists() else 0 for pid in pids}
            print(
                f"\n{name}: worker memory over {run['requests']} mixed requests "
                f"({len(pages)} pages in turn, {run['duration_us'] / 1e6:.0f} s, "
                f"{run['non2xx']} non-2xx):"
            )
            for pid in pids:
                if not after[pid]:
                    print(f"  worker {pid}: restarted by gunicorn during the run (see its log)")
                    continue
                growth = (after[pid] - before[pid]) / before[pid]
                print(
                    f"  worker {pid}: {before[pid] / 1024:.1f} MiB before, "
                    f"{after[pid] / 1024:.1f} MiB after ({growth:+.1%})"
                )
    finally:
        stop_server(server)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=2, help="rounds over the pages")
    parser.add_argument("--seconds", type=int, default=2, help="seconds per measurement")
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument(
        "--households", type=int, default=500, help="booking race attempts (0: no race)"
    )
    parser.add_argument(
        "--only", default="", help="measure only the pages whose label holds this text"
    )
    parser.add_argument("--places", type=int, default=20)
    parser.add_argument("--race-connections", type=int, default=100)
    parser.add_argument(
        "--cold-race",
        action="store_true",
        help="households do not open the booking form before the race",
    )
    parser.add_argument("--memory-requests", type=int, default=20000)
    parser.add_argument(
        "--databases", default="sqlite,postgresql", help="which of sqlite,postgresql to run"
    )
    parser.add_argument("--keep", action="store_true", help="keep the throwaway files")
    options = parser.parse_args()
    wrk()

    workdir = Path(tempfile.mkdtemp(prefix="startwell-benchmark-"))
    print(f"Throwaway files in {workdir}; commit {git_commit()}", flush=True)
    try:
        databases = options.databases.split(",")
        if "sqlite" in databases:
            run_engine("SQLite", f"sqlite:///{workdir / 'benchmark.sqlite3'}", workdir, options)
        if "postgresql" not in databases:
            return
        if postgres_database(POSTGRES_URL, create=True):
            try:
                run_engine("PostgreSQL", POSTGRES_URL, workdir, options)
            finally:
                postgres_database(POSTGRES_URL, create=False)
        else:
            print(f"\nPostgreSQL is not reachable at {POSTGRES_URL}: skipped.")
    finally:
        if options.keep:
            print(f"Kept {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)


def git_commit() -> str:
    git = shutil.which("git")
    if git is None:
        return "unknown"
    result = subprocess.run(
        [git, "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
    )
    return result.stdout.strip() or "unknown"


def wrk() -> str:
    path = shutil.which("wrk")
    if path is None:
        raise SystemExit("wrk is needed: run scripts/ensure-wrk (make benchmark does).")
    return path


if __name__ == "__main__":
    main()
