"""The public pages (no login, Chinese and English, cached and invalidated on change) and the
office's pages (publish, objections with countdowns, findings)."""

import datetime

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format

from applications.enums import ApplicationState, NoticeStage, RoundPhase
from applications.models import Application
from award_portal.audit import AuditEvent
from award_portal.roles import Role
from notices.models import Objection, PublicNotice
from tests.applications.factories import make_application, make_org, make_round, make_rule

from .support import noticed_program, pdf_upload, publish, round_with_proposed

pytestmark = pytest.mark.django_db
S = ApplicationState


@pytest.fixture(autouse=True)
def fresh_cache():
    cache.clear()
    yield
    cache.clear()


def english(client):
    client.cookies["django_language"] = "en"
    return client


def notices(n):
    out = []
    for _ in range(n):
        rnd, _apps = round_with_proposed(n=3)
        out.append(publish(rnd))
    return out


def test_the_notice_page_lists_the_finalists_with_start_end_and_trail_head(client):
    [notice] = notices(1)
    response = english(client).get(reverse("notices-detail", args=[notice.pk]))

    html = response.content.decode()
    assert response.status_code == 200
    for entry in notice.entries.all():
        assert entry.organization_name in html
    with translation.override("en"):
        period = (f"Notice period: from {date_format(notice.starts_on)} to {date_format(notice.ends_on)} "
                  f"(5 working days).")
    assert period in html
    assert notice.audit_hash in html and str(notice.audit_event_id) in html
    assert 'id="lodge-objection"' in html


def test_the_notice_page_reads_in_chinese_by_default(client):
    [notice] = notices(1)
    html = client.get(reverse("notices-detail", args=[notice.pk])).content.decode()
    assert "公示期：" in html and "提出异议" in html and "发布时的审计日志" in html


def test_a_cache_hit_costs_no_query_and_a_change_invalidates_it(client, django_assert_num_queries,
                                                                django_capture_on_commit_callbacks):
    [notice] = notices(1)
    url = reverse("notices-detail", args=[notice.pk])
    first = client.get(url)
    with django_assert_num_queries(0):
        second = client.get(url)
    assert second.status_code == 200 and "csrfmiddlewaretoken" in second.content.decode()
    assert "__notices_csrf_placeholder__" not in second.content.decode()
    assert first.content.decode().count("<tr>") == second.content.decode().count("<tr>")

    from notices.objections import objection_decide, objection_submit
    with django_capture_on_commit_callbacks(execute=True):
        objection, _s = objection_submit(notice_id=notice.pk, entry_id=notice.entries.first().pk, facts="f",
                                         reasons="r", contact_name="n", contact="c")
    office = type(notice.published_by).objects.get(pk=notice.published_by_id)
    with django_capture_on_commit_callbacks(execute=True):
        objection_decide(objection_id=objection.pk, actor=office, upheld=False, reasons="经核查不属实。")
    assert "经核查不属实。" in client.get(url).content.decode()


@pytest.mark.parametrize("count", [1, 3])
def test_the_notice_list_takes_a_fixed_number_of_queries(client, django_assert_max_num_queries, count):
    notices(count)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("notices-list"))
    assert response.status_code == 200


@pytest.mark.parametrize("count", [1, 3])
def test_calls_results_and_revoked_take_a_fixed_number_of_queries(client, django_assert_max_num_queries, count):
    for _ in range(count):
        program = noticed_program()
        make_rule(program, "declaration", {"key": "k"}, description_zh="近三年无重大质量事故", description_en="No major accident")
        make_round(program, phase=RoundPhase.APPLICATIONS_OPEN)
        rnd = make_round(program, phase=RoundPhase.CLOSED, deadline=timezone.now() - datetime.timedelta(days=800))
        make_application(rnd, make_org(), state=S.AWARDED)
        make_application(rnd, make_org(), state=S.REVOKED)
    for name in ("notices-calls", "notices-results", "notices-revoked"):
        with django_assert_max_num_queries(12):
            response = english(client).get(reverse(name))
        assert response.status_code == 200, name
    assert "No major accident" in english(client).get(reverse("notices-calls")).content.decode()


def test_an_anonymous_visitor_lodges_an_objection_with_a_file_and_follows_it(client):
    [notice] = notices(1)
    entry = notice.entries.first()
    response = english(client).post(reverse("notices-objection-new", args=[notice.pk]), {
        "entry": entry.pk, "facts": "事实", "reasons": "理由", "contact_name": "李女士", "contact": "li@example.cn",
        "evidence": [pdf_upload()]})

    assert response.status_code == 200
    objection = Objection.objects.get()
    html = response.content.decode()
    assert objection.receipt in html and response["Cache-Control"] == "no-store"
    secret = html.split('id="receipt-secret">')[1].split("<")[0]
    status = english(client).post(reverse("notices-objection-status"), {"receipt": objection.receipt, "secret": secret})
    assert "Being verified" in status.content.decode()
    wrong = english(client).post(reverse("notices-objection-status"), {"receipt": objection.receipt, "secret": "x"})
    assert "No objection matches" in wrong.content.decode()


def test_a_refused_objection_keeps_what_was_typed(client):
    [notice] = notices(1)
    PublicNotice.objects.filter(pk=notice.pk).update(closes_at=timezone.now() - datetime.timedelta(seconds=1))
    response = english(client).post(reverse("notices-objection-new", args=[notice.pk]), {
        "entry": notice.entries.first().pk, "facts": "我写的事实", "reasons": "理由", "contact_name": "n", "contact": "c"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "objections are no longer accepted" in html and "我写的事实" in html
    assert not Objection.objects.exists()


def test_the_trail_check_confirms_a_notice_and_detects_a_wrong_or_missing_entry(client):
    [notice] = notices(1)
    url = reverse("notices-trail-check")
    ok = english(client).post(url, {"entry_id": notice.audit_event_id, "entry_hash": notice.audit_hash})
    assert "is in the trail unchanged" in ok.content.decode()
    wrong = english(client).post(url, {"entry_id": notice.audit_event_id, "entry_hash": "0" * 64})
    assert "different hash" in wrong.content.decode()
    last = AuditEvent.objects.order_by("-id").first().pk
    cut = english(client).post(url, {"entry_id": last + 5, "entry_hash": notice.audit_hash})
    assert "cut short" in cut.content.decode()
    bad = english(client).post(url, {"entry_id": "x", "entry_hash": "nothex"})
    assert bad.status_code == 200 and "64 characters" in bad.content.decode()


def test_the_office_publishes_from_its_page_and_records_a_finding(client, make_user):
    office = make_user(Role.OFFICE)
    program = noticed_program(days=7, verification_days=5)
    rnd, apps = round_with_proposed(program, n=2)
    client.force_login(office)
    page = english(client).get(reverse("notices-office"))
    assert page.status_code == 200 and "Publish the notice" in page.content.decode()

    response = client.post(reverse("notices-publish", args=[rnd.pk]), {
        f"r{rnd.pk}-stage": NoticeStage.PROPOSED_WINNERS, f"r{rnd.pk}-starts_on": timezone.localdate().isoformat()})
    notice = PublicNotice.objects.get(round=rnd)
    assert response.status_code == 302 and response["Location"] == reverse("notices-detail", args=[notice.pk])
    assert set(Application.objects.filter(round=rnd).values_list("state", flat=True)) == {S.IN_PUBLIC_NOTICE}

    from notices.objections import objection_submit
    objection, _s = objection_submit(notice_id=notice.pk, entry_id=notice.entries.first().pk, facts="f",
                                     reasons="r", contact_name="n", contact="c", files=[pdf_upload()])
    listing = english(client).get(reverse("notices-office")).content.decode()
    assert objection.receipt in listing and "working days left" in listing
    review = reverse("notices-objection-review", args=[objection.pk])
    assert english(client).get(review).status_code == 200
    evidence = objection.evidence.get()
    download = client.get(reverse("notices-evidence", args=[objection.pk, evidence.pk]))
    assert download.status_code == 200 and "no-store" in download["Cache-Control"]
    response = client.post(review, {"finding": "upheld", "reasons": "核查属实"})
    assert response.status_code == 302
    assert Application.objects.get(pk=objection.entry.application_id).state == S.WITHDRAWN_AFTER_OBJECTION


def test_the_office_sees_overdue_objections_on_its_home_to_do(client, make_user):
    from notices.selectors import todo_items

    office = make_user(Role.OFFICE)
    [notice] = notices(1)
    from notices.objections import objection_submit
    objection, _s = objection_submit(notice_id=notice.pk, entry_id=notice.entries.first().pk, facts="f",
                                     reasons="r", contact_name="n", contact="c")
    Objection.objects.filter(pk=objection.pk).update(due_on=datetime.date(2025, 1, 2))
    [item] = todo_items(office)
    assert item.overdue and item.due == datetime.date(2025, 1, 2)
    assert todo_items(make_user(Role.APPLICANT)) == []


def test_the_api_lists_notices_publicly_and_objections_to_the_office(client, make_user):
    [notice] = notices(1)
    data = client.get(reverse("api-notices-list")).json()
    assert data["results"][0]["audit_hash"] == notice.audit_hash
    assert len(data["results"][0]["entries"]) == 3
    assert client.get(reverse("api-notices-objections")).status_code in (401, 403)
    client.force_login(make_user(Role.SUPERVISOR))
    assert client.get(reverse("api-notices-objections")).status_code == 200


@pytest.mark.parametrize("count", [1, 3])
def test_the_office_page_takes_a_fixed_number_of_queries(client, make_user, django_assert_max_num_queries, count):
    from notices.objections import objection_submit

    for notice in notices(count):
        objection_submit(notice_id=notice.pk, entry_id=notice.entries.first().pk, facts="f", reasons="r",
                         contact_name="n", contact="c")
    Objection.objects.update(due_on=datetime.date(2025, 1, 2))
    client.force_login(make_user(Role.OFFICE))
    with django_assert_max_num_queries(20):
        response = client.get(reverse("notices-office"))
    assert response.status_code == 200 and response.content.decode().count('class="overdue"') == count


def test_the_application_page_shows_its_notices_and_objections_to_the_office(client, make_user):
    from notices.objections import objection_submit

    [notice] = notices(1)
    entry = notice.entries.first()
    objection, _s = objection_submit(notice_id=notice.pk, entry_id=entry.pk, facts="f", reasons="r",
                                     contact_name="n", contact="c")
    client.force_login(make_user(Role.OFFICE))
    html = client.get(reverse("application-detail", args=[entry.application_id])).content.decode()
    assert 'id="notices-panel"' in html and objection.receipt in html
    client.force_login(make_user(Role.APPLICANT))
    from notices.panels import notices_panel
    assert notices_panel(entry.application, make_user(Role.APPLICANT)) is None


def test_too_many_objections_from_one_address_get_the_time_to_retry(client, settings):
    settings.NOTICES_OBJECTIONS_PER_HOUR = 1
    [notice] = notices(1)
    url = reverse("notices-objection-new", args=[notice.pk])
    data = {"entry": notice.entries.first().pk, "facts": "事实", "reasons": "理由", "contact_name": "n", "contact": "c"}
    assert "receipt-number" in english(client).post(url, data).content.decode()
    refused = english(client).post(url, data).content.decode()
    assert "Too many requests from your address. Please try again after" in refused
    assert "事实" in refused  # what was typed is kept
    assert Objection.objects.count() == 1


def test_the_trail_check_reads_the_anchor_that_covers_the_notice(client, settings, tmp_path):
    from award_portal.audit_anchor import audit_anchor_write
    from notices.trail import trail_check

    settings.AUDIT_ANCHOR_DIR = str(tmp_path / "anchors")
    [notice] = notices(1)
    anchor = audit_anchor_write()
    with translation.override("en"):
        result = trail_check(entry_id=notice.audit_event_id, entry_hash=notice.audit_hash)
    assert result.ok and f"since {anchor['at']} covers it" in result.message


def test_the_trail_check_fails_when_the_trail_differs_from_a_covering_anchor(settings, tmp_path):
    import json

    from award_portal.audit_anchor import anchor_mac
    from notices.trail import trail_check

    settings.AUDIT_ANCHOR_DIR = str(tmp_path)
    [notice] = notices(1)
    head = AuditEvent.objects.order_by("-id").first()
    # What an anchor written before a rewrite would say: the same entry with other content.
    record = {"seq": 1, "id": head.pk, "hash": "f" * 64, "mac": head.mac, "at": "2026-01-01T00:00:00+08:00", "prev": ""}
    record["anchor_mac"] = anchor_mac(record)
    (tmp_path / "anchors.jsonl").write_text(json.dumps(record) + "\n")
    with translation.override("en"):
        result = trail_check(entry_id=notice.audit_event_id, entry_hash=notice.audit_hash)
    assert not result.ok and "no longer matches the anchor" in result.message


def test_the_office_publishes_and_decides_through_the_api(client, make_user):
    office = make_user(Role.OFFICE)
    rnd, apps = round_with_proposed(n=2)
    client.force_login(office)
    url = reverse("api-notices-publish", args=[rnd.pk])
    created = client.post(url, {"stage": NoticeStage.PROPOSED_WINNERS}, content_type="application/json")
    assert created.status_code == 201 and len(created.json()["entries"]) == 2
    again = client.post(url, {"stage": NoticeStage.PROPOSED_WINNERS}, content_type="application/json")
    assert again.status_code == 400
    notice = PublicNotice.objects.get(round=rnd)

    from notices.objections import objection_submit
    objection, _s = objection_submit(notice_id=notice.pk, entry_id=notice.entries.first().pk, facts="f",
                                     reasons="r", contact_name="n", contact="c")
    decide = reverse("api-notices-objection-decide", args=[objection.pk])
    assert client.post(decide, {"upheld": True}, content_type="application/json").status_code == 400
    answer = client.post(decide, {"upheld": True, "reasons": "核查属实"}, content_type="application/json")
    assert answer.status_code == 200 and answer.json()["finding"] == "upheld"
    assert Application.objects.get(pk=objection.entry.application_id).state == S.WITHDRAWN_AFTER_OBJECTION
    client.force_login(make_user(Role.SUPERVISOR))
    assert client.post(decide, {"upheld": False, "reasons": "x"}, content_type="application/json").status_code == 403


def test_earlier_notices_are_listed_newest_first(client):
    old_round, _a = round_with_proposed(n=1)
    old = publish(old_round, starts_on=datetime.date(2016, 11, 11))
    new_round, _b = round_with_proposed(n=1)
    new = publish(new_round, starts_on=datetime.date(2024, 11, 18))
    html = client.get(reverse("notices-list")).content.decode()
    assert html.index(f'href="/notices/{new.pk}/"') < html.index(f'href="/notices/{old.pk}/"')
