"""The application journey in a real browser: an organisation registers, fills in every step
(with a reload and an autosave in between that must lose nothing), uploads evidence, accepts
the commitment letter and submits; its recommending authority endorses with a stamped form;
the office settles the eligibility rules and marks it eligible."""

import datetime
import random
import time

import pytest
from django.utils import timezone

from applications import forms as step_forms
from applications import uscc
from applications.enums import ApplicationState, RoundPhase
from applications.models import Application, Organization
from award_portal.demo import DEMO_PASSWORD
from tests.applications.support import (
    advance,
    authority,
    draft,
    make_org,
    make_recommender_user,
    make_rep,
    open_round,
    pdf_bytes,
)

from .conftest import CHROMIUM

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(not CHROMIUM.exists(), reason=f"{CHROMIUM} is missing: the browser tests need Debian's chromium"),
]

ORG_NAME = "北京浏览器测试精工有限公司"
APPLICANT_PASSWORD = "Zhiliang-2026-liulanqi"
REPORT = ("本组织以顾客为关注焦点，建立并持续改进卓越绩效管理体系，高层领导亲自推动质量战略，"
          "通过方针目标管理将战略分解到各部门，定期开展绩效评审和对标。") * 4


def login(page, username, password):
    page.goto("/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("main form button[type=submit]")
    page.wait_for_load_state()


def save_and_continue(page, next_step):
    page.click("#save-continue")
    page.wait_for_url(f"**/edit/{next_step}/")


def values_of(page, selectors):
    return {selector: page.input_value(selector) for selector in selectors}


def test_register_apply_recommend_and_find_eligible(new_page, live_server, make_user):
    started = time.monotonic()
    # The stage: the shipped programs, an open Beijing round, a member of its recommending authority.
    office = make_user(role="office", username="office-e2e", full_name="评审办")
    rnd = open_round("beijing")
    recommender = make_recommender_user(make_user, rnd.program, username="recommender-e2e", full_name="推荐人")
    code = uscc.generate(random.Random("e2e"), region="110108")
    # Registered a year ago: the "three years registered" rule fails and the office must decide.
    registered_on = (timezone.localdate() - datetime.timedelta(days=365)).isoformat()

    # --- the applicant registers the organisation ------------------------------------------
    page = new_page()
    page.goto("/register/")
    page.fill("#id_org-credit_code", code)
    page.fill("#id_org-name", ORG_NAME)
    page.fill("#id_org-registered_on", registered_on)
    page.select_option("#id_org-legal_form", "company")
    page.fill("#id_org-address", "北京市海淀区上地十街1号")
    page.select_option("#id_org-industry_section", "C")
    page.fill("#id_org-industry_division", "3742")
    page.fill("#id_org-contact_name", "质量部")
    page.fill("#id_org-contact_phone", "010-62000000")
    page.fill("#id_org-contact_email", "quality@e2e.example.cn")
    page.fill("#id_user-username", "applicant-e2e")
    page.fill("#id_user-full_name", "申报人")
    page.fill("#id_user-email", "applicant@e2e.example.cn")
    page.fill("#id_user-password", APPLICANT_PASSWORD)
    page.click("main form button[type=submit]")
    page.wait_for_url("**/applications/new/")
    org = Organization.objects.get(credit_code=code)

    # --- starts an application ---------------------------------------------------------------
    page.select_option("#id_round", str(rnd.pk))
    page.select_option("#id_organization", str(org.pk))
    page.click("main form button[type=submit]")
    page.wait_for_url("**/edit/basic/")
    application = Application.objects.get(round=rnd, organization=org)

    # --- basic information -------------------------------------------------------------------
    tier = rnd.program.tiers.order_by("rank").first()
    page.select_option("#id_tier_applied", str(tier.pk))
    page.select_option("#id_recommender", str(authority(rnd.program).pk))
    basic = {"#id_employees": "620", "#id_revenue_10k": "32000", "#id_assets_10k": "41000", "#id_muju_year": "2025",
             "#id_strategic_industry": "航空航天", "#id_excellence_model_since": "2016-01-01",
             "#id_contact_name": "质量部 张工", "#id_contact_phone": "010-62000001"}
    for selector, value in basic.items():
        page.fill(selector, value)
    page.select_option("#id_muju_grade", "A")
    save_and_continue(page, "declarations")

    # --- declarations ------------------------------------------------------------------------
    keys = [rule.params["key"] for rule in step_forms.declaration_rules(rnd.program)]
    assert keys
    for key in keys:
        page.check(f"input[name='{key}'][value='yes']")
    save_and_continue(page, "figures")

    # --- reload: every value is still there --------------------------------------------------
    page.goto(f"/applications/{application.pk}/edit/basic/")
    page.reload()
    expected_basic = {**basic, "#id_tier_applied": str(tier.pk), "#id_recommender": str(authority(rnd.program).pk),
                      "#id_muju_grade": "A", "#id_address": "北京市海淀区上地十街1号", "#id_legal_form": "company",
                      "#id_registered_on": registered_on, "#id_industry_section": "C",
                      "#id_contact_email": "quality@e2e.example.cn"}
    assert values_of(page, expected_basic) == expected_basic
    page.goto(f"/applications/{application.pk}/edit/declarations/")
    page.reload()
    assert [page.is_checked(f"input[name='{key}'][value='yes']") for key in keys] == [True] * len(keys)

    # --- an autosaved value survives a reload ------------------------------------------------
    page.goto(f"/applications/{application.pk}/edit/basic/")
    page.fill("#id_strategic_industry", "低空经济")
    page.wait_for_selector("#autosave-status.ok")
    assert page.text_content("#autosave-status").strip()
    page.reload()
    assert page.input_value("#id_strategic_industry") == "低空经济"
    save_and_continue(page, "declarations")
    page.goto(f"/applications/{application.pk}/edit/figures/")

    # --- key figures -------------------------------------------------------------------------
    for i, year in enumerate(step_forms.figure_years(application)):
        for name, value in [("revenue_10k", 28000 + 2000 * i), ("profit_10k", 2100 + 150 * i),
                            ("tax_10k", 1500 + 90 * i), ("employees", 580 + 20 * i), ("rd_spend_10k", 900 + 60 * i)]:
            page.fill(f"input[name='{name}_{year}']", str(value))
        page.fill(f"input[name='quality_indicator_{year}']", "一次交验合格率99.3%")
    save_and_continue(page, "report")

    # --- self-assessment report: seven categories, at least 200 characters each --------------
    areas = page.locator("#step-form textarea")
    assert areas.count() == 7
    for index in range(areas.count()):
        areas.nth(index).fill(REPORT)
    assert len(REPORT) >= 200
    save_and_continue(page, "attachments")

    # --- evidence ----------------------------------------------------------------------------
    page.set_input_files("input[name='file']", {"name": "质量管理体系证书.pdf", "mimeType": "application/pdf",
                                                "buffer": pdf_bytes("ISO 9001 certificate")})
    page.fill("input[name='description']", "质量管理体系认证证书")
    page.click("form[enctype='multipart/form-data'] button[type=submit]")
    page.wait_for_selector("a[href^='/attachments/']")
    assert page.text_content("a[href^='/attachments/']") == "质量管理体系证书.pdf"

    # --- commitment letter and submission ----------------------------------------------------
    page.goto(f"/applications/{application.pk}/edit/commitment/")
    page.fill("#id_signer_name", "王法人")
    page.fill("#id_signer_title", "董事长")
    page.check("#id_accept")
    page.click("form[action$='/commitment/'] button[type=submit]")
    page.wait_for_url("**/edit/review/")
    assert page.locator(".problems").count() == 0, page.text_content(".problems")
    dialogs = []
    page.once("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.accept()))
    page.click("#submit-application")  # submitting is irreversible: the browser asks first
    page.wait_for_url(f"**/applications/{application.pk}/")
    assert dialogs and "提交" in dialogs[0]
    assert page.get_attribute(".badge[data-state]", "data-state") == ApplicationState.SUBMITTED
    assert page.locator("#edit-application").count() == 0

    # --- the recommending authority endorses -------------------------------------------------
    rec_page = new_page()
    login(rec_page, recommender.username, DEMO_PASSWORD)
    rec_page.goto(f"/applications/{application.pk}/")
    rec_page.fill("#id_opinion", "该组织质量管理基础扎实，同意推荐。")
    rec_page.set_input_files("#id_stamped_form", {"name": "推荐表（盖章）.pdf", "mimeType": "application/pdf",
                                                  "buffer": pdf_bytes("stamped")})
    rec_page.click("#endorse")
    rec_page.wait_for_selector(".badge[data-state='recommended']")

    # --- the office settles every rule that did not pass, then marks it eligible -------------
    advance(rnd, RoundPhase.ELIGIBILITY)
    application.refresh_from_db()
    open_rules = application.rule_results.exclude(outcome="pass")
    assert application.rule_results.count() == rnd.program.eligibility_rules.filter(active=True).count()
    assert open_rules.filter(rule__kind="min_years_registered").exists()
    office_page = new_page()
    login(office_page, office.username, DEMO_PASSWORD)
    office_page.goto(f"/applications/{application.pk}/")
    rule_ids = list(open_rules.values_list("rule_id", flat=True))
    assert office_page.locator("form.decide").count() == len(rule_ids)
    for rule_id in rule_ids:
        decide = office_page.locator(f"tr[data-rule='{rule_id}'] form.decide")
        decide.locator("select[name='decision']").select_option("overridden")
        decide.locator("input[name='reason']").fill(f"评审办核实材料后确认符合条件（规则{rule_id}）")
        with office_page.expect_navigation():
            decide.locator("button[type=submit]").click()
        assert office_page.locator("ul.messages li.success").count() == 1
    assert set(application.rule_results.exclude(outcome="pass").values_list("decision", flat=True)) == {"overridden"}
    office_page.click("button[data-action='mark_eligible']")
    office_page.wait_for_selector(".badge[data-state='eligible']")
    office_page.screenshot(path="/tmp/e2e_final.png", full_page=True)

    application.refresh_from_db()
    assert application.state == ApplicationState.ELIGIBLE
    assert list(application.state_changes.values_list("action", flat=True)) == [
        "submit", "recommend", "mark_eligible"]
    assert {r.effective_outcome for r in application.rule_results.all()} == {"pass"}
    assert application.recommendations.get().form.original_name == "推荐表（盖章）.pdf"
    assert application.attachments.filter(kind="evidence").get().original_name == "质量管理体系证书.pdf"
    assert application.snapshot["name"] == ORG_NAME
    assert application.draft_data["basic"]["strategic_industry"] == "低空经济"
    assert office_page.locator("ol.timeline li[data-action='mark_eligible']").count() == 1
    print(f"e2e journey took {time.monotonic() - started:.1f} s")


def test_typing_then_saving_at_once_loses_nothing_and_a_second_tab_is_stopped(new_page, make_user):
    """Saving right after typing must not race the autosave; a tab left open on an older version
    is told so instead of overwriting the newer draft."""
    rnd = open_round("beijing")
    org = make_org(name="北京双窗口测试有限公司")
    rep = make_rep(make_user, org)
    application = draft(rnd, org, rep)
    first = new_page()
    login(first, rep.username, DEMO_PASSWORD)
    second = first.context.new_page()  # the same session in a second tab
    url = f"/applications/{application.pk}/edit/basic/"
    first.goto(url)
    second.goto(url)

    autosaves = []
    second.on("request", lambda request: autosaves.append(request.url) if "/autosave/" in request.url else None)
    second.fill("#id_address", "第二个窗口写的地址")
    second.wait_for_selector("#autosave-status.ok")
    second.reload()  # the autosave already ran: leaving the page must not send it again
    second.wait_for_timeout(500)
    assert len(autosaves) == 1
    first.fill("#id_address", "第一个窗口的旧页面")
    first.wait_for_selector("#autosave-status.error")
    assert first.text_content("#autosave-status").strip()  # the conflict message, in the page's language
    application.refresh_from_db()
    assert application.draft_data["basic"]["address"] == "第二个窗口写的地址"

    autosaves.clear()
    second.fill("#id_contact_name", "立刻保存")
    with second.expect_navigation():
        second.click("#save-continue")  # within the autosave delay: the submission saves, nothing else
    second.wait_for_timeout(1500)
    assert autosaves == []
    application.refresh_from_db()
    assert application.draft_data["basic"]["contact_name"] == "立刻保存"
    assert second.locator("ul.messages li.error").count() == 0
