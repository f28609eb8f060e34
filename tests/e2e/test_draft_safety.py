"""Nothing typed is lost on the application form: a reload right after typing, a closed tab, and
a real conflict with a second tab, in a real browser. The server refuses a stale or versionless
save; the page keeps what was typed in the browser until the server has it, and shows both texts
at the field when they really differ."""

import pytest

from applications.models import Application
from award_portal.demo import DEMO_PASSWORD
from tests.applications.support import draft, make_org, make_rep, open_round

from .conftest import CHROMIUM
from .test_application_browser import login

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(not CHROMIUM.exists(), reason=f"{CHROMIUM} is missing: the browser tests need Debian's chromium"),
]


@pytest.fixture
def applicant_draft(make_user):
    rnd = open_round("beijing")
    org = make_org(name="北京草稿安全测试有限公司")
    rep = make_rep(make_user, org)
    return rep, draft(rnd, org, rep)


def basic_url(application):
    return f"/applications/{application.pk}/edit/basic/"


def stored_basic(application):
    return Application.objects.get(pk=application.pk).draft_data.get("basic", {})


def wait_stored(page, application, name, value):
    """Poll the database (the page's own status may already read "saved" from an earlier save)."""
    for _ in range(60):
        if stored_basic(application).get(name) == value:
            return
        page.wait_for_timeout(100)
    assert stored_basic(application).get(name) == value


def wait_saved(page):
    page.wait_for_selector("#autosave-status.ok")


@pytest.mark.parametrize("wait_ms", [0, 300, 900])
def test_type_reload_at_once_find_the_text_and_save_without_a_conflict(new_page, applicant_draft, wait_ms):
    rep, application = applicant_draft
    page = new_page()
    login(page, rep.username, DEMO_PASSWORD)
    page.goto(basic_url(application))

    for round_ in range(3):  # the reported failure came 6 times in 6: repeat it here
        text = f"北京市海淀区刚输入的地址{wait_ms}-{round_}"
        page.fill("#id_address", text)
        page.wait_for_timeout(wait_ms)
        page.reload()
        assert page.input_value("#id_address") == text
        page.fill("#id_contact_name", f"质量部{round_}")  # the next edit after the reload
        wait_stored(page, application, "contact_name", f"质量部{round_}")
        page.wait_for_timeout(300)
        assert page.locator(".draft-conflict").count() == 0
        assert "error" not in page.get_attribute("#autosave-status", "class")
        assert (stored_basic(application)["address"], stored_basic(application)["contact_name"]) == (
            text, f"质量部{round_}")

    page.click("#save-continue")
    page.wait_for_load_state()
    assert page.locator("ul.messages li.error").count() == 0
    assert page.locator(".draft-conflict").count() == 0


def test_text_typed_in_a_closed_tab_is_there_when_the_step_is_opened_again(new_page, applicant_draft):
    rep, application = applicant_draft
    page = new_page()
    login(page, rep.username, DEMO_PASSWORD)
    context = page.context
    page.goto(basic_url(application))
    page.fill("#id_address", "关闭标签页之前输入的地址")
    page.close(run_before_unload=True)

    again = context.new_page()
    again.goto(basic_url(application))
    assert again.input_value("#id_address") == "关闭标签页之前输入的地址"
    assert again.locator(".draft-conflict").count() == 0
    # saved on page hide, or restored from the browser and saved now
    wait_stored(again, application, "address", "关闭标签页之前输入的地址")


def test_a_real_conflict_from_a_second_tab_keeps_both_texts_at_the_field(new_page, applicant_draft):
    rep, application = applicant_draft
    first = new_page()
    login(first, rep.username, DEMO_PASSWORD)
    second = first.context.new_page()
    first.goto(basic_url(application))
    second.goto(basic_url(application))

    first.fill("#id_address", "第一个窗口写的地址")
    wait_saved(first)
    second.fill("#id_address", "第二个窗口写的地址")

    box = second.locator(".field:has(#id_address) .draft-conflict")  # at the field, not only on top
    box.wait_for()
    assert box.locator(".conflict-stored").text_content() == "第一个窗口写的地址"
    assert box.locator(".conflict-mine").text_content() == "第二个窗口写的地址"
    assert second.input_value("#id_address") == "第二个窗口写的地址"
    assert "conflict" in second.get_attribute("#autosave-status", "class")
    assert stored_basic(application)["address"] == "第一个窗口写的地址"  # nothing overwritten

    # A reload before choosing loses neither text: the browser kept the unsaved one.
    second.reload()
    box = second.locator(".field:has(#id_address) .draft-conflict")
    box.wait_for()
    assert box.locator(".conflict-stored").text_content() == "第一个窗口写的地址"
    assert second.input_value("#id_address") == "第二个窗口写的地址"
    second.wait_for_timeout(1500)
    assert stored_basic(application)["address"] == "第一个窗口写的地址"  # still waiting for the choice

    # Saving the step waits for the choice too.
    second.click("#save-continue")
    assert second.url.endswith("/edit/basic/")

    second.click(".draft-conflict button[data-conflict-use='mine']")
    wait_stored(second, application, "address", "第二个窗口写的地址")
    assert second.locator(".draft-conflict").count() == 0
    assert stored_basic(application)["address"] == "第二个窗口写的地址"


def test_choosing_the_stored_version_puts_it_in_the_field(new_page, applicant_draft):
    rep, application = applicant_draft
    first = new_page()
    login(first, rep.username, DEMO_PASSWORD)
    second = first.context.new_page()
    first.goto(basic_url(application))
    second.goto(basic_url(application))
    first.fill("#id_address", "同事保存的地址")
    wait_saved(first)
    second.fill("#id_address", "我没保存的地址")
    second.locator(".draft-conflict").wait_for()

    second.click(".draft-conflict button[data-conflict-use='stored']")

    assert second.input_value("#id_address") == "同事保存的地址"
    assert second.locator(".draft-conflict").count() == 0
    second.fill("#id_contact_name", "之后的修改")
    wait_stored(second, application, "contact_name", "之后的修改")
    assert (stored_basic(application)["address"], stored_basic(application)["contact_name"]) == (
        "同事保存的地址", "之后的修改")
