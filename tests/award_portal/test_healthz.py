"""/healthz: database and broker status for load balancers and compose health checks."""

import os

import pytest
import redis
from django.test import override_settings

pytestmark = pytest.mark.django_db

LOCAL_REDIS = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0"
# Nothing listens on port 1: connecting fails at once.
BROKEN_REDIS = "redis://127.0.0.1:1/0"


def redis_reachable(url) -> bool:
    try:
        return bool(redis.Redis.from_url(url, socket_connect_timeout=1).ping())
    except redis.RedisError:
        return False


@override_settings(REDIS_URL=None)
def test_healthz_without_broker_reports_eager(client):
    # Anonymous on purpose: load balancers do not log in.
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"database": "ok", "broker": "eager (no REDIS_URL)", "status": "ok"}


@pytest.mark.services
@pytest.mark.skipif(not redis_reachable(LOCAL_REDIS), reason=f"no Redis at {LOCAL_REDIS}")
def test_healthz_with_reachable_broker_ok(client):
    with override_settings(REDIS_URL=LOCAL_REDIS):
        response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"database": "ok", "broker": "ok", "status": "ok"}


@override_settings(REDIS_URL=BROKEN_REDIS)
def test_healthz_with_broken_broker_unavailable(client):
    response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json() == {"database": "ok", "broker": "error: ConnectionError", "status": "unavailable"}


def test_healthz_never_cached(client):
    response = client.get("/healthz")

    assert "no-cache" in response["Cache-Control"]
    assert "max-age=0" in response["Cache-Control"]

