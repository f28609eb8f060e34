"""The awards pages that list things cost a fixed number of queries however long the list, and
read in English when asked."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from award_portal.roles import Role
from awards import funding
from awards.models import HonourKind
from tests.applications.factories import make_org
from tests.awards.support import approval_round, conferred, member

pytestmark = pytest.mark.django_db


def _world(make_user, n):
    """A conferred round with `n` winners, each with an honour and a payment, and its office."""
    office = make_user(Role.OFFICE)
    o = approval_round(n_award=n, n_nomination=0)
    conferred(office, o)
    funding.incentives_load()
    for application in o.apps:
        funding.payment_approve(program_id=o.program.pk, actor=office, application_id=application.pk)
        funding.honour_record(organization_id=application.organization_id, kind=HonourKind.CQA, year=2025,
                              actor=office)
    for _ in range(n):
        make_org(region="330106")
    o.office = office
    o.member = member(make_user, o.apps[0])
    for application in o.apps[1:]:
        member_link = o.member.organizations  # the same person acts for every winner
        member_link.add(application.organization)
    return o


PAGES = {
    "awards-home": lambda o: [],
    "awards-round": lambda o: [o.round.pk],
    "awards-certificates": lambda o: [o.round.pk],
    "awards-funding": lambda o: [],
    "awards-honours": lambda o: [],
}


def _count(client, user, name, args):
    client.force_login(user)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse(name, args=args))
    assert response.status_code == 200, name
    return len(queries)


@pytest.mark.parametrize("name", sorted(PAGES))
def test_office_lists_cost_the_same_for_one_and_three(client, make_user, name, django_assert_max_num_queries):
    small = _world(make_user, 1)
    one = _count(client, small.office, name, PAGES[name](small))
    large = _world(make_user, 3)  # the global lists now hold four of each
    three = _count(client, large.office, name, PAGES[name](large))
    assert three == one, (name, one, three)
    with django_assert_max_num_queries(30):
        client.get(reverse(name, args=PAGES[name](large)))


def test_the_applicants_page_costs_the_same_for_one_and_three(client, make_user):
    small = _world(make_user, 1)
    one = _count(client, small.member, "awards-mine", [])
    large = _world(make_user, 3)
    three = _count(client, large.member, "awards-mine", [])
    assert one == three
    page = client.get(reverse("awards-mine")).content.decode()
    assert page.count(reverse("awards-certificate-pdf", args=[large.apps[2].certificate.pk])) == 1


def test_pages_read_in_english(client, make_user):
    o = _world(make_user, 1)
    client.force_login(o.office)
    client.cookies["django_language"] = "en"
    assert "Approval and commendation" in client.get(reverse("awards-round", args=[o.round.pk])).content.decode()
    assert "Funding ledger" in client.get(reverse("awards-funding")).content.decode()
    client.cookies["django_language"] = "zh-hans"
    assert "资助台账" in client.get(reverse("awards-funding")).content.decode()


def test_honour_form_keeps_input_on_a_bad_code(client, make_user):
    office = make_user(Role.OFFICE)
    client.force_login(office)
    response = client.post(reverse("awards-honours"), {"credit_code": "91330106XXXXXXXXXX", "kind": HonourKind.CQA,
                                                       "year": "2025", "reference": "第五届中国质量奖"})
    assert response.status_code == 400
    assert "第五届中国质量奖" in response.content.decode() and "91330106XXXXXXXXXX" in response.content.decode()


def test_rules_register_lists_what_the_awards_app_runs(client):
    from applications.program_fixtures import load_all_programs
    from awards.funding import incentives_load

    load_all_programs()
    incentives_load()
    client.cookies["django_language"] = "en"
    page = client.get(reverse("program-register", args=["hangzhou"])).content.decode()
    assert "Incentive table (highest, not repeated)" in page and "5000000" in page
    assert "Recommendation to the China Quality Award" in client.get(
        reverse("program-register", args=["beijing"])).content.decode()


def test_office_todo_follows_the_steps(make_user):
    from awards.selectors import office_todo
    from tests.awards.support import conferred as confer_all

    office = make_user(Role.OFFICE)
    o = approval_round(n_award=1, n_nomination=0)
    assert [str(i.title) for i in office_todo(office)] == [f"登记政府批准：{o.round.name}"]
    assert office_todo(make_user(Role.SUPERVISOR)) == []
    confer_all(office, o)
    titles = [str(i.title) for i in office_todo(office)]
    assert titles == ["待核准的奖金和资助：1 项"]
