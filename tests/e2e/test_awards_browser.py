"""Browser: the office records the government's approval, publishes the commendation decision and
confers the awards on the round's page; an anonymous visitor then checks a certificate's code and
reads that it is genuine."""

import datetime

import pytest
from django.core.cache import cache
from django.utils import timezone

from award_portal.demo import DEMO_PASSWORD
from award_portal.roles import Role
from awards.models import Certificate, CommendationDecision
from tests.awards.support import approval_round

from .conftest import CHROMIUM
from .test_application_browser import login

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(not CHROMIUM.exists(), reason=f"{CHROMIUM} is missing: the browser tests need Debian's chromium"),
]


def test_office_approves_decides_confers_and_the_public_verifies(new_page, transactional_db, make_user, tmp_path):
    office = make_user(Role.OFFICE, username="award-office")
    o = approval_round(n_award=2, n_nomination=1)
    day = (timezone.localdate() - datetime.timedelta(days=1)).isoformat()
    page = new_page()
    page.on("dialog", lambda dialog: dialog.accept())
    login(page, office.username, DEMO_PASSWORD)

    page.goto(f"/awards/rounds/{o.round.pk}/")
    assert page.locator("#approval-form input[type=checkbox]:checked").count() == 3
    page.fill("#id_approved_on", day)
    page.fill("#id_document_number", "京政字〔2026〕5号")
    page.click("#approval-form button[type=submit]")
    assert page.locator("#approved-list tbody tr").count() == 3

    page.fill("#id_document_number", "京政发〔2026〕55号")
    page.fill("#id_issued_on", day)
    page.click("#decision-form button[type=submit]")
    decision = CommendationDecision.objects.get(round=o.round)
    assert decision.audit_hash in page.text_content("#decision")

    page.fill("#id_conferred_on", day)
    page.click("#confer-form button[type=submit]")
    assert page.locator("#certificates tbody tr").count() == 3
    page.screenshot(path=str(tmp_path / "certificates.png"), full_page=True)

    cache.clear()
    certificate = Certificate.objects.order_by("number").first()
    visitor = new_page()
    visitor.goto("/awards/verify/")
    visitor.fill("#id_code", certificate.code_display.lower())
    visitor.click("#verify-form button[type=submit]")
    assert visitor.get_attribute("#verdict", "data-verdict") == "genuine"
    assert certificate.organization_name in visitor.text_content("#certificate-facts")
    visitor.screenshot(path="/tmp/awards-verify.png", full_page=True)
    page.goto(f"/awards/rounds/{o.round.pk}/")
    page.screenshot(path="/tmp/awards-round.png", full_page=True)
