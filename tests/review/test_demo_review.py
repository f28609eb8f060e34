"""The review demo: `make run` shows the demo expert their assigned applications, the groups keep
clear of conflicts, and every draw replays to the same experts."""

import pytest
from django.core.management import call_command

from applications.enums import ApplicationState, RoundPhase
from applications.models import Application
from award_portal.models import User
from review import draws
from review.access import reviewable_applications
from review.conflicts import conflicted_pairs
from review.models import Conflict, DrawnExpert, Expert, ExpertDraw, GroupApplication, GroupMember

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(capsys):
    call_command("load_demo")
    capsys.readouterr()


def test_the_demo_expert_sees_assigned_applications(demo):
    user = User.objects.get(username="expert")
    expert = Expert.objects.get(user=user)
    assert expert.status == Expert.Status.ACTIVE
    visible = reviewable_applications(user)
    assert visible.count() >= 1
    assert set(visible.values_list("round__phase", flat=True)) == {RoundPhase.MATERIAL_REVIEW}
    rnd = visible.first().round
    assert Application.objects.filter(round=rnd, state=ApplicationState.IN_MATERIAL_REVIEW).count() >= 6
    # Exactly the applications of the expert's groups.
    mine = set(GroupApplication.objects.filter(group__members__expert=expert).values_list("application_id", flat=True))
    assert set(visible.values_list("pk", flat=True)) == mine


def test_no_group_member_has_an_active_conflict_with_the_group(demo):
    links = list(GroupApplication.objects.values_list("group_id", "application__organization_id"))
    assert links
    orgs_of: dict[int, set[int]] = {}
    for group_id, org_id in links:
        orgs_of.setdefault(group_id, set()).add(org_id)
    for member in GroupMember.objects.all():
        assert not conflicted_pairs([member.expert_id], orgs_of.get(member.group_id, set())), member.expert


def test_the_pool_shows_every_kind_of_record(demo):
    assert Expert.objects.count() >= 25
    assert Expert.objects.filter(status=Expert.Status.SUSPENDED).exclude(status_reason="").exists()
    assert Expert.objects.filter(status=Expert.Status.APPLIED).exists()
    assert Expert.objects.filter(shared=True, region_code__startswith="12").exists()
    sources = set(Conflict.objects.values_list("source", flat=True))
    assert {Conflict.Source.DERIVED, Conflict.Source.DECLARED} <= sources
    assert Conflict.objects.filter(reason=Conflict.Reason.CONSULTING).exists()
    assert Conflict.objects.filter(dismissed_at__isnull=False).exclude(dismissal_reason="").exists()
    assert DrawnExpert.objects.filter(response=DrawnExpert.Response.DECLINED).exclude(decline_reason="").exists()
    assert ExpertDraw.objects.filter(replaces__isnull=False, status=ExpertDraw.Status.DRAWN).exists()


def test_every_draw_replays_identically(demo):
    made = ExpertDraw.objects.filter(status=ExpertDraw.Status.DRAWN)
    assert made.count() >= 2
    for draw in made:
        assert draw.public_input_by.username == "supervisor"
        replay = draws.draw_replay(draw)
        assert replay["hash_matches"] and replay["result_matches"] and replay["algorithm_matches"], draw
        assert replay["result"] == draw.result


def test_the_review_demo_loads_once(demo):
    counts = (Expert.objects.count(), ExpertDraw.objects.count(), GroupMember.objects.count(),
              Conflict.objects.count())
    call_command("load_demo")
    assert (Expert.objects.count(), ExpertDraw.objects.count(), GroupMember.objects.count(),
            Conflict.objects.count()) == counts


def test_the_admin_shows_the_demo_and_refuses_hand_edits_of_draws_and_groups(demo, client):
    from review.models import ExpertGroup

    client.force_login(User.objects.get(username="admin"))
    for name in ("expert", "conflict", "expertdraw", "expertgroup", "reviewsettings", "corporategroup",
                 "availability", "reviewercommitment"):
        assert client.get(f"/admin/review/{name}/").status_code == 200, name
    assert client.get("/admin/review/expert/", {"q": "陈建国", "province": "11", "status": "active"}).status_code == 200
    draw = ExpertDraw.objects.filter(status=ExpertDraw.Status.DRAWN).first()
    page = client.get(f"/admin/review/expertdraw/{draw.pk}/change/")
    assert page.status_code == 200 and b"icon-yes" in page.content  # the replay check
    group = ExpertGroup.objects.first()
    assert client.get(f"/admin/review/expertgroup/{group.pk}/change/").status_code == 200
    for name in ("expertdraw", "expertgroup", "conflict"):
        assert client.get(f"/admin/review/{name}/add/").status_code == 403
    assert client.post(f"/admin/review/expertgroup/{group.pk}/delete/", {"post": "yes"}).status_code == 403
    assert client.post(f"/admin/review/expertdraw/{draw.pk}/change/", {"public_input": "1"}).status_code == 403
    assert ExpertGroup.objects.filter(pk=group.pk).exists()


def test_the_demo_expert_scores_beside_the_big_data_feedback(demo, client):
    """The Langfang round was screened and evaluated: each scorecard has its panel, and the
    applicant with a 较大 accident shows a warning."""
    from bigdata.models import Flag, Run

    user = User.objects.get(username="expert")
    application = reviewable_applications(user).order_by("pk").first()
    rnd = application.round
    run = Run.objects.filter(round=rnd, kind=Run.Kind.SCREENING).get()
    assert run.subjects.count() == Application.objects.filter(round=rnd).values("organization").distinct().count()
    assert Flag.objects.filter(run=run).exists()
    assert Run.objects.filter(program=rnd.program, kind=Run.Kind.EVALUATION).exists()
    client.force_login(user)
    html = client.get(f"/review/applications/{application.pk}/score/").content.decode()
    assert 'id="bigdata-feedback"' in html
