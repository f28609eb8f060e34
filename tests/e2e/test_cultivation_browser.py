"""Browser: the campaign dashboard draws its four charts with the vendored ECharts (a canvas in
each chart box) without a console error or a CSP violation, for the office and on the public
progress page, in Chinese and in English."""

import datetime
import os

import pytest
from django.utils import timezone

from award_portal.demo import DEMO_PASSWORD
from cultivation import campaigns
from tests.applications.factories import make_org
from tests.cultivation.support import applied, setup

from .conftest import CHROMIUM
from .test_application_browser import login

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(not CHROMIUM.exists(), reason=f"{CHROMIUM} is missing: the browser tests need Debian's chromium"),
]


def _watch(page):
    errors = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    return errors


def _charts_drawn(page):
    page.wait_for_selector("[data-chart=timeline] canvas")
    return page.locator(".cultivation-chart canvas").count()


def test_dashboard_and_public_progress_draw_their_charts(new_page, live_server, transactional_db, make_user, tmp_path):
    o = setup(make_user)
    day = timezone.localdate() - datetime.timedelta(days=40)
    for _ in range(5):
        t = campaigns.organization_track(campaign_id=o.campaign.pk, actor=o.office,
                                         credit_code=make_org(region="330106").credit_code, cultivated=True)
        campaigns.method_adopt(tracked_id=t.pk, actor=o.office, method="excellence", adopted_on=day)
    applied(o.orgs[0])

    page = new_page()
    errors = _watch(page)
    login(page, o.office.username, DEMO_PASSWORD)
    page.goto(f"/cultivation/campaigns/{o.campaign.pk}/")
    assert _charts_drawn(page) == 4
    assert page.text_content("#progress-table tr[data-figure=cultivated] td") == "6"
    page.screenshot(path=str(tmp_path / "dashboard.png"), full_page=True)
    if os.environ.get("CULTIVATION_SCREENSHOT"):
        page.screenshot(path=os.environ["CULTIVATION_SCREENSHOT"], full_page=True)

    public = new_page()
    public_errors = _watch(public)
    public.context.add_cookies([{"name": "django_language", "value": "en", "url": live_server.url}])
    public.goto(f"/cultivation/campaigns/{o.campaign.pk}/progress/")
    assert _charts_drawn(public) == 4
    assert o.orgs[0].name not in public.content()
    assert "Organisations cultivated to apply" in public.text_content("#progress-table")
    assert errors == [] and public_errors == [], errors + public_errors
