"""Bad input gets a clear answer, never a server error, and nothing typed is lost (GB/T 22239-2019
level 3: input validity, resource limits). Each case was a 500 on SQLite, PostgreSQL or both;
run this module on both (`DATABASE_URL=postgres://… pytest tests/applications/test_bad_input.py`).
"""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from applications import forms as step_forms
from applications.models import Application, AwardProgram
from bigdata.models import Flag, ImportBatch, PublicRecord, Run
from bigdata.services import run_start
from tests.bigdata.support import REF, import_bytes, import_rows, load_programs, record_file, row_for, source

from .support import authority, draft, english, form_values, make_org, make_rep, open_round

pytestmark = pytest.mark.django_db

NUL = "\x00"
INT_COLUMN_OVERFLOW = str(2**31)


@pytest.fixture
def rnd():
    return open_round("beijing")


@pytest.fixture
def org():
    return make_org(name="北京坏输入测试有限公司")


@pytest.fixture
def rep(make_user, org):
    return make_rep(make_user, org)


@pytest.fixture
def application(rnd, org, rep):
    return draft(rnd, org, rep)


@pytest.fixture
def client_rep(client, rep):
    client.force_login(rep)
    client.raise_request_exception = False  # a server error must show as a 500, not as an exception
    return english(client)


@pytest.fixture
def office(make_user):
    return make_user(role="office")


@pytest.fixture
def client_office(client, office):
    client.force_login(office)
    client.raise_request_exception = False
    return english(client)


def edit_url(application, step):
    return reverse("application-edit", args=[application.pk, step])


def autosave_url(application):
    return reverse("application-autosave", args=[application.pk])


def stored(application):
    application.refresh_from_db()
    org = application.organization
    org.refresh_from_db()
    return (application.draft_data, application.version, org.employees, org.address,
            list(application.key_figures.values_list("year", "employees")))


def valid_basic(client, application, **changes):
    values = form_values(client.get(edit_url(application, "basic")).content.decode())
    tier = application.round.program.tiers.order_by("rank").first()
    return {**values, "address": "北京市海淀区坏输入路1号", "contact_name": "张工", "contact_phone": "010-1",
            "contact_email": "qa@example.cn", "employees": "650", "revenue_10k": "31000.50",
            "assets_10k": "40000", "recommender": str(authority(application.round.program).pk),
            "tier_applied": str(tier.pk), **changes}


def messages_of(response):
    return [str(m) for m in response.context["messages"]]


# ------------------------------------------------------------------ NUL characters

def test_autosave_with_nul_stores_the_text_without_it_and_names_the_field(client_rep, application):
    response = client_rep.post(autosave_url(application), {
        "step": "basic", "version": application.version, "address": f"海淀{NUL}路1号", "contact_name": "张工"})

    assert response.status_code == 200
    body = response.json()
    assert body["ok"] is True and "Registered address" in body["message"]
    application.refresh_from_db()
    assert application.draft_data["basic"] == {"address": "海淀路1号", "contact_name": "张工"}


def test_step_post_with_nul_keeps_every_other_field_and_warns(client_rep, application):
    data = valid_basic(client_rep, application, contact_name=f"张{NUL}工")

    response = client_rep.post(edit_url(application, "basic"), data, follow=True)

    assert response.status_code == 200
    assert any("Contact person" in m for m in messages_of(response))
    application.refresh_from_db()
    application.organization.refresh_from_db()
    assert application.draft_data["basic"]["contact_name"] == "张工"
    assert (application.organization.contact_name, application.organization.employees) == ("张工", 650)


def test_step_post_with_nul_and_an_error_shows_the_typed_values_again(client_rep, application):
    data = valid_basic(client_rep, application, address=f"新{NUL}地址", revenue_10k="abc")

    response = client_rep.post(edit_url(application, "basic"), data)

    assert response.status_code == 200
    shown = form_values(response.content.decode())
    assert (shown["address"], shown["revenue_10k"], shown["contact_name"]) == ("新地址", "abc", "张工")
    assert response.context["form"].errors["revenue_10k"] == ["Enter a number."]


def test_nul_in_a_field_name_is_not_stored(client_rep, application):
    response = client_rep.post(autosave_url(application), {
        "step": "report", "version": application.version, f"cat_1{NUL}": "x", "cat_1": "领导作用"})

    assert response.status_code == 200
    application.refresh_from_db()
    assert application.draft_data["report"] == {"cat_1": "领导作用"}


# ------------------------------------------------------------------ numbers beyond the columns

def test_employee_count_beyond_the_column_is_a_form_error_and_nothing_is_applied(client_rep, application):
    before = stored(application)[2:]
    data = valid_basic(client_rep, application, employees=INT_COLUMN_OVERFLOW)

    response = client_rep.post(edit_url(application, "basic"), data)

    assert response.status_code == 200
    assert response.context["form"].errors["employees"] == [
        f"Ensure this value is less than or equal to {step_forms.MAX_INT_COLUMN}."]
    assert stored(application)[2:] == before
    application.refresh_from_db()
    assert application.draft_data["basic"]["employees"] == INT_COLUMN_OVERFLOW  # typed, kept


def test_out_of_range_decimals_are_form_errors(client_rep, application):
    for value in ["1e20", "99999999999999", "-1", "NaN", "Infinity", "9" * 300]:
        response = client_rep.post(edit_url(application, "basic"), valid_basic(client_rep, application,
                                                                                revenue_10k=value))

        assert response.status_code == 200, value
        assert "revenue_10k" in response.context["form"].errors, value


def test_key_figure_employees_beyond_the_column_is_a_form_error(client_rep, application):
    years = step_forms.figure_years(application)
    data = {"version": application.version}
    for year in years:
        data.update({f"revenue_10k_{year}": "1", f"profit_10k_{year}": "-1", f"tax_10k_{year}": "1",
                     f"employees_{year}": "10"})
    data[f"employees_{years[0]}"] = INT_COLUMN_OVERFLOW

    response = client_rep.post(edit_url(application, "figures"), data)

    assert response.status_code == 200
    assert list(response.context["form"].errors) == [f"employees_{years[0]}"]
    assert application.key_figures.count() == 0


# ------------------------------------------------------------------ versions and navigation

def test_autosave_with_a_damaged_version_is_refused_and_changes_nothing(client_rep, application):
    before = stored(application)
    for version in ["abc", "1.5", "-1", "9" * 5000, NUL]:
        response = client_rep.post(autosave_url(application), {"step": "basic", "version": version,
                                                               "address": "新地址"})

        assert response.status_code == 400, version
        assert "reload" in response.json()["message"]
    assert stored(application) == before


@pytest.mark.parametrize("goto", ["", "figures"])
def test_step_post_with_a_damaged_version_shows_the_typed_values_again(client_rep, application, goto):
    before = stored(application)
    data = valid_basic(client_rep, application, version="abc", address="我刚输入的地址", goto=goto)

    response = client_rep.post(edit_url(application, "basic"), data)

    assert response.status_code == 200
    assert form_values(response.content.decode())["address"] == "我刚输入的地址"
    assert any("reload" in m for m in messages_of(response))
    assert stored(application) == before


def test_goto_an_unknown_step_stays_on_the_step(client_rep, application):
    for goto in ["no such step", "../admin", NUL]:
        application.refresh_from_db()
        response = client_rep.post(edit_url(application, "basic"), {"version": application.version,
                                                                    "address": "地址", "goto": goto})

        assert (response.status_code, response["Location"]) == (302, edit_url(application, "basic")), goto


def test_start_with_damaged_ids_asks_again(client_rep, rnd):
    for value in ["abc", "99999999999999999999", NUL, "", "-1"]:
        response = client_rep.post(reverse("application-start"), {"round": value, "organization": value})

        assert response.status_code == 200, value
        assert "Choose a round and an organisation." in messages_of(response)
    assert Application.objects.count() == 0


# ------------------------------------------------------------------ length limits of the draft

def test_autosave_refuses_a_text_beyond_its_field_and_changes_nothing(client_rep, application):
    before = stored(application)

    response = client_rep.post(autosave_url(application), {"step": "basic", "version": application.version,
                                                           "address": "长" * 301, "contact_name": "张工"})

    assert response.status_code == 400
    body = response.json()
    assert "Nothing was saved" in body["message"]
    assert list(body["fields"]) == ["address"] and "at most 300 characters" in body["fields"]["address"]
    assert stored(application) == before


def test_autosave_refuses_megabytes_of_text(client_rep, application):
    before = stored(application)

    response = client_rep.post(autosave_url(application), {"step": "report", "version": application.version,
                                                           "cat_4_1": "x" * 5_000_000})

    assert response.status_code == 400
    assert stored(application) == before


def test_step_post_beyond_a_limit_shows_the_text_again_with_the_reason(client_rep, application):
    before = stored(application)
    data = valid_basic(client_rep, application, address="长" * 301)

    response = client_rep.post(edit_url(application, "basic"), data)

    assert response.status_code == 200
    assert form_values(response.content.decode())["address"] == "长" * 301
    assert response.context["form"].errors["address"][-1].startswith("Registered address: at most 300")
    assert stored(application) == before


def test_the_whole_draft_is_capped(client_rep, application, monkeypatch):
    monkeypatch.setattr(step_forms, "DRAFT_MAX_BYTES", 3_000)
    client_rep.post(autosave_url(application), {"step": "report", "version": 1, "cat_4_1": "一" * 900})
    before = stored(application)

    response = client_rep.post(autosave_url(application), {"step": "report", "version": 2, "cat_4_1": "一" * 900,
                                                           "cat_4_2": "二" * 900})

    assert response.status_code == 400
    assert "would exceed" in response.json()["message"]
    assert stored(application) == before


def test_unknown_posted_values_are_bounded(client_rep, application):
    extra = {f"x{i}": "v" for i in range(50)}

    client_rep.post(autosave_url(application), {"step": "basic", "version": 1, "address": "地址",
                                                "long": "v" * 1000, **extra})

    application.refresh_from_db()
    kept = application.draft_data["basic"]
    assert kept["address"] == "地址" and "long" not in kept and len(kept) <= 11


# ------------------------------------------------------------------ list filters and dates

def test_round_dashboard_ignores_a_damaged_state_filter(client_office, application):
    for state in ["%00", "abc", "draft%00", "%FF"]:
        response = client_office.get(f"/rounds/{application.round_id}/?state={state}")

        assert response.status_code == 200, state
        assert [a.pk for a in response.context["applications"]] == [application.pk]
        assert response.context["state_filter"] is None


def test_audit_search_with_damaged_text(client_office, application):
    for query in ["q=%00", "q=app%00lication&page=%00", "q=" + "a" * 5000, "page=abc"]:
        assert client_office.get(f"/audit/?{query}").status_code == 200, query
    response = client_office.get("/audit/?q=application.cr%00eate")
    assert [e.action for e in response.context["page"]] == ["application.create"]


def test_calendar_with_dates_out_of_range_answers_with_the_form_error(client_office):
    for params, error in [
        ("start=9999-12-31&days=5", "between the years 1900 and 2999"),
        ("start=0001-01-01&days=400", "between the years 1900 and 2999"),
        ("start=%00&days=%00", "Enter a valid date."),
        ("start=2026-01-01&days=99999999999999999999", "less than or equal to 400"),
        ("start=2026-02-30&days=1", "Enter a valid date."),
    ]:
        response = client_office.get(f"/calendar/?{params}")

        assert response.status_code == 200, params
        assert error in str(response.context["form"].errors), params


# ------------------------------------------------------------------ big data: filters, ids, JSON

@pytest.fixture
def screened(office):
    load_programs()
    flagged = make_org(name="北京星河坏输入有限公司")
    import_rows("gov-dishonesty", [row_for(flagged, occurred_on=datetime.date(2023, 3, 1), grade="统计严重失信企业")])
    run = run_start(program=AwardProgram.objects.get(code="beijing"), actor=office, reference_date=REF)
    return run, Flag.objects.get(run=run)


def test_run_detail_ignores_damaged_filters(client_office, screened):
    run, flag = screened
    for query in ["outcome=%00", "decision=%00&outcome=x", "page=%00", "outcome=disqualifying%00"]:
        response = client_office.get(f"/bigdata/runs/{run.pk}/?{query}")

        assert response.status_code == 200, query
        assert [f.pk for f in response.context["flags"]] == [flag.pk], query


def test_flags_api_refuses_damaged_filters(client_office, screened):
    for query in ["run=%00", "run=99999999999999999999", "run=abc", "decision=%00", "outcome=x", "run=-1"]:
        assert client_office.get(f"/api/bigdata/flags/?{query}").status_code == 400, query
    response = client_office.get(f"/api/bigdata/flags/?run={2**63 - 1}")  # the largest id: in range, no flag
    assert (response.status_code, response.json()["count"]) == (200, 0)


def nested(depth):
    return "[" * depth + "]" * depth


def test_deeply_nested_json_is_a_bad_request(client_office, screened, application):
    _run, flag = screened
    for url in ["/api/bigdata/runs/", f"/api/bigdata/flags/{flag.pk}/decide/",
                f"/api/applications/{application.pk}/transition/"]:
        for body in [nested(100_000), nested(40), '{"reason": ' + nested(33) + "}"]:
            response = client_office.post(url, body, content_type="application/json")

            assert response.status_code == 400, (url, body[:50])
            assert "nested too deeply" in str(response.json())
    flag.refresh_from_db()
    assert (flag.decision, Run.objects.count()) == (Flag.Decision.PENDING, 1)


def test_deeply_nested_json_to_autosave_is_a_bad_request(client_rep, application):
    before = stored(application)

    response = client_rep.post(autosave_url(application), nested(100_000), content_type="application/json")

    assert response.status_code == 400
    assert stored(application) == before


def test_resuming_a_run_that_does_not_exist_is_404(client_office, screened):
    assert client_office.post(f"/bigdata/runs/{2**40}/resume/").status_code == 404


def test_deciding_a_flag_that_does_not_exist_is_404(client_office, screened):
    data = {"decision": "confirmed", "reason": "查实"}

    assert client_office.post(f"/bigdata/flags/{2**40}/decide/", data).status_code == 404
    assert client_office.post(f"/api/bigdata/flags/{2**40}/decide/", data).status_code == 404


def test_flag_decision_with_nul_in_the_reason_is_recorded_without_it(client_office, screened):
    _run, flag = screened

    response = client_office.post(f"/bigdata/flags/{flag.pk}/decide/", {"decision": "confirmed",
                                                                        "reason": f"查{NUL}实"})

    assert response.status_code == 302
    flag.refresh_from_db()
    assert (flag.decision, flag.decision_reason) == ("confirmed", "查实")


def test_round_advance_note_with_nul(client_office, rnd):
    response = client_office.post(f"/rounds/{rnd.pk}/advance/", {"to_phase": "recommendation",
                                                                 "note": f"按期{NUL}推进"})

    assert response.status_code == 302
    assert list(rnd.phase_changes.values_list("note", flat=True))[-1] in ("按期推进", "")


# ------------------------------------------------------------------ big data: imports

def test_import_with_a_nul_cell_rejects_that_row_with_its_reason(client_office, office):
    load_programs()
    org = make_org()
    src = source("gov-penalty")
    data = record_file(src, [row_for(org, occurred_on="2023-01-01", title=f"罚款{NUL}决定"),
                             row_for(org, occurred_on="2023-02-01", title="罚款决定")])

    batch = import_bytes(src, data, f"处罚{NUL}.csv", actor=office, accept_partial=True)

    assert (batch.status, batch.rows_imported, batch.rows_rejected, batch.file_name) == (
        ImportBatch.Status.IMPORTED, 1, 1, "处罚.csv")
    row = batch.rejected_rows.get()
    assert (row.row_number, row.code) == (2, "nul_character")
    assert "␀" in "".join(row.raw.values())
    page = client_office.get(f"/bigdata/imports/{batch.pk}/").content.decode()
    assert "NUL character" in page and "Error" not in page


def test_import_with_a_nul_cell_refused_whole_without_accept_partial(office):
    load_programs()
    org = make_org()
    src = source("gov-penalty")
    data = record_file(src, [row_for(org, occurred_on="2023-01-01", title="罚款决定"),
                             row_for(org, occurred_on="2023-02-01", authority=f"{NUL}")])

    batch = import_bytes(src, data, "处罚.csv", actor=office)

    assert (batch.status, batch.message_code, batch.message_params) == (
        ImportBatch.Status.REFUSED, "rows_rejected", {"n": 1})
    assert list(batch.rejected_rows.values_list("code", flat=True)) == ["nul_character"]
    assert PublicRecord.objects.count() == 0


@pytest.mark.parametrize("accept_partial", [True, False])
def test_import_whose_every_row_is_rejected_is_refused(client_office, office, accept_partial):
    load_programs()
    org = make_org()
    src = source("gov-penalty")
    data = record_file(src, [row_for(org, occurred_on="not a date"), row_for(org, occurred_on="2023-13-01")])

    batch = import_bytes(src, data, "处罚.csv", actor=office, accept_partial=accept_partial)

    assert (batch.status, batch.message_code, batch.message_params, batch.rows_imported) == (
        ImportBatch.Status.REFUSED, "all_rejected", {"n": 2}, 0)
    with translation.override("en"):
        assert batch.message_text.startswith("All 2 rows failed the checks")
    assert PublicRecord.objects.count() == 0


def test_upload_page_reports_an_all_rejected_file_as_refused(client_office):
    load_programs()
    org = make_org()
    src = source("gov-penalty")
    upload = SimpleUploadedFile("处罚.csv", record_file(src, [row_for(org, occurred_on="x")]), "text/csv")
    response = client_office.post("/bigdata/imports/", {"source": src.pk, "file": upload, "accept_partial": "on"},
                                  follow=True)

    assert response.status_code == 200
    shown = messages_of(response)
    assert shown == ["All 1 rows failed the checks, so nothing was imported. Correct them and upload the file "
                     "again."]


def test_runs_and_run_pages_for_unknown_ids(client_office, screened):
    assert client_office.get(f"/bigdata/runs/{2**62}/").status_code == 404
    assert client_office.get(f"/api/bigdata/runs/{2**62}/").status_code == 404
    assert Run.objects.count() == 1
