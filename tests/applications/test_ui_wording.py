"""UI wording and form presentation (issue 11, "A home page per role"): buttons say what they do
as verbs, money reads as 万元 (full yuan on English pages), dates in the page's language, the
step indicator marks only complete steps, a submitted form reads as locked, radios and
checkboxes sit beside their labels, the login error shows once, a failed registration does
not echo the password."""

import datetime
import re
from decimal import Decimal

import pytest
from django.template import Context, Template
from django.urls import reverse
from django.utils import timezone, translation

from applications import form_views
from applications.drafts import completeness_problems
from applications.enums import Action, ApplicationState, RoundPhase
from applications.workflow import TRANSITIONS
from award_portal.roles import Role
from award_portal.templatetags.portal_format import wan, yuan
from tests.applications import support
from tests.applications.factories import make_application, make_org, make_program, make_round

pytestmark = pytest.mark.django_db
S = ApplicationState
CJK = re.compile(r"[\u4e00-\u9fff]")
PASSWORD = "Zhiliang-2026-jiang"


def buttons(html: str) -> dict[str, str]:
    """data-action -> the text of that button."""
    return {m.group(1): re.sub(r"<[^>]+>", "", m.group(2)).strip()
            for m in re.finditer(r'<button[^>]*data-action="([^"]+)"[^>]*>(.*?)</button>', html, re.S)}


# ------------------------------------------------------------------ verbs on buttons

@pytest.mark.parametrize("action", list(TRANSITIONS))
def test_every_transition_has_a_verb_in_both_languages(action):
    transition = TRANSITIONS[action]
    with translation.override("en"):
        english = str(transition.verb)
        assert english and not CJK.search(english)
        assert english != str(transition.staff_label), "the button names the act, not the record of it"
    with translation.override("zh-hans"):
        chinese = str(transition.verb)
        assert CJK.search(chinese) and chinese != english


def test_approve_step_says_approve_not_approval_recorded(client, make_user):
    """Approval is recorded on the awards page (its owner): the dashboard's link says what it does."""
    program = make_program()
    rnd = make_round(program, phase=RoundPhase.APPROVAL)
    make_application(rnd, make_org(), state=S.IN_PUBLIC_NOTICE)
    client.force_login(make_user(Role.OFFICE))

    html = client.get(reverse("round-dashboard", args=[rnd.pk])).content.decode()
    assert "到专门页面批准" in html
    assert "已记录政府批准" not in html and "登记政府审定批准" not in html

    support.english(client)
    html = client.get(reverse("round-dashboard", args=[rnd.pk])).content.decode()
    assert "Approve on its own page" in html
    assert "Government approval recorded" not in html


def test_every_detail_button_shows_its_transition_verb(client, make_user):
    program = make_program()
    application = make_application(make_round(program, phase=RoundPhase.MATERIAL_REVIEW), make_org(),
                                   state=S.IN_MATERIAL_REVIEW)
    client.force_login(make_user(Role.OFFICE))
    with translation.override("zh-hans"):
        html = client.get(reverse("application-detail", args=[application.pk])).content.decode()
        shown = buttons(html)
        assert shown and {a: str(TRANSITIONS[a].verb) for a in shown} == shown


def test_round_bulk_button_shows_the_verb(client, make_user):
    program = make_program()
    rnd = make_round(program, phase=RoundPhase.ELIGIBILITY)
    for _ in range(2):
        make_application(rnd, make_org(), state=S.RECOMMENDED)
    client.force_login(make_user(Role.OFFICE))

    html = client.get(reverse("round-dashboard", args=[rnd.pk])).content.decode()
    verb = "认定符合申报条件"
    assert buttons(html)[Action.MARK_ELIGIBLE] == f"{verb}（全部 2 份）"
    assert f"<td>{verb}</td>" in html

    html = support.english(client).get(reverse("round-dashboard", args=[rnd.pk])).content.decode()
    assert buttons(html)[Action.MARK_ELIGIBLE] == "Mark eligible: all 2"


def test_owned_transition_buttons_show_their_verbs(client, make_user):
    rnd = support.open_round()
    org = support.make_org()
    rep = support.make_rep(make_user, org)
    application = support.submitted_application(rnd, org, rep)
    client.force_login(support.make_recommender_user(make_user, rnd.program))

    html = client.get(reverse("application-detail", args=[application.pk])).content.decode()
    assert re.search(r'id="endorse">推荐</button>', html)
    assert re.search(r'id="return">退回修改</button>', html)


# ------------------------------------------------------------------ money

@pytest.mark.parametrize("value, chinese, english", [
    (Decimal("1234.50"), "1,234.5万元", "CNY 12,345,000"),
    (Decimal("30000.00"), "30,000万元", "CNY 300,000,000"),
    (Decimal("0.25"), "0.25万元", "CNY 2,500"),
    (Decimal("-12.5"), "-12.5万元", "CNY -125,000"),
    (0, "0万元", "CNY 0"),
    ("88.8", "88.8万元", "CNY 888,000"),
    (None, "—", "—"),
    ("", "—", "—"),
])
def test_wan_filter(value, chinese, english):
    with translation.override("zh-hans"):
        assert wan(value) == chinese
    with translation.override("en"):
        assert wan(value) == english


def test_yuan_filter_and_template_use():
    with translation.override("zh-hans"):
        assert yuan(Decimal("300000.00")) == "30万元"
        rendered = Template("{% load portal_format %}{{ v|wan }} {{ p|yuan }}").render(
            Context({"v": Decimal("5.5"), "p": 50000}))
        assert rendered == "5.5万元 5万元"
    with translation.override("en"):
        assert yuan(Decimal("300000.00")) == "CNY 300,000"
        assert yuan("not a number") == "not a number"


def test_read_page_shows_key_figures_in_wan(client, make_user):
    rnd = support.open_round()
    org = support.make_org()
    rep = support.make_rep(make_user, org)
    application = support.complete_application(rnd, org, rep)
    client.force_login(rep)

    html = client.get(reverse("application-read", args=[application.pk])).content.decode()
    assert "30,000万元" in html  # the organisation's revenue, stored as 30000 (万元)
    assert html.count("万元</td>") >= 9  # revenue, profit and tax of three years
    html = support.english(client).get(reverse("application-read", args=[application.pk])).content.decode()
    assert "CNY 300,000,000" in html and "万元" not in html


# ------------------------------------------------------------------ dates

def test_dates_in_chinese_on_chinese_pages_and_day_month_year_on_english(client, make_user):
    deadline = timezone.make_aware(datetime.datetime(2026, 11, 30, 17, 0))
    program = make_program()
    make_round(program, deadline=deadline)
    client.force_login(make_user(Role.OFFICE))

    html = client.get(reverse("round-list")).content.decode()
    assert "2026年11月30日 17:00" in html and "2026-11-30" not in html
    html = support.english(client).get(reverse("round-list")).content.decode()
    assert "30 Nov 2026, 17:00" in html and "2026年" not in html


def test_date_filter_without_a_format_uses_the_locale():
    day = datetime.date(2026, 11, 30)
    template = Template("{{ d|date }}|{{ d|date:'MONTH_DAY_FORMAT' }}")
    with translation.override("zh-hans"):
        assert template.render(Context({"d": day})) == "2026年11月30日|11月30日"
    with translation.override("en"):
        assert template.render(Context({"d": day})) == "30 Nov 2026|30 Nov"


def test_no_hard_coded_date_pattern_where_people_read_dates():
    from pathlib import Path

    from django.conf import settings

    root = Path(settings.BASE_DIR) / "templates" / "applications"
    offending = [str(p) for p in root.glob("*.html") if re.search(r'\|date:["\']Y-m-d', p.read_text())]
    assert offending == []


# ------------------------------------------------------------------ the form: steps, lock, controls

def _step_marks(html):
    return {m.group(1): m.group(2) == "1"
            for m in re.finditer(r'data-step="([a-z]+)" data-complete="([01])"', html)}


def test_step_indicator_marks_only_complete_steps(client, make_user):
    rnd = support.open_round()
    org = support.make_org()
    rep = support.make_rep(make_user, org)
    client.force_login(rep)

    fresh = support.draft(rnd, org, rep)
    marks = _step_marks(client.get(reverse("application-edit", args=[fresh.pk, "basic"])).content.decode())
    assert set(marks) == {"basic", "declarations", "figures", "report", "attachments", "commitment", "review"}
    assert not any(marks[k] for k in ("declarations", "figures", "report", "attachments", "commitment", "review"))

    # A half-typed step (visited, saved, invalid) is not complete.
    client.post(reverse("application-edit", args=[fresh.pk, "figures"]),
                {"version": fresh.version, "step": "figures", "goto": "report"})
    fresh.refresh_from_db()
    assert "figures" in fresh.draft_data
    assert "figures" not in form_views.steps_complete(fresh)

    other = support.make_org()
    other_rep = support.make_rep(make_user, other)
    done = support.complete_application(rnd, other, other_rep)
    assert completeness_problems(done) == []
    client.force_login(other_rep)
    page = client.get(reverse("application-edit", args=[done.pk, "review"])).content.decode()
    marks = _step_marks(page)
    assert all(marks[k] for k in ("basic", "declarations", "figures", "report", "attachments", "commitment"))
    assert not marks["review"]
    assert 'id="submit-application">提交申报</button>' in page  # enabled, the submit verb


def test_incomplete_review_disables_the_submit_button_with_a_reason(client, make_user):
    rnd = support.open_round()
    org = support.make_org()
    rep = support.make_rep(make_user, org)
    client.force_login(rep)
    application = support.draft(rnd, org, rep)

    html = support.english(client).get(reverse("application-edit", args=[application.pk, "review"])).content.decode()
    button = re.search(r'<button[^>]*id="submit-application"[^>]*>', html).group(0)
    assert "disabled" in button and 'aria-describedby="submit-hint"' in button
    assert 'id="submit-hint">Complete the items listed above first.' in html


def test_submitted_form_reads_as_locked(client, make_user):
    rnd = support.open_round()
    org = support.make_org()
    rep = support.make_rep(make_user, org)
    application = support.submitted_application(rnd, org, rep)
    client.force_login(rep)

    html = client.get(reverse("application-edit", args=[application.pk, "basic"])).content.decode()
    assert 'id="form-locked"' in html and "已锁定" in html
    assert 'id="save-continue"' not in html
    inputs = re.findall(r"<(?:input|select|textarea)\b[^>]*>", html.split('id="step-form"', 1)[1].split("</form>")[0])
    visible = [i for i in inputs if 'type="hidden"' not in i]
    assert visible and all("disabled" in i for i in visible)
    assert 'value="测试路' in html  # the values are still shown
    assert _step_marks(html)["review"] is True
    # The steps stay reachable for reading: links, not disabled buttons.
    assert re.search(r'<a href="/applications/%d/edit/report/"[^>]*class="step' % application.pk, html)


def test_radio_buttons_and_checkbox_sit_in_their_labels(client, make_user):
    rnd = support.open_round()
    org = support.make_org()
    rep = support.make_rep(make_user, org)
    application = support.draft(rnd, org, rep)
    client.force_login(rep)

    html = client.get(reverse("application-edit", args=[application.pk, "declarations"])).content.decode()
    assert '<fieldset class="field choice-group' in html
    assert re.search(r'<label class="choice" for="id_[^"]+">\s*<input type="radio"', html)

    html = client.get(reverse("application-edit", args=[application.pk, "commitment"])).content.decode()
    assert re.search(r'<label class="choice" for="id_accept">\s*<input type="checkbox"', html)


# ------------------------------------------------------------------ login and registration

def test_login_error_shows_once(client, make_user):
    make_user(Role.APPLICANT, username="zhang")
    response = support.english(client).post(reverse("login"), {"username": "zhang", "password": "wrong-one"})
    assert response.status_code == 200
    assert response.content.decode().count("Please enter a correct") == 1

    with translation.override("zh-hans"):
        client.cookies["django_language"] = "zh-hans"
        response = client.post(reverse("login"), {"username": "zhang", "password": "wrong-two"})
        message = str(response.context["form"].error_messages["invalid_login"]) % {"username": "用户名"}
        assert response.content.decode().count(message[:8]) == 1


@pytest.mark.parametrize("change", [
    {"org-credit_code": "91110105000000000X"},  # the organisation part fails
    {"user-email": "not-an-address"},  # the account part fails
])
def test_failed_registration_does_not_echo_the_password(client, change):
    from tests.applications.test_registration import registration, valid_code

    response = client.post(reverse("organization-register"), {**registration(valid_code()), **change})
    assert response.status_code == 200
    html = response.content.decode()
    assert PASSWORD not in html
    field = re.search(r'<input[^>]*name="user-password"[^>]*>', html).group(0)
    assert 'type="password"' in field and "value=" not in field
