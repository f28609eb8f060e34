"""Security baseline (GB/T 22239-2019 level 3): the Content-Security-Policy and the templates it
constrains, HSTS and the proxy's scheme header, no-store on confidential responses, the API
without its browsable HTML in production, the 400/403/404/500 pages in Chinese and English, and
production refusing to start with a weak SECRET_KEY (settings imported in a subprocess)."""

import json
import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.test import Client, override_settings
from django.urls import path, reverse

from applications import drafts
from award_portal import urls as portal_urls
from tests.applications.support import draft, make_org, make_rep, open_round, pdf_bytes

ROOT = Path(__file__).resolve().parents[2]
TEMPLATES = ROOT / "templates"


# ------------------------------------------------------------------ a URLconf with failing views

def _forbidden(request):
    raise PermissionDenied


def _broken(request):
    raise RuntimeError("boom")


urlpatterns = [path("__forbidden__/", _forbidden), path("__broken__/", _broken), *portal_urls.urlpatterns]
THIS_URLCONF = __name__


# ------------------------------------------------------------------ Content-Security-Policy

def _policy(response) -> dict[str, list[str]]:
    directives = [d.strip().split() for d in response["Content-Security-Policy"].split(";") if d.strip()]
    return {d[0]: d[1:] for d in directives}


@pytest.mark.django_db
def test_csp_forbids_inline_code_and_other_origins(client):
    policy = _policy(client.get(reverse("home")))

    assert policy == {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
    }


@pytest.mark.django_db
def test_csp_is_on_logged_in_pages_and_error_pages(client, make_user):
    client.force_login(make_user("office"))

    for response in (client.get(reverse("round-list")), client.get("/no-such-page/")):
        assert "'unsafe-inline'" not in response["Content-Security-Policy"]
        assert _policy(response)["script-src"] == ["'self'"]


def _web_templates():
    """Every HTML template a browser receives (the PDF templates go to WeasyPrint only)."""
    return sorted(p for p in TEMPLATES.rglob("*.html") if "pdf" not in p.relative_to(TEMPLATES).parts)


def test_templates_have_no_inline_scripts_styles_or_handlers():
    offenders = []
    for template in _web_templates():
        text = template.read_text(encoding="utf-8")
        for pattern in (r"<script(?![^>]*\bsrc=)[^>]*>", r"<style\b", r"\sstyle=", r"\son[a-z]+=",
                        r"javascript:"):
            offenders += [f"{template.relative_to(ROOT)}: {m.group(0)}"
                          for m in re.finditer(pattern, text, flags=re.IGNORECASE)]
    assert len(_web_templates()) > 20
    assert offenders == []


def test_scripts_do_not_write_style_attributes_or_evaluate_strings():
    offenders = []
    for script in sorted((ROOT / "static" / "js").glob("*.js")):
        text = script.read_text(encoding="utf-8")
        for pattern in (r"setAttribute\(\s*[\"']style", r"\beval\(", r"new Function\(", r"innerHTML\s*=",
                        r"setTimeout\(\s*[\"']"):
            offenders += [f"{script.name}: {m.group(0)}" for m in re.finditer(pattern, text)]
    assert offenders == []


# ------------------------------------------------------------------ HSTS and the proxy header

@pytest.mark.django_db
@override_settings(SECURE_HSTS_SECONDS=31_536_000, SECURE_PROXY_SSL_HEADER=None)
def test_hsts_only_on_https_and_a_forged_scheme_header_is_not_https(client):
    assert client.get(reverse("home"), secure=True)["Strict-Transport-Security"] == "max-age=31536000"
    assert "Strict-Transport-Security" not in client.get(reverse("home"))
    # Without SECURE_PROXY_SSL_HEADER configured, a client's X-Forwarded-Proto means nothing.
    assert "Strict-Transport-Security" not in client.get(reverse("home"), HTTP_X_FORWARDED_PROTO="https")


@pytest.mark.django_db
@override_settings(SECURE_HSTS_SECONDS=31_536_000, SECURE_PROXY_SSL_HEADER=("HTTP_X_FORWARDED_PROTO", "https"))
def test_hsts_behind_a_configured_proxy(client):
    response = client.get(reverse("home"), HTTP_X_FORWARDED_PROTO="https")

    assert response["Strict-Transport-Security"] == "max-age=31536000"


# ------------------------------------------------------------------ Cache-Control: no-store

@pytest.mark.django_db
def test_public_pages_seen_anonymously_may_be_cached(client):
    response = client.get(reverse("programs"))

    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")


@pytest.mark.django_db
def test_every_page_behind_login_is_no_store(client, make_user):
    client.force_login(make_user("office"))

    for url in (reverse("home"), reverse("round-list"), reverse("programs"), reverse("notifications")):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "no-store" in response["Cache-Control"].split(", "), url
        assert "private" in response["Cache-Control"].split(", "), url
        assert "Cookie" in response["Vary"], url


@pytest.fixture
def application_with_attachment(make_user):
    rnd = open_round("beijing")
    rep = make_rep(make_user, make_org())
    application = draft(rnd, rep.organizations.get(), rep)
    drafts.attachment_add(application_id=application.pk, actor=rep,
                          upload=ContentFile(pdf_bytes(), name="质量手册.pdf"))
    return application, rep


@pytest.mark.django_db
def test_attachment_downloads_and_application_pdfs_are_no_store(client, application_with_attachment):
    application, rep = application_with_attachment
    client.force_login(rep)

    download = client.get(reverse("attachment-download", args=[application.attachments.get().pk]))
    pdf = client.get(reverse("application-pdf", args=[application.pk]))

    assert download.status_code == 200 and pdf.status_code == 200
    assert b"".join(download.streaming_content) == pdf_bytes()
    assert pdf.content.startswith(b"%PDF-")
    for response in (download, pdf):
        assert "no-store" in response["Cache-Control"].split(", ")
        assert response["Content-Disposition"].startswith("attachment")


# ------------------------------------------------------------------ API: JSON only in production

@pytest.mark.django_db
def test_api_answers_a_browser_with_json_not_the_browsable_api(client, make_user):
    client.force_login(make_user("office"))

    response = client.get("/api/programs/", HTTP_ACCEPT="text/html,application/xhtml+xml,*/*;q=0.8")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert "results" in response.json()
    assert client.get("/api/programs/", HTTP_ACCEPT="text/html").status_code == 406


# ------------------------------------------------------------------ 400 / 403 / 404 / 500 pages

@pytest.mark.django_db
@pytest.mark.parametrize(("language", "heading"), [("zh-hans", "页面不存在"), ("en", "Page not found")])
def test_404_page_in_the_visitors_language(client, language, heading):
    client.cookies["django_language"] = language

    response = client.get("/no-such-page/")

    assert response.status_code == 404
    assert f"<h1>{heading}</h1>" in response.content.decode()
    assert 'data-status="404"' in response.content.decode()


@pytest.mark.django_db
@override_settings(ROOT_URLCONF=THIS_URLCONF)
@pytest.mark.parametrize(("language", "heading"), [("zh-hans", "无权访问"), ("en", "Access denied")])
def test_403_page_in_the_visitors_language(client, language, heading):
    client.cookies["django_language"] = language

    response = client.get("/__forbidden__/")

    assert response.status_code == 403
    assert f"<h1>{heading}</h1>" in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(("language", "heading"), [("zh-hans", "请求有误"), ("en", "Bad request")])
def test_400_page_for_an_unknown_host(client, language, heading):
    client.cookies["django_language"] = language

    response = client.get("/", HTTP_HOST="evil.example")

    assert response.status_code == 400
    assert f"<h1>{heading}</h1>" in response.content.decode()


@pytest.mark.django_db
@override_settings(ROOT_URLCONF=THIS_URLCONF)
@pytest.mark.parametrize(("language", "heading"), [("zh-hans", "服务器错误"), ("en", "Server error")])
def test_500_page_in_the_visitors_language_without_leaking_the_error(language, heading):
    client = Client(raise_request_exception=False)
    client.cookies["django_language"] = language

    response = client.get("/__broken__/")

    text = response.content.decode()
    assert response.status_code == 500
    assert f"<h1>{heading}</h1>" in text
    assert "boom" not in text and "Traceback" not in text
    assert _policy(response)["script-src"] == ["'self'"]


def test_500_template_renders_without_a_request():
    from django.template import loader
    from django.utils import translation

    with translation.override("en"):
        text = loader.get_template("500.html").render()

    assert "<h1>Server error</h1>" in text


# ------------------------------------------------------------------ production settings

def _settings_in_subprocess(**environ) -> subprocess.CompletedProcess:
    """Import award_portal.settings in a fresh interpreter with exactly these variables."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("SECRET_KEY", "AUDIT_HMAC_KEY", "DEBUG", "SECURE_", "AWARD_ALLOW", "DJANGO_"))}
    env["AUDIT_HMAC_KEY"] = secrets.token_urlsafe(50)  # the audit trail's own key, refused when missing
    env.update(environ)
    code = ("import json, award_portal.settings as s; print(json.dumps({"
            "'hsts': getattr(s, 'SECURE_HSTS_SECONDS', 0), 'proxy': getattr(s, 'SECURE_PROXY_SSL_HEADER', None), "
            "'renderers': s.REST_FRAMEWORK.get('DEFAULT_RENDERER_CLASSES'), 'key_length': len(s.SECRET_KEY)}))")
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=60)


def _refusal(result) -> str:
    assert result.returncode != 0, result.stdout
    return result.stderr.strip().splitlines()[-1]


@pytest.mark.parametrize(("key", "reason"), [
    ("x", "it has 1 characters, at least 50 are needed"),
    ("test-secret-key-not-for-production", "it has 34 characters, at least 50 are needed"),
    ("a" * 60, "it repeats fewer than 5 distinct characters"),
    ("change-me-to-a-long-random-string-change-me-to-a-long-random-string", "it is a known placeholder"),
    ("django-insecure-" + "k3$9x!qz7w" * 5, "it is a known placeholder"),
])
def test_production_refuses_a_weak_secret_key(key, reason):
    last_line = _refusal(_settings_in_subprocess(DEBUG="0", SECRET_KEY=key))

    assert last_line.startswith(f"RuntimeError: SECRET_KEY is too weak for production: {reason}")
    assert "secrets.token_urlsafe(50)" in last_line


def test_production_refuses_a_missing_secret_key():
    last_line = _refusal(_settings_in_subprocess(DEBUG="0"))

    assert last_line == "RuntimeError: SECRET_KEY must be set when DEBUG is off (or set SECRET_KEY_FILE)."


def test_production_refuses_a_weak_key_file(tmp_path):
    key_file = tmp_path / "key"
    key_file.write_text("short\n")

    last_line = _refusal(_settings_in_subprocess(DEBUG="0", SECRET_KEY=secrets.token_urlsafe(50),
                                                 SECRET_KEY_FILE=str(key_file)))

    assert "it has 5 characters" in last_line


def test_production_starts_with_a_strong_key_and_its_defaults():
    result = _settings_in_subprocess(DEBUG="0", SECRET_KEY=secrets.token_urlsafe(50))

    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {"hsts": 31_536_000, "proxy": None, "key_length": 67,
                                         "renderers": ["rest_framework.renderers.JSONRenderer"]}


def test_production_trusts_the_proxy_header_it_is_told_about():
    result = _settings_in_subprocess(DEBUG="0", SECRET_KEY=secrets.token_urlsafe(50),
                                     SECURE_PROXY_SSL_HEADER="X-Forwarded-Proto", SECURE_HSTS_SECONDS="0")

    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["proxy"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    assert json.loads(result.stdout)["hsts"] == 0


def test_development_needs_no_key_and_keeps_the_browsable_api():
    result = _settings_in_subprocess(DEBUG="1")

    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {"hsts": 0, "proxy": None, "renderers": None,
                                         "key_length": len("insecure-development-key-do-not-use-in-production")}


def test_throwaway_setups_may_opt_out_explicitly():
    result = _settings_in_subprocess(DEBUG="0", SECRET_KEY="x", AWARD_ALLOW_INSECURE_KEY="1")

    assert result.returncode == 0, result.stderr


# ------------------------------------------------------------------ gunicorn's timeout

def test_gunicorn_timeout_is_set_deliberately_in_the_image_and_in_compose():
    import shlex

    import yaml

    cmd = re.search(r"^CMD\s+(\[.*?\])\s*$", (ROOT / "Dockerfile").read_text(), flags=re.MULTILINE | re.DOTALL)
    image = yaml.safe_load(cmd.group(1).replace("\\\n", " "))
    web = shlex.split(shlex.split(yaml.safe_load((ROOT / "docker-compose.yml").read_text())
                                  ["services"]["web"]["command"])[2])

    for words in (image, web):
        assert words[words.index("--timeout") + 1] == "60"
        assert words[words.index("--graceful-timeout") + 1] == "30"
