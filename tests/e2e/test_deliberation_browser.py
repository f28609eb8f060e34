"""Browser: a committee member finds the open secret ballot, marks the candidates (the page counts
the votes in favour against the places), casts the ballot, notes the receipt; once the vote is
closed, an anonymous visitor checks the receipt and reads "counted" and nothing of the vote."""

import re

import pytest

from award_portal.demo import DEMO_PASSWORD
from deliberation import voting
from deliberation.models import Ballot
from tests.deliberation.conftest import prepare, scores, world  # noqa: F401  (the fixtures)

from .conftest import CHROMIUM
from .test_application_browser import login

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(not CHROMIUM.exists(), reason=f"{CHROMIUM} is missing: the browser tests need Debian's chromium"),
]


def test_a_member_casts_a_secret_ballot_and_the_receipt_verifies(new_page, transactional_db, world):  # noqa: F811
    w = world
    meeting = prepare(w)
    vote = voting.vote_create(meeting_id=meeting.pk, actor=w.office, tier_id=w.secret.pk)
    voting.vote_open(vote_id=vote.pk, actor=w.office)
    candidates = list(vote.candidates.order_by("position"))

    page = new_page()
    login(page, w.members[1].username, DEMO_PASSWORD)
    page.goto("/")
    page.click(f'a[href="/deliberation/votes/{vote.pk}/"]')  # the home page's to-do
    for i, candidate in enumerate(candidates):
        page.check(f'input[name="c_{candidate.pk}"][value="{"yes" if i < 3 else "no"}"]')
    assert page.text_content("#ballot-count").strip() == "3 / 2"  # one too many in favour
    page.check(f'input[name="c_{candidates[2].pk}"][value="abstain"]')
    assert page.text_content("#ballot-count").strip() == "2 / 2"
    page.click("#ballot-form button[type=submit]")

    receipt = page.text_content("#receipt code").strip()
    assert re.fullmatch(r"V\d+-[A-Z2-7]{4}-[A-Z2-7]{4}-[A-Z2-7]{4}-[A-Z2-7]{4}", receipt)
    assert Ballot.objects.filter(vote=vote).count() == 1
    voting.vote_close(vote_id=vote.pk, actor=w.office)

    visitor = new_page()
    visitor.goto("/deliberation/receipt/")
    visitor.fill("#receipt", receipt.lower())
    visitor.click("#receipt-form button[type=submit]")
    answer = visitor.text_content("#answer")
    assert "已计入" in answer
    assert candidates[0].application.organization.name not in answer
