"""The one test that proves the real broker path: a separate `celery worker` process takes a task
from Redis and writes to the (test) PostgreSQL database.

Everywhere else tasks run eagerly (settings_test). Needs REDIS_URL and DATABASE_URL (PostgreSQL);
`.ci/run` sets both.
"""

import os
import secrets
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from urllib.parse import quote

import pytest
from celery.result import EagerResult
from django.db import connection

from award_portal.audit import AuditEvent
from award_portal.celery import app as celery_app
from award_portal.tasks import record_heartbeat_task

ROOT = Path(__file__).resolve().parents[2]
START_TIMEOUT = 30
TASK_TIMEOUT = 30

pytestmark = [
    pytest.mark.services,
    pytest.mark.skipif(
        not os.environ.get("REDIS_URL"),
        reason="needs a real Redis broker: set REDIS_URL (and DATABASE_URL for PostgreSQL), e.g. via .ci/run",
    ),
]


def _test_database_url() -> str:
    """A URL for the database this test runs against (the test database, not the real one)."""
    s = connection.settings_dict
    user = quote(s.get("USER") or "", safe="")
    password = quote(s.get("PASSWORD") or "", safe="")
    auth = f"{user}:{password}@" if password else (f"{user}@" if user else "")
    host = s.get("HOST") or "127.0.0.1"
    port = f":{s['PORT']}" if s.get("PORT") else ""
    return f"postgres://{auth}{host}{port}/{quote(s['NAME'], safe='')}"


def _start_worker(queue: str, nodename: str, log):
    env = dict(os.environ)
    env.update({
        "DATABASE_URL": _test_database_url(),
        "REDIS_URL": os.environ["REDIS_URL"],
        "SECRET_KEY": secrets.token_urlsafe(50),  # the settings refuse a weak key with DEBUG off
        "DJANGO_SETTINGS_MODULE": "award_portal.settings",
        "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")])),
    })
    command = [
        sys.executable, "-m", "celery", "-A", "award_portal", "worker",
        "--pool", "solo", "--concurrency", "1", "-Q", queue, "-n", nodename,
        "--without-gossip", "--without-mingle", "-l", "info",
    ]
    return subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)


def _stop_worker(worker):
    if worker.poll() is None:
        worker.terminate()
        try:
            worker.wait(timeout=15)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait(timeout=5)


def _forget_queue(queue: str):
    """Drop the bindings kombu keeps in Redis for the throwaway queue."""
    import redis

    client = redis.Redis.from_url(os.environ["REDIS_URL"])
    client.delete(f"_kombu.binding.{queue}", f"_kombu.binding_permanent.{queue}", queue)
    client.close()


def _log_text(log) -> str:
    log.flush()
    log.seek(0)
    return log.read().decode("utf-8", "replace")[-4000:]


def _wait_until_answering(worker, nodename, log):
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if worker.poll() is not None:
            pytest.fail(f"celery worker exited with {worker.returncode}:\n{_log_text(log)}")
        if celery_app.control.ping(destination=[nodename], timeout=1.0):
            return
        time.sleep(0.5)
    pytest.fail(f"celery worker did not answer ping within {START_TIMEOUT}s:\n{_log_text(log)}")


@pytest.mark.django_db(transaction=True)
def test_a_real_worker_runs_a_task_from_redis_against_the_database():
    if connection.vendor != "postgresql":
        pytest.skip("needs DATABASE_URL pointing at PostgreSQL: a worker process cannot share "
                    "the SQLite test database")
    unique = uuid.uuid4().hex
    queue = f"test-worker-{unique}"
    nodename = f"{queue}@award-test"
    eager = celery_app.conf.task_always_eager
    result = None
    with tempfile.TemporaryFile() as log:
        worker = _start_worker(queue, nodename, log)
        try:
            _wait_until_answering(worker, nodename, log)
            celery_app.conf.task_always_eager = False
            result = record_heartbeat_task.apply_async(kwargs={"note": unique}, queue=queue)
            assert not isinstance(result, EagerResult), "the task ran in-process, not on the worker"
            try:
                event_pk = result.get(timeout=TASK_TIMEOUT)
            except Exception as exc:
                pytest.fail(f"task did not complete ({exc!r}); worker log:\n{_log_text(log)}")
            event = AuditEvent.objects.get(action="system.heartbeat", after__note=unique)
            assert event.pk == event_pk
            assert event.after == {"note": unique}
        finally:
            celery_app.conf.task_always_eager = eager
            _stop_worker(worker)
            if result is not None:
                result.forget()
            _forget_queue(queue)
