"""docker compose cannot run here, so this keeps docker-compose.yml honest another way: the
services exist and have health checks, and everything they name (build context, Dockerfile,
Python modules, env files, volumes, variables) exists in the repository."""

import importlib
import re
import shlex
import warnings
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
COMPOSE = ROOT / "docker-compose.yml"
SERVICES = {"web", "worker", "beat", "db", "redis"}
APP_SERVICES = {"web", "worker", "beat"}


@pytest.fixture(scope="module")
def compose():
    return yaml.safe_load(COMPOSE.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def services(compose):
    return compose["services"]


def _words(command) -> list[str]:
    """A compose command (string or list), `sh -c "..."` unwrapped, as a list of words."""
    words = shlex.split(command) if isinstance(command, str) else [str(w) for w in command]
    if words[:2] == ["sh", "-c"] or words[:2] == ["/bin/sh", "-c"]:
        return shlex.split(words[2])
    return words


def _healthcheck_words(service) -> list[str]:
    test = service["healthcheck"]["test"]
    if isinstance(test, str):
        return shlex.split(test)
    if test[0] == "CMD-SHELL":
        return shlex.split(test[1])
    assert test[0] == "CMD", test
    return list(test[1:])


def _celery_app_module(words) -> str:
    """The module named by `celery -A <module>`."""
    for option in ("-A", "--app"):
        if option in words:
            return words[words.index(option) + 1]
    raise AssertionError(f"no -A/--app in {words}")


def _env_example_names() -> set[str]:
    text = (ROOT / ".env.example").read_text(encoding="utf-8")
    return set(re.findall(r"^\s*#?\s*([A-Z][A-Z0-9_]*)=", text, flags=re.MULTILINE))


def _import_attr(dotted: str):
    module, _, attr = dotted.partition(":")
    return getattr(importlib.import_module(module), attr)


def test_the_five_services_exist(services):
    assert SERVICES <= set(services), f"missing: {SERVICES - set(services)}"


@pytest.mark.parametrize("name", sorted(SERVICES))
def test_every_service_has_a_healthcheck(services, name):
    check = services[name].get("healthcheck")
    assert check and check.get("test"), f"{name} has no healthcheck"
    assert not check.get("disable"), f"{name} disables its healthcheck"
    if isinstance(check["test"], list):
        assert check["test"][0] in ("CMD", "CMD-SHELL"), check["test"]


def test_infrastructure_images(services):
    assert services["db"]["image"].split(":")[0] == "postgres"
    assert services["db"]["image"].split(":")[1].startswith("15")
    assert services["redis"]["image"].split(":")[0] == "redis"
    assert services["redis"]["image"].split(":")[1].startswith("7")
    assert "pg_isready" in _healthcheck_words(services["db"])
    words = _healthcheck_words(services["redis"])
    assert "redis-cli" in words and "ping" in words


@pytest.mark.parametrize("name", sorted(APP_SERVICES))
def test_app_services_build_from_the_repository(services, name):
    build = services[name]["build"]
    if isinstance(build, str):
        build = {"context": build}
    context = (ROOT / build.get("context", ".")).resolve()
    assert context.is_dir(), context
    dockerfile = context / build.get("dockerfile", "Dockerfile")
    assert dockerfile.is_file(), dockerfile


def test_dockerfile(services):
    text = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    assert re.search(r"^FROM python:3\.11-slim-bookworm\b", text, flags=re.MULTILINE)
    for package in ("libpango-1.0-0", "libpangoft2-1.0-0", "fonts-noto-cjk", "libharfbuzz-subset0", "gettext"):
        assert package in text, package
    assert "collectstatic" in text
    # Every COPY source (other than `.`) exists.
    for line in re.findall(r"^COPY\s+(.+)$", text, flags=re.MULTILINE):
        sources = [w for w in line.split()[:-1] if not w.startswith("--")]
        for source in sources:
            assert (ROOT / source).exists(), f"COPY source {source} missing"
    cmd = re.search(r"^CMD\s+(\[.*?\])\s*$", text, flags=re.MULTILINE | re.DOTALL)
    assert cmd, "Dockerfile has no exec-form CMD"
    words = yaml.safe_load(cmd.group(1).replace("\\\n", " "))
    assert words[0] == "gunicorn" and "award_portal.wsgi:application" in words


def test_dockerignore_keeps_local_state_out():
    lines = {line.strip() for line in (ROOT / ".dockerignore").read_text().splitlines()}
    for entry in (".git", ".venv", ".env", "var"):
        assert entry in lines, entry


def test_web_migrates_then_serves_the_wsgi_app(services):
    command = services["web"]["command"]
    words = _words(command)
    assert "manage.py" in words and "migrate" in words
    assert (ROOT / "manage.py").is_file()
    assert "gunicorn" in words
    assert words.index("migrate") < words.index("gunicorn"), "migrate must run before gunicorn"
    target = next(w for w in words if w.endswith(":application"))
    assert target == "award_portal.wsgi:application"
    assert (ROOT / "award_portal" / "wsgi.py").is_file()
    with warnings.catch_warnings():  # whitenoise warns when var/staticfiles was never collected
        warnings.simplefilter("ignore")
        assert callable(_import_attr(target))


def test_web_healthcheck_calls_healthz(services):
    words = _healthcheck_words(services["web"])
    urls = re.findall(r"https?://[^\s'\"]+", " ".join(words))
    assert urls, words
    path = "/" + urls[0].split("/", 3)[3]
    assert path == "/healthz"
    from django.urls import resolve

    assert resolve(path).url_name == "healthz"


@pytest.mark.parametrize("name", ["worker", "beat"])
def test_celery_services_name_the_real_app(services, name):
    words = _words(services[name]["command"])
    assert words[0] == "celery"
    module = _celery_app_module(words)
    assert module == "award_portal"
    assert (ROOT / "award_portal" / "celery.py").is_file()
    from celery import Celery

    assert isinstance(importlib.import_module("award_portal.celery").app, Celery)
    assert name in words


def test_beat_uses_the_database_scheduler(services):
    words = _words(services["beat"]["command"])
    option = next(w for w in words if w.startswith("--scheduler") or w == "-S")
    scheduler = option.split("=", 1)[1] if "=" in option else words[words.index(option) + 1]
    assert scheduler == "django_celery_beat.schedulers:DatabaseScheduler"
    assert _import_attr(scheduler)


def test_worker_healthcheck_pings_the_worker(services):
    words = _healthcheck_words(services["worker"])
    assert words[0] == "celery" and _celery_app_module(words) == "award_portal"
    assert words[words.index("inspect") + 1] == "ping"


def test_beat_healthcheck_looks_for_the_beat_process(services):
    words = _healthcheck_words(services["beat"])
    assert "beat" in " ".join(words)


@pytest.mark.parametrize("name", sorted(SERVICES))
def test_depends_on_waits_for_healthy_services(services, name):
    depends = services[name].get("depends_on") or {}
    if name in APP_SERVICES:
        assert {"db", "redis"} <= set(depends), f"{name} must wait for db and redis"
    assert isinstance(depends, dict), "use the long depends_on form with a condition"
    for target, spec in depends.items():
        assert target in services, target
        assert spec.get("condition") == "service_healthy", (name, target)
        assert services[target].get("healthcheck"), target


@pytest.mark.parametrize("name", sorted(SERVICES))
def test_env_files_exist_or_have_an_example(services, name):
    env_files = services[name].get("env_file") or []
    if isinstance(env_files, str | dict):
        env_files = [env_files]
    if name in APP_SERVICES:
        assert env_files, f"{name} reads no env_file"
    for entry in env_files:
        path = entry["path"] if isinstance(entry, dict) else entry
        assert (ROOT / path).is_file() or (ROOT / f"{path}.example").is_file(), path


def test_volumes_are_declared_or_exist(compose, services):
    declared = set((compose.get("volumes") or {}).keys())
    used = set()
    for name, service in services.items():
        for volume in service.get("volumes") or []:
            source = volume["source"] if isinstance(volume, dict) else volume.split(":")[0]
            if source.startswith((".", "/", "~")):
                if source.startswith("."):
                    assert (ROOT / source).exists(), f"{name}: bind mount {source} missing"
            else:
                assert source in declared, f"{name}: volume {source} not declared"
                used.add(source)
    assert declared <= used, f"declared but unused volumes: {declared - used}"


def test_data_lives_in_named_volumes(services):
    def mounts(service):
        return {v.split(":")[1]: v.split(":")[0] for v in services[service].get("volumes") or []}

    assert "/var/lib/postgresql/data" in mounts("db")
    assert "/data" in mounts("redis")
    for name in ("web", "worker"):
        assert "/data/media" in mounts(name), f"{name} must see uploaded media"
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert "MEDIA_ROOT=/data/media" in dockerfile


def test_compose_variables_are_documented():
    names = set(re.findall(r"\$\{([A-Z][A-Z0-9_]*)", COMPOSE.read_text(encoding="utf-8")))
    missing = names - _env_example_names()
    assert not missing, f"variables used in docker-compose.yml but not in .env.example: {missing}"


def test_settings_variables_are_documented():
    """Every variable award_portal/settings.py reads is listed in .env.example."""
    text = (ROOT / "award_portal" / "settings.py").read_text(encoding="utf-8")
    names = set(re.findall(r"""(?:os\.environ\.get|os\.getenv|env(?:\.\w+)?|_secret)\(\s*f?["']([A-Z][A-Z0-9_]*)""",
                           text))
    assert {"DATABASE_URL", "REDIS_URL", "SECRET_KEY", "DEBUG"} <= names  # the regex still works
    if "_FILE" in text:
        names |= {f"{n}_FILE" for n in re.findall(r"""_secret\(\s*["']([A-Z][A-Z0-9_]*)""", text)}
    missing = names - _env_example_names()
    assert not missing, f"settings read these but .env.example does not list them: {missing}"
