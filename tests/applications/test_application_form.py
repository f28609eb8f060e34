"""The applicant's form, step by step: nothing typed is lost, stale tabs are caught, submission
checks completeness and the deadline, and a submitted application is frozen."""

import datetime
import re
import shutil
import subprocess
import zlib

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format

from applications import drafts
from applications import forms as step_forms
from applications.drafts import DraftConflict, draft_save
from applications.enums import ApplicationState
from applications.models import Application, Round, StateChange
from award_portal.audit import audit_events_for

from .support import (
    authority,
    complete_application,
    draft,
    english,
    form_values,
    make_org,
    make_rep,
    open_round,
)

pytestmark = pytest.mark.django_db

NOT_POSTED = {"csrfmiddlewaretoken", "version", "step"}


@pytest.fixture
def rnd():
    return open_round("beijing")


@pytest.fixture
def org():
    return make_org(name="北京测试精工科技有限公司")


@pytest.fixture
def rep(make_user, org):
    return make_rep(make_user, org)


@pytest.fixture
def client_rep(client, rep):
    client.force_login(rep)
    return english(client)


@pytest.fixture
def application(rnd, org, rep):
    return draft(rnd, org, rep)


def edit_url(application, step):
    return reverse("application-edit", args=[application.pk, step])


def audit_actions(application):
    return list(audit_events_for(application).order_by("id").values_list("action", flat=True))


def typed_basic(client, application, **changes):
    """The basic step as the page shows it, with `changes` typed over it."""
    values = form_values(client.get(edit_url(application, "basic")).content.decode())
    return {**values, **changes}


# ------------------------------------------------------------------ starting

def test_start_creates_a_draft_in_the_open_round(client_rep, rnd, org):
    response = client_rep.post(reverse("application-start"), {"round": rnd.pk, "organization": org.pk})

    application = Application.objects.get(round=rnd, organization=org)
    assert response.status_code == 302
    assert response["Location"] == edit_url(application, "basic")
    assert (application.state, application.version, application.draft_data) == (ApplicationState.DRAFT, 1, {})
    assert audit_actions(application) == ["application.create"]


# ------------------------------------------------------------------ saving steps

def test_valid_basic_step_is_applied_and_moves_on(client_rep, application, org, rnd):
    tier = rnd.program.tiers.order_by("rank").first()
    data = typed_basic(client_rep, application, employees="650", revenue_10k="31000.50", contact_name="张工",
                       recommender=str(authority(rnd.program).pk), tier_applied=str(tier.pk))

    response = client_rep.post(edit_url(application, "basic"), data)

    assert response.status_code == 302
    assert response["Location"] == edit_url(application, "declarations")
    application.refresh_from_db()
    org.refresh_from_db()
    assert (org.employees, str(org.revenue_10k), org.contact_name) == (650, "31000.50", "张工")
    assert (application.recommender, application.tier_applied, application.version) == (
        authority(rnd.program), tier, 2)
    assert application.draft_data["basic"] == {k: v for k, v in data.items() if k not in NOT_POSTED}
    assert audit_actions(application) == ["application.create", "application.step_saved"]


def test_invalid_step_re_renders_with_errors_and_keeps_every_typed_value(client_rep, application, org, rnd):
    data = typed_basic(client_rep, application, address="北京市海淀区中关村大街1号", revenue_10k="abc",
                       contact_name="", contact_phone="010-12345678", contact_email="qa@example.cn",
                       employees="777", recommender=str(authority(rnd.program).pk))

    response = client_rep.post(edit_url(application, "basic"), data)

    assert response.status_code == 200
    form = response.context["form"]
    assert set(form.errors) == {"revenue_10k", "contact_name", "tier_applied"}
    assert form.errors["revenue_10k"] == ["Enter a number."]
    assert form.errors["contact_name"] == ["This field is required."]
    shown = form_values(response.content.decode())
    assert {k: shown.get(k) for k in data if k not in NOT_POSTED} == {
        k: v for k, v in data.items() if k not in NOT_POSTED}
    application.refresh_from_db()
    org.refresh_from_db()
    assert application.draft_data["basic"] == {k: v for k, v in data.items() if k not in NOT_POSTED}
    assert application.version == 2
    assert shown["version"] == "2"  # the page carries the new version, so the next save is not stale
    assert (org.revenue_10k, org.employees, org.address) == (30000, 600, org.address)  # not applied
    assert "application.step_saved" not in audit_actions(application)


def test_typed_values_come_back_when_the_step_is_opened_again(client_rep, application):
    data = typed_basic(client_rep, application, revenue_10k="abc", contact_name="")
    client_rep.post(edit_url(application, "basic"), data)

    response = client_rep.get(edit_url(application, "basic"))

    shown = form_values(response.content.decode())
    assert (shown["revenue_10k"], shown["contact_name"]) == ("abc", "")
    assert response.context["form"].errors["revenue_10k"] == ["Enter a number."]


def test_goto_saves_without_validation(client_rep, application):
    data = typed_basic(client_rep, application, revenue_10k="abc", contact_name="", goto="figures")

    response = client_rep.post(edit_url(application, "basic"), data)

    assert response.status_code == 302
    assert response["Location"] == edit_url(application, "figures")
    application.refresh_from_db()
    assert application.draft_data["basic"]["revenue_10k"] == "abc"
    assert "goto" not in application.draft_data["basic"]
    assert application.version == 2
    assert audit_actions(application) == ["application.create"]


def test_autosave_stores_the_step_and_answers_with_the_new_version(client_rep, application):
    response = client_rep.post(reverse("application-autosave", args=[application.pk]),
                               {"step": "report", "version": "1", "cat_1": "领导作用：正在撰写……"})

    assert response.status_code == 200
    body = response.json()
    assert (body["ok"], body["version"]) == (True, 2)
    application.refresh_from_db()
    assert application.draft_data == {"report": {"cat_1": "领导作用：正在撰写……"}}
    assert application.version == 2


def test_autosave_with_a_stale_version_is_refused_and_overwrites_nothing(client_rep, application):
    url = reverse("application-autosave", args=[application.pk])
    client_rep.post(url, {"step": "report", "version": "1", "cat_1": "第一个窗口写的"})

    response = client_rep.post(url, {"step": "report", "version": "1", "cat_1": "第二个窗口的旧版本"})

    assert response.status_code == 409
    assert response.json()["conflict"] is True
    assert "another window" in response.json()["message"]
    application.refresh_from_db()
    assert (application.draft_data["report"]["cat_1"], application.version) == ("第一个窗口写的", 2)


def test_autosave_conflict_answers_with_the_stored_values_and_their_version(client_rep, application):
    url = reverse("application-autosave", args=[application.pk])
    client_rep.post(url, {"step": "report", "version": "1", "cat_1": "第一个窗口写的"})

    body = client_rep.post(url, {"step": "report", "version": "1", "cat_1": "第二个窗口写的"}).json()

    assert (body["version"], body["stored"]) == (2, {"cat_1": "第一个窗口写的"})


@pytest.mark.parametrize("version", [None, ""])
def test_autosave_without_a_version_is_refused_as_a_conflict_and_overwrites_nothing(client_rep, application,
                                                                                     version):
    url = reverse("application-autosave", args=[application.pk])
    client_rep.post(url, {"step": "report", "version": "1", "cat_1": "已保存的文字"})
    data = {"step": "report", "cat_1": "没有版本的保存"}
    if version is not None:
        data["version"] = version

    response = client_rep.post(url, data)

    assert response.status_code == 409
    body = response.json()
    assert (body["ok"], body["conflict"], body["version"], body["stored"]) == (
        False, True, 2, {"cat_1": "已保存的文字"})
    assert "did not say which version" in body["message"]
    application.refresh_from_db()
    assert (application.draft_data, application.version) == ({"report": {"cat_1": "已保存的文字"}}, 2)


def test_draft_save_without_a_version_raises_draft_version_missing(application, rep):
    with pytest.raises(drafts.DraftVersionMissing):
        draft_save(application_id=application.pk, actor=rep, step="basic", data={"address": "新"}, version=None)

    application.refresh_from_db()
    assert (application.draft_data, application.version) == ({}, 1)


def test_step_post_without_a_version_is_refused_and_overwrites_nothing(client_rep, application):
    client_rep.post(reverse("application-autosave", args=[application.pk]),
                    {"step": "basic", "version": "1", "address": "已保存的地址"})
    data = typed_basic(client_rep, application, address="没有版本的地址")
    del data["version"]

    response = client_rep.post(edit_url(application, "basic"), data)

    assert response.status_code == 200
    assert any("did not say which version" in str(m) for m in response.context["messages"])
    application.refresh_from_db()
    assert (application.draft_data["basic"]["address"], application.version) == ("已保存的地址", 2)


def test_a_stale_save_of_the_very_text_stored_is_no_conflict_and_writes_nothing(client_rep, application):
    """The page left while a save was on its way is reloaded before that save arrives: the same
    text sent again from the reloaded page, with its older version, is answered with the current
    version instead of a conflict."""
    url = reverse("application-autosave", args=[application.pk])
    client_rep.post(url, {"step": "report", "version": "1", "cat_1": "离开页面时发出的文字"})

    response = client_rep.post(url, {"step": "report", "version": "1", "cat_1": "离开页面时发出的文字"})

    assert response.status_code == 200
    assert (response.json()["ok"], response.json()["version"]) == (True, 2)
    application.refresh_from_db()
    assert (application.draft_data, application.version) == ({"report": {"cat_1": "离开页面时发出的文字"}}, 2)


def test_autosave_of_an_unknown_step_is_refused(client_rep, application):
    response = client_rep.post(reverse("application-autosave", args=[application.pk]),
                               {"step": "nonsense", "version": "1"})

    assert response.status_code == 400
    application.refresh_from_db()
    assert (application.draft_data, application.version) == ({}, 1)


def test_draft_save_with_a_stale_version_raises_draft_conflict(application, rep):
    draft_save(application_id=application.pk, actor=rep, step="basic", data={"address": "新"}, version=1)

    with pytest.raises(DraftConflict) as caught:
        draft_save(application_id=application.pk, actor=rep, step="basic", data={"address": "旧"}, version=1)

    assert caught.value.application.pk == application.pk
    application.refresh_from_db()
    assert (application.draft_data, application.version) == ({"basic": {"address": "新"}}, 2)


def test_stale_step_post_shows_the_conflict_and_does_not_overwrite(client_rep, application):
    stale = typed_basic(client_rep, application, address="旧窗口的地址")
    client_rep.post(reverse("application-autosave", args=[application.pk]),
                    {"step": "basic", "version": "1", "address": "新窗口的地址"})

    response = client_rep.post(edit_url(application, "basic"), stale)

    assert response.status_code == 200
    assert any("another window" in str(m) for m in response.context["messages"])
    assert form_values(response.content.decode())["address"] == "旧窗口的地址"  # still on screen to copy
    assert response.context["form"]["address"].draft_conflict == {
        "stored": "新窗口的地址", "shown": "新窗口的地址", "mine": "旧窗口的地址"}  # both, at the field
    assert 'data-conflict-for="address"' in response.content.decode()
    application.refresh_from_db()
    assert (application.draft_data["basic"]["address"], application.version) == ("新窗口的地址", 2)


def test_conflict_at_the_field_reads_in_chinese_by_default(client, rep, application):
    client.force_login(rep)
    stale = typed_basic(client, application, address="旧窗口的地址")
    client.post(reverse("application-autosave", args=[application.pk]),
                {"step": "basic", "version": "1", "address": "新窗口的地址"})

    page = client.post(edit_url(application, "basic"), stale).content.decode()

    assert "两段文字都保留在这里" in page and "保留我的文字" in page and "采用已保存的版本" in page
    missing = client.post(reverse("application-autosave", args=[application.pk]),
                          {"step": "basic", "address": "没有版本"}).json()["message"]
    assert missing.startswith("此次保存未注明所依据的申报书版本")


# ------------------------------------------------------------------ submission

def test_incomplete_application_is_refused_with_the_list_of_problems(client_rep, application):
    response = client_rep.post(reverse("application-submit", args=[application.pk]), follow=True)

    assert response.redirect_chain == [(edit_url(application, "review"), 302)]
    messages = [str(m) for m in response.context["messages"]]
    labels = dict(step_forms.STEPS)
    assert f"Step “{labels['declarations']}” has not been filled in." in messages
    assert f"Step “{labels['report']}” has not been filled in." in messages
    assert "Attach at least one piece of evidence." in messages
    assert "The commitment letter has not been accepted." in messages
    assert response.context["problems"]  # the review step lists them too
    application.refresh_from_db()
    assert (application.state, application.snapshot, application.submitted_at) == (ApplicationState.DRAFT, {}, None)
    assert not StateChange.objects.filter(application=application).exists()


def test_complete_application_submits_with_snapshot_history_and_audit(client_rep, rnd, org, rep):
    application = complete_application(rnd, org, rep)
    assert drafts.completeness_problems(application) == []

    response = client_rep.post(reverse("application-submit", args=[application.pk]),
                               {"version": application.version})

    assert response.status_code == 302
    assert response["Location"] == reverse("application-detail", args=[application.pk])
    application.refresh_from_db()
    org.refresh_from_db()
    assert application.state == ApplicationState.SUBMITTED
    assert application.submitted_at is not None
    assert application.snapshot["credit_code"] == org.credit_code
    assert application.snapshot["name"] == "北京测试精工科技有限公司"
    assert application.snapshot["contact_email"] == org.contact_email
    assert set(application.snapshot) == {"credit_code", "name", *step_forms.ORG_FIELDS}
    assert list(StateChange.objects.filter(application=application).values_list(
        "action", "from_state", "to_state", "actor", "role")) == [
        ("submit", "draft", "submitted", rep.pk, "applicant")]
    event = audit_events_for(application).get(action="application.submit")
    assert (event.actor_id, event.before["state"], event.after["state"]) == (rep.pk, "draft", "submitted")


def test_after_submission_edits_are_refused(client_rep, rnd, org, rep):
    application = complete_application(rnd, org, rep)
    drafts.application_submit(application_id=application.pk, actor=rep)
    application.refresh_from_db()
    before = (application.draft_data, application.version)

    post = client_rep.post(edit_url(application, "basic"), {"version": application.version, "address": "改"})
    autosave = client_rep.post(reverse("application-autosave", args=[application.pk]),
                               {"step": "basic", "version": application.version, "address": "改"})
    page = client_rep.get(edit_url(application, "basic"))

    assert post.status_code == 302 and post["Location"] == reverse("application-detail", args=[application.pk])
    assert autosave.status_code == 400
    assert autosave.json()["message"] == "The application has been submitted and can no longer be edited."
    assert page.context["editable"] is False
    assert 'id="save-continue"' not in page.content.decode()
    with pytest.raises(ValidationError):
        draft_save(application_id=application.pk, actor=rep, step="basic", data={"address": "改"}, version=None)
    application.refresh_from_db()
    assert (application.draft_data, application.version) == before


def test_submission_after_the_deadline_is_refused_with_a_clear_message(client_rep, rnd, org, rep):
    application = complete_application(rnd, org, rep)
    deadline = timezone.now() - datetime.timedelta(minutes=5)
    Round.objects.filter(pk=rnd.pk).update(application_deadline=deadline)

    response = client_rep.post(reverse("application-submit", args=[application.pk]), follow=True)

    with translation.override("en"):  # the page's language
        shown = date_format(timezone.localtime(deadline), "DATETIME_FORMAT")
    assert [str(m) for m in response.context["messages"]] == [f"The application deadline ({shown}) has passed."]
    application.refresh_from_db()
    assert (application.state, application.snapshot) == (ApplicationState.DRAFT, {})
    assert not StateChange.objects.filter(application=application).exists()


# ------------------------------------------------------------------ PDF

def _pdf_font_names(data: bytes) -> set[str]:
    """The base names of the fonts a PDF uses, looked up in its plain and its deflated objects
    (WeasyPrint puts the font dictionaries in compressed object streams)."""
    parts = [data]
    for match in re.finditer(rb"stream\r?\n", data):
        try:
            parts.append(zlib.decompressobj().decompress(data[match.end():match.end() + 1_000_000]))
        except zlib.error:
            continue
    return {name.decode("latin-1").split("+")[-1]
            for part in parts for name in re.findall(rb"/BaseFont\s*/([^\s/<>\[\]()]+)", part)}


def _pdf_text(data: bytes) -> str | None:
    """The PDF's text through pypdf or poppler's pdftotext, whichever is installed."""
    try:
        import io

        from pypdf import PdfReader
    except ImportError:
        pass
    else:
        return "".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    if shutil.which("pdftotext"):
        result = subprocess.run(["pdftotext", "-enc", "UTF-8", "-", "-"], input=data, capture_output=True,
                                check=True, timeout=60)
        return result.stdout.decode()
    return None


def test_pdf_holds_the_whole_application_in_chinese_and_is_audited(client_rep, rnd, org, rep):
    application = complete_application(rnd, org, rep)

    response = client_rep.get(reverse("application-pdf", args=[application.pk]))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'attachment; filename="{application.number}.pdf"'
    data = response.content
    assert data.startswith(b"%PDF")
    # Without a CJK font every Chinese character silently becomes a box: the font must be embedded.
    fonts = _pdf_font_names(data)
    assert any(re.match(r"Noto-?(Sans|Serif)-?CJK", name) for name in fonts), fonts
    text = _pdf_text(data)
    if text is not None:
        compact = "".join(text.split())
        assert "北京测试精工科技有限公司" in compact
        assert org.credit_code in compact
    event = audit_events_for(application).get(action="application.pdf_download")
    assert (event.actor_id, event.after["bytes"]) == (rep.pk, len(data))


def test_every_step_page_renders(client_rep, application):
    for step in step_forms.STEP_KEYS:
        response = client_rep.get(edit_url(application, step))
        assert response.status_code == 200, step


def test_figures_step_shows_one_row_per_year_with_plain_column_headers(client_rep, application):
    response = client_rep.get(edit_url(application, "figures"))

    html = response.content.decode()
    years = step_forms.figure_years(application)
    assert [year for year, _fields in response.context["form"].rows()] == years
    assert "<th> Operating revenue (10k yuan)</th>" in html
    for year in years:
        assert f'name="revenue_10k_{year}"' in html
