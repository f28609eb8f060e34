"""Page throughput: the expert's scoring page (review-scorecard) under gunicorn, as in production.

Set-up (not measured): a database of its own (award_bench_pages, dropped and re-created),
migrated and loaded with the demo (`load_demo`: Langfang's round in material review, the demo
expert 陈建国 signed and in a group, left to score in the browser); the demo expert's scorecard
of one application is created and every item given a percentage, and the expert is logged in
by a session made with django.contrib.sessions (the cookie the load generator sends).

Measured: gunicorn (`award_portal.wsgi`, 2 sync workers, DEBUG off, settings
benchmarks.bench_settings = the project's plus a bare /bench/hello/ view; cache and sessions in
Redis, database 13 or BENCH_REDIS_URL, as docker-compose.yml deploys them) on 127.0.0.1, and a
load generator in this process (asyncio, 16 concurrent clients, a new connection per request
since gunicorn's sync workers close every connection) that requests one target as fast as it
answers for BENCH_PAGE_SECONDS (10 s; 3 s with BENCH_SCALE=small) after a 1 s warm-up. The
bare hello view runs in the same run, so the figures can be read against what the server, the
middleware and the load generator cost on this machine.

Prints: BENCH hello_rps, BENCH scoring_page_rps, BENCH scoring_page_p99_ms (issue 13: at least
300 req/s, p99 under 100 ms), BENCH logged_in_floor_rps (a near-empty logged-in page, the
notifications list, as about the ceiling any logged-in page reaches here), and, as information, the p50/p99 of each.

Run alone: BENCH_ONLY=pages python -m benchmarks (or python -m benchmarks.page_bench).
"""

import asyncio
import json
import os
import secrets
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlparse, urlunparse

ROOT = Path(__file__).resolve().parent.parent
CONCURRENCY = 16
SETTINGS = "benchmarks.bench_settings"


def bench(name, value, unit):
    print(f"BENCH {name} {value} {unit}", flush=True)


def info(message):
    print(f"# {message}", flush=True)


def _database_url():
    if url := os.environ.get("BENCH_PAGE_DATABASE_URL"):
        return url
    base = urlparse(os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/award_bench"))
    return urlunparse(base._replace(path="/award_bench_pages"))


def _server_env(database_url, port):
    env = dict(os.environ)
    # Cache and sessions in Redis, as deployed (docker-compose.yml), in a database of its own.
    env["REDIS_URL"] = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/13")
    env.update({
        "DATABASE_URL": database_url,
        "DJANGO_SETTINGS_MODULE": SETTINGS,
        "DEBUG": "0",
        "SECRET_KEY": os.environ.get("SECRET_KEY") or secrets.token_urlsafe(50),
        "AUDIT_HMAC_KEY": os.environ.get("AUDIT_HMAC_KEY") or secrets.token_urlsafe(50),
        "PORTAL_BASE_URL": f"http://127.0.0.1:{port}",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "LOG_LEVEL": "WARNING",
        "PYTHONPATH": str(ROOT),
    })
    return env


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# ------------------------------------------------------------------ set-up (in a child process)

def prepare():
    """Migrate, load the demo, make the demo expert's scorecard and session. Prints one JSON line."""
    import contextlib
    import io

    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.core.management import call_command
    from django.utils import timezone

    from award_portal.accounts import SESSION_SEEN, SESSION_STARTED
    from award_portal.models import User
    from review import access, scoring
    from review.demo import EXPERT_LOGIN
    from review.permissions import expert_profile
    from review.scoring import ScoringError

    call_command("migrate", verbosity=0)
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        call_command("load_demo")
    user = User.objects.get(username=EXPERT_LOGIN)
    expert = expert_profile(user)
    card = None
    for application in access.reviewable_applications(user).order_by("pk"):
        try:
            card = scoring.scorecard_for(expert, application)
            break
        except ScoringError:
            continue
    if card is None:
        sys.exit("page_bench: the demo expert has no application to score")
    rows = scoring.item_scores(card)
    card = scoring.scorecard_save(scorecard_id=card.pk, expert=expert, version=card.version,
                                  items={r.item_id: {"percent": 60} for r in rows})
    engine = __import__(settings.SESSION_ENGINE, fromlist=["SessionStore"])
    session = engine.SessionStore()
    now = timezone.now().timestamp()
    session[SESSION_KEY] = user._meta.pk.value_to_string(user)
    session[BACKEND_SESSION_KEY] = "award_portal.auth_backend.PortalModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session[SESSION_STARTED] = now
    session[SESSION_SEEN] = now
    session.save()
    print(json.dumps({"cookie": f"{settings.SESSION_COOKIE_NAME}={session.session_key}",
                      "path": f"/review/applications/{card.application_id}/score/", "items": len(rows)}))


# ------------------------------------------------------------------ load generator

async def _one(port, request):
    """One request on a new connection; returns (status, body, seconds)."""
    start = time.perf_counter()
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        writer.write(request)
        data = await reader.read()  # the server closes the connection after the response
    finally:
        writer.close()
    elapsed = time.perf_counter() - start
    head, _sep, body = data.partition(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1]) if head.startswith(b"HTTP/") else 0
    return status, body, elapsed


def _request(path, cookie):
    lines = [f"GET {path} HTTP/1.1", "Host: 127.0.0.1", "User-Agent: page-bench", "Accept: text/html",
             "Accept-Language: zh-hans", "Connection: close"]
    if cookie:
        lines.append(f"Cookie: {cookie}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


async def _load(port, request, seconds, concurrency=CONCURRENCY):
    latencies, errors = [], 0
    deadline = time.perf_counter() + seconds

    async def client():
        nonlocal errors
        while time.perf_counter() < deadline:
            try:
                status, _body, elapsed = await _one(port, request)
            except OSError:
                errors += 1
                continue
            if time.perf_counter() > deadline:
                break  # finished after the window: not counted (rps is per window, not per drain)
            if status == 200:
                latencies.append(elapsed)
            else:
                errors += 1

    await asyncio.gather(*(client() for _ in range(concurrency)))
    return latencies, errors, seconds


def _percentile(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * len(values) + 0.5)) - 1)] if values else float("nan")


def measure(port, path, cookie, seconds):
    request = _request(path, cookie)
    asyncio.run(_load(port, request, 1.0))  # warm-up: workers' imports, template caches, connections
    latencies, errors, wall = asyncio.run(_load(port, request, seconds))
    return {"rps": len(latencies) / wall, "p50_ms": 1000 * _percentile(latencies, 50),
            "p99_ms": 1000 * _percentile(latencies, 99), "n": len(latencies), "errors": errors}


def _wait_until_up(port, proc, timeout=60):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {proc.returncode}")
        try:
            status, _body, _s = asyncio.run(_one(port, _request("/bench/hello/", None)))
            if status == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError("gunicorn did not answer in time")


# ------------------------------------------------------------------ the benchmark

def run(scale="full"):
    from .bigdata_bench import recreate_database

    seconds = float(os.environ.get("BENCH_PAGE_SECONDS", 3 if scale == "small" else 10))
    database_url = _database_url()
    recreate_database(database_url)
    port = _free_port()
    env = _server_env(database_url, port)
    t0 = time.perf_counter()
    out = subprocess.run([sys.executable, "-m", "benchmarks.page_bench", "prepare"], cwd=ROOT, env=env,
                         check=True, capture_output=True, text=True).stdout
    target = json.loads(out.strip().splitlines()[-1])
    info(f"pages: demo loaded, scorecard of {target['items']} items at {target['path']} "
         f"({time.perf_counter() - t0:.1f} s)")

    gunicorn = str(Path(sys.executable).with_name("gunicorn"))
    log = open(ROOT / "var" / "page_bench_gunicorn.log", "w") if (ROOT / "var").is_dir() else subprocess.DEVNULL
    proc = subprocess.Popen([gunicorn, "award_portal.wsgi", "-w", "2", "-k", "sync", "-b", f"127.0.0.1:{port}"],
                            cwd=ROOT, env=env, stdout=log, stderr=log)
    try:
        _wait_until_up(port, proc)
        status, body, _s = asyncio.run(_one(port, _request(target["path"], target["cookie"])))
        if status != 200 or body.count(b'name="p-') != target["items"]:
            raise RuntimeError(f"the scoring page answered {status} without its {target['items']} items")
        hello = measure(port, "/bench/hello/", None, seconds)
        page = measure(port, target["path"], target["cookie"], seconds)
        # The floor of a logged-in page on this machine: the notifications list (session, account,
        # roles, menu, unread count and the base template, and a short list of its own).
        floor = measure(port, "/notifications/", target["cookie"], seconds)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
        if log is not subprocess.DEVNULL:
            log.close()
    for name, r in (("hello", hello), ("scoring page", page), ("logged-in floor", floor)):
        info(f"{name}: {r['n']} requests in {seconds:g} s, {r['errors']} errors, p50 {r['p50_ms']:.1f} ms, "
             f"p99 {r['p99_ms']:.1f} ms ({CONCURRENCY} clients, gunicorn 2 sync workers)")
    if page["errors"] or hello["errors"] or floor["errors"]:
        raise RuntimeError("requests failed during the measurement")
    bench("hello_rps", round(hello["rps"]), "req/s")
    bench("scoring_page_rps", round(page["rps"]), "req/s")
    bench("scoring_page_p99_ms", round(page["p99_ms"], 1), "ms")
    bench("logged_in_floor_rps", round(floor["rps"]), "req/s")


if __name__ == "__main__":
    if sys.argv[1:] == ["prepare"]:
        prepare()
    else:
        os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(50))
        run(os.environ.get("BENCH_SCALE", "full"))
