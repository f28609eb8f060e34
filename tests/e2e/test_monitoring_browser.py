"""Browser: the winner's member finds the incident on its award page and explains it in writing;
the office reads the explanation and closes the incident with a finding."""

import datetime

import pytest
from django.utils import timezone

from award_portal.demo import DEMO_PASSWORD
from award_portal.roles import Role
from monitoring.incidents import incident_record
from monitoring.models import Incident
from tests.awards.support import approval_round, conferred, member

from .conftest import CHROMIUM
from .test_application_browser import login

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(not CHROMIUM.exists(), reason=f"{CHROMIUM} is missing: the browser tests need Debian's chromium"),
]


def test_winner_explains_and_office_closes(new_page, transactional_db, make_user):
    office = make_user(Role.OFFICE, username="monitoring-office")
    o = approval_round(n_award=1, n_nomination=0, notice_days_ago=300)
    conferred(office, o, days_ago=200)
    rep = member(make_user, o.apps[0])
    incident = incident_record(application_id=o.apps[0].pk, actor=office, kind=Incident.Kind.FRAUD,
                               occurred_on=timezone.localdate() - datetime.timedelta(days=3),
                               title="来信反映申报数据不实", description="")

    page = new_page()
    login(page, rep.username, DEMO_PASSWORD)
    page.goto("/monitoring/mine/")
    page.click(f'a[href="/monitoring/incidents/{incident.pk}/"]')
    page.fill("#id_explanation", "申报数据与年报一致，附说明。")
    page.click("main form button[type=submit]")
    page.wait_for_url(f"**/monitoring/incidents/{incident.pk}/")
    incident.refresh_from_db()
    assert incident.status == Incident.Status.EXPLAINED

    office_page = new_page()
    login(office_page, office.username, DEMO_PASSWORD)
    office_page.goto("/monitoring/incidents/")
    office_page.click(f'a[href="/monitoring/incidents/{incident.pk}/"]')
    assert "申报数据与年报一致" in office_page.text_content("main")
    office_page.select_option("#id_finding", "no_action")
    office_page.fill("#id_text", "经核实，数据一致，不予处理。")
    office_page.click('form[action$="/close/"] button[type=submit]')
    office_page.wait_for_url(f"**/monitoring/incidents/{incident.pk}/")
    incident.refresh_from_db()
    assert incident.status == Incident.Status.CLOSED
