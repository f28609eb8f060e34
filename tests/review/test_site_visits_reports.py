"""Site visits, the group leader's review report, and the PDF/Excel downloads: who may do what,
the validation of a visit's team and date, the report's version check and prefill, and what the
downloads hold."""

import io
from datetime import timedelta

import pandas as pd
import pytest
from django.urls import reverse
from django.utils import timezone

from award_portal.audit import AuditEvent
from award_portal.roles import Role
from review import reports, site_visits
from review.models import ExpertGroup, GroupApplication, GroupMember, ItemScore, ReviewReport, SiteVisit
from tests.review import matrix
from tests.review.test_ranking_pages import score

pytestmark = pytest.mark.django_db

READERS = {Role.OFFICE, Role.SUPERVISOR, Role.GUIDANCE}
SUMMARY = READERS | {Role.COMMITTEE}


def _lead_a(o):
    GroupMember.objects.filter(group=o.group_a).update(is_leader=False)
    GroupMember.objects.filter(group=o.group_a, expert=o.expert_a).update(is_leader=True)
    return [o.app_a.pk, "material"]


MATRIX = {
    "review-site-visits": ("get", lambda o: [o.round.pk], READERS),
    "review-report": ("get", _lead_a, READERS | {"expert_a"}),
    "review-report-pdf": ("get", _lead_a, SUMMARY | {"expert_a"}),
    "review-round-summary-pdf": ("get", lambda o: [o.round.pk, "material"], SUMMARY),
    "review-round-summary-xlsx": ("get", lambda o: [o.round.pk, "material"], SUMMARY),
}


@pytest.mark.parametrize("name", sorted(MATRIX))
def test_permission_matrix(client, review_objects, name):
    matrix.check(client, review_objects, name, MATRIX[name])


def _site_groups(o):
    """Group A's experts form site group 1 reviewing app_a; group B's form site group 2 (app_b)."""
    result = []
    for number, (material, app) in enumerate([(o.group_a, o.app_a), (o.group_b, o.app_b)], start=1):
        group = ExpertGroup.objects.create(round=o.round, stage="site", number=number)
        for m in GroupMember.objects.filter(group=material):
            GroupMember.objects.create(group=group, expert=m.expert, is_leader=m.is_leader)
        GroupApplication.objects.create(group=group, application=app)
        result.append(group)
    return result


def test_visit_refused_for_a_group_not_reviewing_the_application(review_objects):
    o = review_objects
    site_a, site_b = _site_groups(o)
    office = o.users[Role.OFFICE]
    soon = timezone.localdate() + timedelta(days=7)
    with pytest.raises(site_visits.SiteVisitError) as err:
        site_visits.visit_plan(application_id=o.app_a.pk, group_id=site_b.pk, visit_on=soon, actor=office)
    assert err.value.code == "group"
    with pytest.raises(site_visits.SiteVisitError):  # the material group is not the site team
        site_visits.visit_plan(application_id=o.app_a.pk, group_id=o.group_a.pk, visit_on=soon, actor=office)
    with pytest.raises(site_visits.SiteVisitError):  # in the past
        site_visits.visit_plan(application_id=o.app_a.pk, group_id=site_a.pk,
                               visit_on=timezone.localdate() - timedelta(days=1), actor=office)
    with pytest.raises(site_visits.SiteVisitError):  # not the office
        site_visits.visit_plan(application_id=o.app_a.pk, group_id=site_a.pk, visit_on=soon,
                               actor=o.users[Role.SUPERVISOR])
    assert not SiteVisit.objects.exists()
    before = AuditEvent.objects.count()
    visit = site_visits.visit_plan(application_id=o.app_a.pk, group_id=site_a.pk, visit_on=soon,
                                   address="北京市海淀区", agenda="首次会议", actor=office)
    visit = site_visits.visit_reschedule(visit_id=visit.pk, visit_on=soon + timedelta(days=1),
                                         ends_on=soon + timedelta(days=2), actor=office)
    assert visit.agenda == "首次会议"
    visit = site_visits.visit_mark(visit_id=visit.pk, status="done", note="按期完成", actor=office)
    assert visit.status == SiteVisit.Status.DONE
    with pytest.raises(site_visits.SiteVisitError):
        site_visits.visit_reschedule(visit_id=visit.pk, visit_on=soon, actor=office)
    assert AuditEvent.objects.count() == before + 3
    assert list(site_visits.visits_for_expert(o.users["expert_a"])) == [visit]
    assert list(site_visits.visits_for_expert(o.users["expert_b"])) == []


def test_office_plans_through_the_page_and_the_expert_sees_it_on_their_home(client, review_objects):
    o = review_objects
    site_a, _site_b = _site_groups(o)
    client.force_login(o.users[Role.OFFICE])
    url = reverse("review-site-visits", args=[o.round.pk])
    day = (timezone.localdate() + timedelta(days=5)).isoformat()
    response = client.post(url, {"action": "plan", "application": o.app_a.pk, "group": site_a.pk,
                                 "visit_on": day, "address": "现场地址", "agenda": "议程"})
    assert response.status_code == 302
    assert SiteVisit.objects.filter(application=o.app_a, group=site_a).count() == 1
    client.force_login(o.users[Role.SUPERVISOR])
    assert client.post(url, {"action": "plan"}).status_code == 403
    assert "现场地址" in client.get(url).content.decode()
    client.force_login(o.users["expert_a"])
    home = client.get(reverse("review-expert-home")).content.decode()
    assert 'id="site-visits"' in home and "现场地址" in home


def test_only_the_leader_edits_the_report_prefilled_from_the_scorecards(client, review_objects):
    o = review_objects
    _lead_a(o)
    score(o, groups=[o.group_a])
    row = ItemScore.objects.filter(scorecard__application=o.app_a).first()
    ItemScore.objects.filter(pk=row.pk).update(strengths="领导作用突出", opportunities="测量体系待完善")
    url = reverse("review-report", args=[o.app_a.pk, "material"])
    other = GroupMember.objects.filter(group=o.group_a).exclude(expert=o.expert_a).first().expert.user
    client.force_login(other)
    response = client.get(url)
    assert response.status_code == 200 and not response.context["editable"]
    assert client.post(url, {"version": 0, "summary": "x"}).status_code == 404
    with pytest.raises(reports.ReportError):
        reports.report_save(application_id=o.app_a.pk, stage="material", actor=other, version=0, summary="x",
                            strengths="", opportunities="")
    client.force_login(o.users[Role.OFFICE])
    assert client.post(url, {"version": 0, "summary": "x"}).status_code == 404
    assert not ReviewReport.objects.exists()

    client.force_login(o.users["expert_a"])
    response = client.get(url)
    assert response.context["editable"]
    assert "领导作用突出" in response.context["report"].strengths
    assert "测量体系待完善" in response.context["report"].opportunities
    assert client.post(url, {"version": 0, "summary": "总体良好", "strengths": "优势",
                             "opportunities": "改进"}).status_code == 302
    report = ReviewReport.objects.get(application=o.app_a, stage="material")
    assert report.version == 1 and report.summary == "总体良好"
    # A stale version is refused, nothing lost.
    stale = client.post(url, {"version": 0, "summary": "覆盖"})
    assert stale.status_code == 409
    assert ReviewReport.objects.get(pk=report.pk).summary == "总体良好"
    assert client.post(url, {"version": 1, "action": "finalise"}).status_code == 302
    report.refresh_from_db()
    assert report.status == ReviewReport.Status.FINAL
    assert client.post(url, {"version": 2, "summary": "再改"}).status_code == 400
    assert set(AuditEvent.objects.filter(action__startswith="review.report_").values_list("action", flat=True)) \
        == {"review.report_saved", "review.report_finalised"}


def test_report_pdf_holds_the_organisation_name(client, review_objects):
    from pypdf import PdfReader

    o = review_objects
    _lead_a(o)
    reports.report_save(application_id=o.app_a.pk, stage="material", actor=o.users["expert_a"], version=0,
                        summary="总体良好", strengths="优势", opportunities="改进")
    client.force_login(o.users[Role.COMMITTEE])
    response = client.get(reverse("review-report-pdf", args=[o.app_a.pk, "material"]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert "no-store" in response["Cache-Control"]
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages)
    assert o.app_a.organization.name in text
    assert "总体良好" in text


def test_round_summary_excel_and_pdf_hold_the_totals(client, review_objects):
    from pypdf import PdfReader

    o = review_objects
    score(o, lambda i, app, item: 60)
    client.force_login(o.users[Role.OFFICE])
    response = client.get(reverse("review-round-summary-xlsx", args=[o.round.pk, "material"]))
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    sheets = pd.read_excel(io.BytesIO(response.content), sheet_name=None)
    assert set(sheets) == {"summary", "scores"}
    summary = sheets["summary"]
    total = o.round.program.criteria.total_points
    assert len(summary) == len(o.applications)
    assert summary["raw"].tolist() == pytest.approx([total * 0.6] * len(o.applications))
    category_columns = [c for c in summary.columns if c not in
                        {"rank", "application", "organisation", "group", "experts", "raw", "calibrated", "bigdata",
                         "final", "spread", "disagreements"}]
    assert category_columns
    assert summary[category_columns].sum(axis=1).tolist() == pytest.approx(summary["raw"].tolist())
    assert sheets["scores"]["points"].sum() == pytest.approx(total * 0.6 * len(o.applications))
    response = client.get(reverse("review-round-summary-pdf", args=[o.round.pk, "material"]))
    assert response.status_code == 200
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages)
    assert o.app_a.organization.name in text
