"""The big-data pages and API at work: uploads, runs, decisions and what the pages show. Who may
open or do what, for every role: test_bigdata_permissions.py.
"""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from applications.enums import ApplicationState
from applications.models import AwardProgram
from award_portal.audit import audit_events_for
from bigdata.models import Flag, ImportBatch, PublicRecord, Run
from bigdata.services import run_start

from ..applications.factories import make_application, make_org, make_round
from .support import REF, import_rows, load_programs, record_file, row_for, source

pytestmark = pytest.mark.django_db

D = datetime.date


@pytest.fixture
def screened(office):
    """The shipped programs; one organisation with a flagged dishonesty entry and an unrelated
    spot check; a Beijing screening run."""
    load_programs()
    org = make_org(name="北京星河电子有限公司")
    import_rows("gov-dishonesty", [row_for(org, source_record_id="DIS-77", occurred_on=D(2023, 3, 1),
                                           grade="统计严重失信企业", document_no="京统信〔2023〕7号")])
    import_rows("spot-check", [row_for(org, source_record_id="SC-1", occurred_on=D(2023, 4, 1), grade="合格",
                                       document_no="抽检-合格-001")])
    run = run_start(program=AwardProgram.objects.get(code="beijing"), actor=office, reference_date=REF)
    return run, Flag.objects.get(run=run)


def client_for(user):
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def penalty_upload(org, name="处罚.csv"):
    data = record_file(source("gov-penalty"), [row_for(org, occurred_on="2023-05-10", grade="警告")])
    return SimpleUploadedFile(name, data, content_type="text/csv")


# --- Uploads ----------------------------------------------------------------------------------


def test_office_uploads_a_file_through_the_page(office):
    load_programs()
    org = make_org()

    response = client_for(office).post("/bigdata/imports/", {"source": source("gov-penalty").pk,
                                                             "file": penalty_upload(org)})

    batch = ImportBatch.objects.get()
    assert (response.status_code, response.url) == (302, f"/bigdata/imports/{batch.pk}/")
    assert (batch.status, batch.file_name, batch.imported_by, batch.rows_imported) == (
        "imported", "处罚.csv", office, 1)
    assert list(PublicRecord.objects.values_list("organization", "match_method")) == [(org.pk, "code")]
    assert [(e.action, e.actor) for e in audit_events_for(batch)] == [("bigdata.import_queued", office),
                                                                      ("bigdata.import", office)]
    page = client_for(office).get(response.url)
    assert page.status_code == 200 and "处罚.csv" in page.content.decode()


def test_office_uploads_a_file_through_the_api(office):
    load_programs()
    org = make_org()

    response = client_for(office).post("/api/bigdata/imports/", {"source": "gov-penalty",
                                                                 "file": penalty_upload(org)})

    batch = ImportBatch.objects.get()
    assert response.status_code == 201
    assert {k: response.json()[k] for k in ("id", "source", "status", "rows_imported", "matched_by_code",
                                            "rejected_rows")} == {
        "id": batch.pk, "source": "gov-penalty", "status": "imported", "rows_imported": 1, "matched_by_code": 1,
        "rejected_rows": []}
    assert PublicRecord.objects.get().organization == org


def test_a_refused_api_upload_answers_400_with_the_row_report(office):
    load_programs()
    org = make_org()
    data = record_file(source("gov-penalty"), [row_for(org, occurred_on="2023-05-10"),
                                               row_for(org, occurred_on="昨天")])

    response = client_for(office).post("/api/bigdata/imports/", {
        "source": "gov-penalty", "file": SimpleUploadedFile("坏.csv", data, content_type="text/csv")})

    assert response.status_code == 400
    assert (response.json()["status"], response.json()["message_code"], response.json()["rejected_rows"]) == (
        "refused", "rows_rejected", [{"row_number": 3, "code": "bad_date", "reason": "日期无法识别（应为YYYY-MM-DD）"}])
    assert response.json()["message"].startswith("1行未通过校验")
    assert PublicRecord.objects.count() == 0


# --- Runs and decisions -----------------------------------------------------------------------


def test_office_starts_a_run_and_decides_through_the_api(screened, office):
    _, old = screened
    client = client_for(office)

    started = client.post("/api/bigdata/runs/", {"program": "beijing", "reference_date": "2024-06-30"})
    flag = Flag.objects.get(run__version=2)
    decided = client.post(f"/api/bigdata/flags/{flag.pk}/decide/", {"decision": "confirmed",
                                                                    "reason": "名单有效。"})
    no_reason = client.post(f"/api/bigdata/flags/{flag.pk}/decide/", {"decision": "dismissed", "reason": " "})

    assert started.status_code == 201
    assert {k: started.json()[k] for k in ("program", "version", "status", "progress", "flags_count")} == {
        "program": "beijing", "version": 2, "status": "succeeded", "progress": 100, "flags_count": 1}
    assert decided.status_code == 200
    assert (decided.json()["decision"], decided.json()["decision_reason"]) == ("confirmed", "名单有效。")
    assert [r["source_record_id"] for r in decided.json()["evidence"]] == ["DIS-77"]
    assert decided.json()["articles"] == ["bj2020:art12.6", "bj2020:art17", "bj2016:prescreen"]
    assert no_reason.status_code == 400
    flag.refresh_from_db()
    assert (flag.decision, flag.decided_by) == (Flag.Decision.CONFIRMED, office)


def test_office_starts_a_run_and_decides_through_the_pages(screened, office):
    run, flag = screened
    client = client_for(office)
    program = AwardProgram.objects.get(code="beijing")

    decided = client.post(f"/bigdata/flags/{flag.pk}/decide/", {"decision": "dismissed", "reason": "已信用修复。",
                                                                "next": f"/bigdata/runs/{run.pk}/"})
    started = client.post("/bigdata/runs/", {"program": program.pk, "kind": "screening",
                                             "reference_date": "2024-06-30"})

    second = Run.objects.get(version=2)
    assert (started.status_code, started.url) == (302, f"/bigdata/runs/{second.pk}/")
    assert (decided.status_code, decided.url) == (302, f"/bigdata/runs/{run.pk}/")
    flag.refresh_from_db()
    assert (flag.decision, flag.decision_reason) == (Flag.Decision.DISMISSED, "已信用修复。")
    assert Flag.objects.get(run=second).decision == Flag.Decision.DISMISSED  # carried over


def test_deciding_a_superseded_flag_is_refused_on_the_page_and_by_the_api(screened, office):
    """A newer run exists: the page hides the form and says where to decide; a posted decision
    is refused with the message; the API answers 409 Conflict. Nothing changes."""
    run, flag = screened
    client = client_for(office)
    client.post("/api/bigdata/runs/", {"program": "beijing", "reference_date": "2024-06-30"})
    second = Run.objects.get(version=2)

    page = client.get(f"/bigdata/flags/{flag.pk}/").content.decode()
    posted = client.post(f"/bigdata/flags/{flag.pk}/decide/", {"decision": "dismissed", "reason": "已信用修复。"},
                         follow=True)
    api = client.post(f"/api/bigdata/flags/{flag.pk}/decide/", {"decision": "dismissed", "reason": "已信用修复。"})
    run_page = client.get(f"/bigdata/runs/{run.pk}/").content.decode()

    assert 'name="reason"' not in page and 'id="superseded"' in page and f"/bigdata/runs/{second.pk}/" in page
    assert "已被第 2 次运行取代" in posted.content.decode()
    assert (api.status_code, api.json()["code"]) == (409, "superseded")
    assert api.json()["detail"][0].startswith("该风险标记属于第 1 次运行，已被第 2 次运行取代")
    assert 'id="superseded"' in run_page
    flag.refresh_from_db()
    assert (flag.decision, flag.decision_reason) == (Flag.Decision.PENDING, "")
    assert 'name="reason"' in client.get(f"/bigdata/flags/{Flag.objects.get(run=second).pk}/").content.decode()


@pytest.mark.parametrize("url", ["/bigdata/runs/999999/resume/", "/bigdata/flags/999999/decide/"])
def test_posting_to_something_that_does_not_exist_is_a_404(office, url):
    assert client_for(office).post(url, {"decision": "dismissed", "reason": "x"}).status_code == 404


@pytest.mark.parametrize("query", ["?run=abc", "?decision=maybe", "?outcome=fatal", "?run=-1"])
def test_bad_flag_filters_are_a_400_not_a_500(screened, office, query):
    assert client_for(office).get(f"/api/bigdata/flags/{query}").status_code == 400


def test_bad_run_page_filters_are_ignored(screened, office):
    run, flag = screened
    page = client_for(office).get(f"/bigdata/runs/{run.pk}/?outcome=fatal&decision=maybe")

    assert page.status_code == 200 and f'data-flag="{flag.pk}"' in page.content.decode()


# --- What the pages show ----------------------------------------------------------------------


def test_run_page_shows_progress_and_flags(screened, office):
    run, flag = screened

    page = client_for(office).get(f"/bigdata/runs/{run.pk}/").content.decode()

    assert 'data-status="succeeded"' in page and 'data-progress="100"' in page
    assert f'data-flag="{flag.pk}"' in page and "北京星河电子有限公司" in page
    assert flag.rule.description in page


def test_progress_is_json(screened, office):
    run, _ = screened

    response = client_for(office).get(f"/bigdata/runs/{run.pk}/progress/")

    assert response.json() == {"status": "succeeded", "progress": 100, "chunks_done": 2, "chunks_total": 2,
                               "flags": 1}


def test_flag_page_shows_its_evidence_and_not_other_records(screened, office):
    _, flag = screened
    evidence = PublicRecord.objects.get(source_record_id="DIS-77")
    other = PublicRecord.objects.get(source_record_id="SC-1")

    page = client_for(office).get(f"/bigdata/flags/{flag.pk}/").content.decode()

    assert f'data-record="{evidence.pk}"' in page and "京统信〔2023〕7号" in page
    assert f'data-record="{other.pk}"' not in page and "抽检-合格-001" not in page
    assert 'name="reason"' in page  # the office may decide here


def test_flag_page_offers_no_decision_form_to_readers(screened, make_user):
    _, flag = screened

    page = client_for(make_user(role="supervisor")).get(f"/bigdata/flags/{flag.pk}/").content.decode()

    assert "京统信〔2023〕7号" in page and 'name="reason"' not in page


def test_application_page_shows_the_big_data_panel_to_the_office_only(screened, office, make_user):
    _, flag = screened
    applicant = make_user(role="applicant")
    org = flag.organization
    org.memberships.create(user=applicant)
    application = make_application(make_round(AwardProgram.objects.get(code="beijing")), org,
                                   state=ApplicationState.SUBMITTED)
    url = f"/applications/{application.pk}/"

    office_page = client_for(office).get(url)
    applicant_page = client_for(applicant).get(url)

    assert (office_page.status_code, applicant_page.status_code) == (200, 200)
    assert 'id="bigdata-feedback"' in office_page.content.decode()
    assert f"/bigdata/flags/{flag.pk}/" in office_page.content.decode()
    assert 'id="bigdata-feedback"' not in applicant_page.content.decode()
    assert "/bigdata/" not in applicant_page.content.decode()
