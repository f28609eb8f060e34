"""The application form as the browser lays it out, at desktop width and at 390 px: each radio
button and the commitment checkbox on the line of its label, the disabled submit button greyed
out, a submitted form locked (banner, disabled inputs). Set UI_SCREENSHOTS=1 to keep screenshots
in /tmp/ui_*.png."""

import os

import pytest

from award_portal.demo import DEMO_PASSWORD
from tests.applications.support import draft, make_org, make_rep, open_round, submitted_application

from .conftest import CHROMIUM
from .test_application_browser import login

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(not CHROMIUM.exists(), reason=f"{CHROMIUM} is missing: the browser tests need Debian's chromium"),
]

WIDTHS = {"desktop": 1280, "phone": 390}


def shot(page, name):
    if os.environ.get("UI_SCREENSHOTS"):
        page.screenshot(path=f"/tmp/ui_{name}.png", full_page=True)


def same_line(page, control, text):
    """The control's vertical centre lies within the text's box, and the text starts right of it."""
    a, b = control.bounding_box(), text.bounding_box()
    centre = a["y"] + a["height"] / 2
    return b["y"] - 2 <= centre <= b["y"] + b["height"] + 2 and b["x"] >= a["x"] + a["width"] - 1


@pytest.mark.parametrize("width", list(WIDTHS))
def test_choices_beside_their_labels_and_disabled_submit_looks_disabled(new_page, make_user, width):
    rnd = open_round()
    org = make_org()
    rep = make_rep(make_user, org)
    application = draft(rnd, org, rep)
    page = new_page()
    page.set_viewport_size({"width": WIDTHS[width], "height": 900})
    login(page, rep.username, DEMO_PASSWORD)

    page.goto(f"/applications/{application.pk}/edit/declarations/")
    choices = page.locator("label.choice")
    assert choices.count() >= 2
    for i in range(choices.count()):
        label = choices.nth(i)
        assert same_line(page, label.locator("input"), label.locator("span"))
    shot(page, f"declarations_{width}")

    page.goto(f"/applications/{application.pk}/edit/commitment/")
    box = page.locator("label.choice[for=id_accept]")
    assert same_line(page, box.locator("input"), box.locator("span"))
    shot(page, f"commitment_{width}")

    page.goto(f"/applications/{application.pk}/edit/review/")
    button = page.locator("#submit-application")
    assert button.is_disabled()
    style = button.evaluate("b => [getComputedStyle(b).backgroundColor, getComputedStyle(b).cursor]")
    assert style == ["rgb(213, 217, 222)", "not-allowed"]
    shot(page, f"review_{width}")


def test_submitted_form_reads_as_locked(new_page, make_user):
    rnd = open_round()
    org = make_org()
    rep = make_rep(make_user, org)
    application = submitted_application(rnd, org, rep)
    page = new_page()
    login(page, rep.username, DEMO_PASSWORD)

    page.goto(f"/applications/{application.pk}/edit/basic/")
    assert page.locator("#form-locked").is_visible()
    assert page.locator("#save-continue").count() == 0
    address = page.locator("#id_address")
    assert address.is_disabled() and address.input_value().startswith("测试路")
    assert address.evaluate("e => getComputedStyle(e).borderStyle") == "dashed"
    page.locator("a.step[data-step=report]").click()
    page.wait_for_url("**/edit/report/")
    shot(page, "locked_desktop")
