"""Browser: an expert scores three items (totals update live, autosave), reloads and finds them,
submits, and the scorecard is locked."""

import pytest

from award_portal.demo import DEMO_PASSWORD
from review import scoring
from review.models import Scorecard
from tests.review.conftest import review_objects  # noqa: F401, F811  (the fixture)

from .conftest import CHROMIUM
from .test_application_browser import login

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(not CHROMIUM.exists(), reason=f"{CHROMIUM} is missing: the browser tests need Debian's chromium"),
]


def test_an_expert_scores_three_items_reloads_finds_them_submits_and_is_locked(new_page, review_objects):  # noqa: F811
    o = review_objects
    page = new_page()
    login(page, o.users["expert_a"].username, DEMO_PASSWORD)
    url = f"/review/applications/{o.app_a.pk}/score/"
    page.goto(url)
    card = Scorecard.objects.get(application=o.app_a, expert=o.expert_a)
    rows = scoring.item_scores(card)
    chosen = {rows[0]: "50", rows[1]: "75", rows[2]: "100"}
    for row, percent in chosen.items():
        page.select_option(f"#p-{row.item_id}", percent)
    page.fill(f"#s-{rows[0].item_id}", "领导层方法系统")
    expected = sum(int(p) * r.item.points / 100 for r, p in chosen.items())
    shown = f"{expected:.2f}".rstrip("0").rstrip(".")
    assert page.text_content("#scorecard-total").strip() == shown  # live, without a reload
    assert page.text_content(f'[data-band-for="{rows[0].item_id}"]').strip() != ""
    # Autosave reaches the server.
    page.wait_for_function(
        "() => document.getElementById('autosave-status').classList.contains('ok')", timeout=15_000)
    page.reload()
    for row, percent in chosen.items():
        assert page.input_value(f"#p-{row.item_id}") == percent
    assert page.input_value(f"#s-{rows[0].item_id}") == "领导层方法系统"
    assert page.text_content("#scorecard-total").strip() == shown
    # The rest by keyboard-free shortcut: fill every other item, then submit (confirming).
    for row in rows[3:]:
        page.select_option(f"#p-{row.item_id}", "40")
    page.on("dialog", lambda dialog: dialog.accept())
    page.click("button[name=action][value=submit]")
    page.wait_for_selector(".scorecard-locked")
    card.refresh_from_db()
    assert card.status == Scorecard.Status.SUBMITTED
    assert page.is_disabled(f"#p-{rows[0].item_id}")
    assert page.locator("button[name=action]").count() == 0
    assert card.item_scores.get(item_id=rows[1].item_id).percent == 75
