"""Who may open and do what with big data: every page, every API operation, every role
(bigdata/permissions.py states the policy).

* office, supervisors (and superusers): everything there is to read; only the office (and
  superusers) writes: imports, runs, resumes, decisions;
* the guidance group and the committee: the screening results (runs, flags with their evidence),
  not the sources, imports or an organisation's whole record;
* experts: the big-data panel of the applications assigned to them only (no assignments exist
  yet, so nothing); applicants and recommending authorities: nothing;
* anonymous visitors: the pages send them to the login page, the API answers 403.

A refused write changes nothing.
"""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from applications.enums import ApplicationState
from applications.models import AwardProgram
from award_portal.navigation import items_for
from bigdata import permissions
from bigdata.models import Flag, ImportBatch, PublicRecord, Run
from bigdata.services import run_start

from ..applications.factories import make_application, make_org, make_round
from .support import REF, import_rows, load_programs, record_file, row_for, source

pytestmark = pytest.mark.django_db

D = datetime.date
ROLES = ["office", "supervisor", "guidance", "committee", "expert", "recommender", "applicant", "admin", None]
EVERYTHING = {"office", "supervisor", "admin"}
SCREENING = EVERYTHING | {"guidance", "committee"}
WRITERS = {"office", "admin"}


@pytest.fixture
def world(make_user):
    """The shipped programs, one flagged organisation with an application in material review, a
    Beijing screening run, and one user per role."""
    load_programs()
    org = make_org(name="北京星河电子有限公司")
    import_rows("gov-dishonesty", [row_for(org, occurred_on=D(2023, 3, 1), grade="统计严重失信企业")])
    office = make_user(role="office")
    run = run_start(program=AwardProgram.objects.get(code="beijing"), actor=office, reference_date=REF)
    application = make_application(make_round(AwardProgram.objects.get(code="beijing")), org,
                                   state=ApplicationState.IN_MATERIAL_REVIEW)
    users = {role: make_user(role=role) for role in ROLES if role not in (None, "admin", "office")}
    users.update({"office": office, "admin": make_user(is_superuser=True, is_staff=True), None: None})
    return {"run": run, "flag": Flag.objects.get(run=run), "batch": ImportBatch.objects.get(), "org": org,
            "application": application, "users": users}


def client_for(user):
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def reads(world):
    """(url, who may read it) for every page and API read."""
    run, flag, batch, org = world["run"], world["flag"], world["batch"], world["org"]
    return [
        ("/bigdata/", SCREENING),
        (f"/bigdata/imports/{batch.pk}/", EVERYTHING),
        (f"/bigdata/runs/{run.pk}/", SCREENING),
        (f"/bigdata/runs/{run.pk}/progress/", SCREENING),
        (f"/bigdata/flags/{flag.pk}/", SCREENING),
        (f"/bigdata/organizations/{org.pk}/", EVERYTHING),
        ("/api/bigdata/imports/", EVERYTHING),
        (f"/api/bigdata/imports/{batch.pk}/", EVERYTHING),
        ("/api/bigdata/runs/", SCREENING),
        (f"/api/bigdata/runs/{run.pk}/", SCREENING),
        ("/api/bigdata/flags/", SCREENING),
        (f"/api/bigdata/flags/{flag.pk}/", SCREENING),
    ]


def expected_read(url, allowed, role):
    if role in allowed:
        return 200
    if role is None and not url.startswith("/api/"):
        return 302  # to the login page
    return 403


@pytest.mark.parametrize("role", ROLES)
def test_every_page_and_api_read_per_role(world, role):
    client = client_for(world["users"][role])

    answers = {url: client.get(url).status_code for url, _ in reads(world)}

    assert answers == {url: expected_read(url, allowed, role) for url, allowed in reads(world)}


def penalty_file(org):
    data = record_file(source("gov-penalty"), [row_for(org, occurred_on="2023-05-10", grade="警告")])
    return SimpleUploadedFile("处罚.csv", data, content_type="text/csv")


def state():
    return (ImportBatch.objects.count(), PublicRecord.objects.count(), Run.objects.count(),
            list(Flag.objects.values_list("decision", "decision_reason")))


@pytest.mark.parametrize("role", ROLES)
def test_every_page_write_per_role(world, role):
    client = client_for(world["users"][role])
    run, flag, org = world["run"], world["flag"], world["org"]
    before = state()

    answers = [
        client.post("/bigdata/imports/", {"source": source("gov-penalty").pk, "file": penalty_file(org)}).status_code,
        client.post(f"/bigdata/flags/{flag.pk}/decide/", {"decision": "dismissed", "reason": "已信用修复。"}).status_code,
        client.post(f"/bigdata/runs/{run.pk}/resume/").status_code,
        client.post("/bigdata/runs/", {"program": run.program_id, "kind": "screening",
                                       "reference_date": "2024-06-30"}).status_code,
    ]

    if role in WRITERS:
        assert answers == [302] * 4
        assert state()[:3] == (2, 2, 2)
        assert Flag.objects.get(pk=flag.pk).decision == Flag.Decision.DISMISSED
    else:
        assert answers == ([302] * 4 if role is None else [403] * 4)
        assert state() == before


@pytest.mark.parametrize("role", ROLES)
def test_every_api_write_per_role(world, role):
    client = client_for(world["users"][role])
    flag, org = world["flag"], world["org"]
    before = state()

    answers = [
        client.post("/api/bigdata/imports/", {"source": "gov-penalty", "file": penalty_file(org)}).status_code,
        client.post(f"/api/bigdata/flags/{flag.pk}/decide/", {"decision": "dismissed",
                                                              "reason": "已信用修复。"}).status_code,
        client.post("/api/bigdata/runs/", {"program": "beijing", "reference_date": "2024-06-30"}).status_code,
    ]

    if role in WRITERS:
        assert answers == [201, 200, 201]
        assert state()[:3] == (2, 2, 2)
    else:
        assert answers == [403] * 3
        assert state() == before


@pytest.mark.parametrize("role", ROLES)
def test_the_big_data_panel_and_its_links_per_role(world, role):
    """Guidance and committee read the application in review and its big-data feedback with the
    flag links; only the office and supervisors get the link to the organisation's records; an
    expert without an assignment sees no big data."""
    user, application, flag = world["users"][role], world["application"], world["flag"]

    assert permissions.can_see_bigdata_panel(user, application) == (role in SCREENING)
    if role in SCREENING:
        page = client_for(user).get(f"/applications/{application.pk}/").content.decode()
        assert 'id="bigdata-feedback"' in page and f"/bigdata/flags/{flag.pk}/" in page
        assert (f"/bigdata/organizations/{world['org'].pk}/" in page) == (role in EVERYTHING)


def test_an_assigned_expert_sees_the_panel_of_that_application_only(world, make_user, monkeypatch):
    """Assignments come from the review app as a reviewer check; given one, the assigned
    expert sees the big-data panel of that application and of no other."""
    expert = world["users"]["expert"]
    assigned = world["application"]
    other = make_application(make_round(AwardProgram.objects.get(code="beijing")), make_org(),
                             state=ApplicationState.IN_MATERIAL_REVIEW)
    monkeypatch.setattr(permissions, "REVIEWER_CHECKS", [
        lambda user, application: user.pk == expert.pk and application.pk == assigned.pk])

    assert permissions.can_see_bigdata_panel(expert, assigned)
    assert not permissions.can_see_bigdata_panel(expert, other)
    assert not permissions.can_see_bigdata_panel(world["users"]["applicant"], assigned)
    assert not permissions.can_read_screening(expert)


@pytest.mark.parametrize("role", ROLES)
def test_the_menu_offers_big_data_to_the_readers_of_screening_results(world, role):
    user = world["users"][role]
    shown = any(item["name"] == "bigdata-home" for item in items_for(user)) if user else False

    assert shown == (role in SCREENING)


def test_the_home_page_shows_what_each_reader_may_open(world):
    users = world["users"]

    office = client_for(users["office"]).get("/bigdata/").content.decode()
    supervisor = client_for(users["supervisor"]).get("/bigdata/").content.decode()
    committee = client_for(users["committee"]).get("/bigdata/").content.decode()

    batch_link = f"/bigdata/imports/{world['batch'].pk}/"
    run_link = f"/bigdata/runs/{world['run'].pk}/"
    assert 'id="import-submit"' in office and 'id="run-submit"' in office and batch_link in office
    assert 'id="import-submit"' not in supervisor and batch_link in supervisor and run_link in supervisor
    assert batch_link not in committee and run_link in committee and 'id="run-submit"' not in committee
