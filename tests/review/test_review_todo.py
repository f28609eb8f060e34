"""The review app's items on the home page: each role sees exactly its pending review work."""

import pytest
from django.urls import reverse
from django.utils import translation

from award_portal.roles import Role
from award_portal.todo import todo_for
from review import conflicts
from tests.review.support import make_expert

pytestmark = pytest.mark.django_db


def _titles(user, section):
    with translation.override("en"):
        return [str(item.title) for block in todo_for(user) if block["title"] == section for item in block["items"]]


def test_a_conflict_after_assignment_puts_the_group_on_the_office_home(client, review_objects):
    o = review_objects
    office = o.users[Role.OFFICE]
    assert _titles(office, "Expert groups needing a replacement") == []
    conflicts.conflict_declare(expert=o.expert_a, organization_id=o.app_a.organization_id, detail="曾任顾问")
    titles = _titles(office, "Expert groups needing a replacement")
    assert len(titles) == 1 and o.round.name_en in titles[0]
    client.cookies["django_language"] = "en"
    client.force_login(office)
    page = client.get(reverse("home")).content.decode()
    assert reverse("review-groups", args=[o.round.pk, "material"]) in page
    # Nobody else is asked to replace the expert.
    for role in (Role.SUPERVISOR, Role.EXPERT, Role.APPLICANT, Role.GUIDANCE):
        assert _titles(o.users[role], "Expert groups needing a replacement") == []


def test_supervisor_sees_draws_awaiting_the_number_and_office_sees_pool_applications(make_user, review_objects):
    o = review_objects  # holds a frozen draw
    assert _titles(o.users[Role.SUPERVISOR], "Draws awaiting your number") == [o.round.name_en]
    assert _titles(o.users[Role.OFFICE], "Draws awaiting your number") == []
    make_expert(make_user, status="applied", examined=False)
    assert _titles(o.users[Role.OFFICE], "Expert pool") == ["1 application to the expert pool"]
    assert _titles(o.users[Role.SUPERVISOR], "Expert pool") == []
