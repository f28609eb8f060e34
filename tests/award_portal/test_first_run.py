"""First run: a favicon served from our own static files, the demo's address and reset (Makefile)."""

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.django_db
def test_every_page_links_the_local_favicon(client):
    page = client.get("/").content.decode()

    assert '<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">' in page
    assert (ROOT / "static" / "favicon.svg").read_text().startswith("<svg")


def test_makefile_has_demo_reset_and_prints_the_served_port():
    makefile = (ROOT / "Makefile").read_text()

    assert "\ndemo-reset: venv\n" in makefile
    assert 'load_demo --url "http://$(HOST):$$port/"' in makefile
    assert "runserver $(HOST):$$port" in makefile


@pytest.mark.django_db
def test_load_demo_prints_the_given_address(monkeypatch):
    import award_portal.management.commands.load_demo as load_demo

    monkeypatch.setattr(load_demo.apps, "get_app_configs", lambda: [])  # the logins only, no data
    out = StringIO()

    call_command("load_demo", "--url", "http://127.0.0.1:8001/", stdout=out)

    assert "Demo logins (http://127.0.0.1:8001/accounts/login/):" in out.getvalue()
