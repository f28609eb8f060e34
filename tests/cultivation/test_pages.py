"""Pages and API of the cultivation app: what each reader sees, bad input keeps what was typed,
query counts on every list."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from award_portal.roles import Role
from cultivation import campaigns
from tests.applications.factories import make_org
from tests.cultivation.support import setup

pytestmark = pytest.mark.django_db


@pytest.fixture
def o(make_user):
    return setup(make_user)


def _many_tracked(o, n=30):
    day = timezone.localdate() - datetime.timedelta(days=30)
    for _ in range(n):
        org = make_org(region="330106")
        t = campaigns.organization_track(campaign_id=o.campaign.pk, actor=o.office, credit_code=org.credit_code,
                                         cultivated=True)
        campaigns.method_adopt(tracked_id=t.pk, actor=o.office, method="excellence", adopted_on=day)


def test_dashboard_has_charts_data_and_the_same_figures_as_a_table(client, o, django_assert_max_num_queries):
    _many_tracked(o)
    client.cookies["django_language"] = "en"
    client.force_login(o.office)
    with django_assert_max_num_queries(20):
        response = client.get(reverse("cultivation-campaign", args=[o.campaign.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="cultivation-chart-data"' in html and 'type="application/json"' in html
    assert "vendor/echarts/echarts.min.js" in html and "js/cultivation_charts.js" in html
    assert '<tr data-figure="cultivated"><th scope="row">Organisations cultivated to apply</th><td>31</td><td>100</td>' in html
    assert '<tr data-figure="adopting"><th scope="row">Organisations adopting quality methods</th><td>31</td>' in html
    assert "<script>" not in html and "style=" not in html


def test_lists_cost_a_bounded_number_of_queries(client, o, django_assert_max_num_queries):
    _many_tracked(o, n=10)
    client.force_login(o.office)
    for name in ("cultivation-home", "cultivation-grants", "api-cultivation-campaigns", "api-cultivation-courses"):
        with django_assert_max_num_queries(15):
            assert client.get(reverse(name)).status_code == 200, name
    with django_assert_max_num_queries(15):
        assert client.get(reverse("cultivation-course", args=[o.past.pk])).status_code == 200
    client.logout()
    with django_assert_max_num_queries(8):
        assert client.get(reverse("cultivation-public")).status_code == 200
    with django_assert_max_num_queries(12):
        assert client.get(reverse("cultivation-progress", args=[o.campaign.pk])).status_code == 200
    client.force_login(o.member)
    for name in ("cultivation-mine", "api-cultivation-mine"):
        with django_assert_max_num_queries(15):
            assert client.get(reverse(name)).status_code == 200, name


def test_public_progress_names_no_organisation(client, o):
    response = client.get(reverse("cultivation-progress", args=[o.campaign.pk]))
    assert response.status_code == 200
    assert o.orgs[0].name not in response.content.decode()
    data = client.get(reverse("api-cultivation-progress", args=[o.campaign.pk])).json()
    assert data["tracked"] == 3 and data["target_adopting"] == 1000


def test_bad_campaign_keeps_what_was_typed(client, o):
    client.cookies["django_language"] = "en"
    client.force_login(o.office)
    response = client.post(reverse("cultivation-campaign-create"), {
        "program": o.program.pk, "name_zh": "质量提升行动", "starts_on": "2026-05-01", "ends_on": "2026-01-01",
        "target_cultivated": "50", "target_adopting": "500"})
    html = response.content.decode()
    assert response.status_code == 400
    assert "The campaign cannot end before it starts." in html
    assert 'value="质量提升行动"' in html and 'value="500"' in html


def test_member_records_a_method_and_enrols_from_its_own_page(client, o):
    client.force_login(o.member)
    day = (timezone.localdate() - datetime.timedelta(days=3)).isoformat()
    response = client.post(reverse("cultivation-method-add", args=[o.tracked[0].pk]), {"method": "lean",
                                                                                      "adopted_on": day})
    assert response.status_code == 302
    assert o.tracked[0].methods.filter(method="lean", recorded_by=o.member).exists()
    response = client.post(reverse("cultivation-enrol", args=[o.future.pk]), {"organization": o.orgs[0].pk,
                                                                             "person": "周九"})
    assert response.status_code == 302 and o.future.enrolments.filter(person="周九").exists()
    response = client.post(reverse("cultivation-enrol", args=[o.future.pk]), {"organization": o.orgs[1].pk,
                                                                             "person": "周九"})
    assert response.status_code == 403


def test_office_records_attendance_and_grant_through_the_pages(client, o):
    client.force_login(o.office)
    response = client.post(reverse("cultivation-attendance", args=[o.past.pk]),
                           {f"attendance-{o.enrolment.pk}": "attended"})
    assert response.status_code == 302
    o.enrolment.refresh_from_db()
    assert o.enrolment.attendance == "attended"
    org = make_org(region="330106")
    response = client.post(reverse("cultivation-grant"), {"program": o.program.pk, "credit_code": org.credit_code,
                                                          "year": "2025", "amount": "250000"})
    assert response.status_code == 400 and 'value="250000"' in response.content.decode()
    response = client.post(reverse("cultivation-grant"), {"program": o.program.pk, "credit_code": org.credit_code,
                                                          "year": "2025", "amount": "200000"})
    assert response.status_code == 302


def test_api_creates_a_course_and_records_attendance(client, o):
    client.force_login(o.office)
    response = client.post(reverse("api-cultivation-courses"), {
        "kind": "course", "topic": "QC小组活动培训", "held_on": "2026-03-01", "place": "质量大厦", "trainer": "陈老师",
        "capacity": 40}, content_type="application/json")
    assert response.status_code == 201 and response.json()["capacity"] == 40
    response = client.post(reverse("api-cultivation-courses"), {"kind": "course", "topic": ""},
                           content_type="application/json")
    assert response.status_code == 400 and response.json()["code"] == "input"
    response = client.post(reverse("api-cultivation-attendance", args=[o.past.pk]),
                           {"attendance": {str(o.enrolment.pk): "absent"}}, content_type="application/json")
    assert response.status_code == 200 and response.json() == {"changed": 1}


def test_menu_and_todo(o, make_user):
    """Asked directly (the home page also runs other apps' providers)."""
    from award_portal.navigation import items_for
    from cultivation.selectors import office_todo

    def names(user):
        return {item["name"] for item in items_for(user)}

    assert "cultivation-home" in names(o.office)
    assert "cultivation-mine" in names(o.member) and "cultivation-home" not in names(o.member)
    assert not {"cultivation-home", "cultivation-mine"} & names(make_user(Role.EXPERT))
    assert [item.url for item in office_todo(o.office)] == [reverse("cultivation-course", args=[o.past.pk])]
    assert office_todo(make_user(Role.SUPERVISOR)) == []


def test_application_page_shows_how_the_applicant_was_cultivated(client, o, make_user):
    from tests.cultivation.support import applied

    courses_attended = o.enrolment
    courses_attended.attendance = "attended"
    courses_attended.save()
    application = applied(o.orgs[0])
    url = reverse("application-detail", args=[application.pk])
    for user, shown in ((o.office, True), (o.member, True), (make_user(Role.EXPERT), False)):
        client.force_login(user)
        response = client.get(url)
        html = response.content.decode()
        assert ('id="cultivation-panel"' in html) is shown, (user, response.status_code)
        if shown:
            assert "卓越绩效模式导入培训" in html and "百争创、千导入" in html


@pytest.mark.parametrize("body", [[], "x", {"topic": 5}, {"capacity": 10**30, "held_on": "0000-00-00"},
                                  {"attendance": []}, {"attendance": {"abc": "attended"}}, {"method": None},
                                  {"method": "lean", "adopted_on": "2999-01-01"}, {"campaign": -1}])
def test_api_bad_bodies_get_a_reason_never_a_server_error(client, o, body):
    client.force_login(o.office)
    for url in (reverse("api-cultivation-courses"), reverse("api-cultivation-attendance", args=[o.past.pk]),
                reverse("api-cultivation-methods", args=[o.tracked[0].pk])):
        response = client.post(url, body, content_type="application/json")
        assert response.status_code in (400, 409), (url, body, response.status_code)
        assert response.json()["detail"]
