"""The pages end to end over HTTP: the office prepares and runs the meeting, a member casts a
ballot and checks the receipt, the chair and the supervisor sign, the office carries out the result;
bad input keeps what was typed; list pages take a fixed number of queries."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from applications.enums import ApplicationState as S
from applications.models import Application
from deliberation import voting
from deliberation.models import Meeting, Vote
from tests.applications.factories import make_application, make_org, make_round

from .conftest import prepare

pytestmark = pytest.mark.django_db


def login(client, user, lang="en"):
    client.logout()
    client.force_login(user)
    client.cookies["django_language"] = lang
    return client


def test_full_meeting_through_the_pages(client, world):
    w = world
    c = login(client, w.office)
    form = {"held_at": "2026-11-10T09:30", "place": "市政府第一会议室", "members": [m.pk for m in w.members],
            "chair": w.members[0].pk, "quorum_numerator": 2, "quorum_denominator": 3,
            "office_report": "评审办汇报", "supervision_report": "监督组汇报", "minutes": ""}
    assert c.post(reverse("deliberation-meeting-save", args=[w.round.pk]), form).status_code == 302
    meeting = Meeting.objects.get(round=w.round)
    c.post(reverse("deliberation-attendance", args=[w.round.pk]), {"present": [m.pk for m in w.members]})
    response = c.post(reverse("deliberation-vote-create", args=[w.round.pk]), {"tier": w.secret.pk})
    vote = Vote.objects.get(meeting=meeting)
    assert response["Location"] == reverse("deliberation-vote", args=[vote.pk])
    c.post(reverse("deliberation-vote-open", args=[vote.pk]))
    assert Vote.objects.get(pk=vote.pk).status == "open"

    receipts = []
    for member in w.members:
        page = login(client, member).get(reverse("deliberation-vote", args=[vote.pk]))
        assert b"ballot-form" in page.content
        data = {f"c_{cand.pk}": ("yes" if cand.position == 1 else "no") for cand in vote.candidates.all()}
        answer = client.post(reverse("deliberation-ballot", args=[vote.pk]), data)
        assert answer.status_code == 200 and "no-store" in answer["Cache-Control"]
        receipts.append(re.search(r"V\d+-[A-Z2-7]{4}-[A-Z2-7]{4}-[A-Z2-7]{4}-[A-Z2-7]{4}",
                                  answer.content.decode()).group(0))
        # The same member again: refused, the form shown again.
        again = client.post(reverse("deliberation-ballot", args=[vote.pk]), data)
        assert again.status_code == 403

    login(client, w.office).post(reverse("deliberation-vote-close", args=[vote.pk]))
    page = client.get(reverse("deliberation-vote", args=[vote.pk])).content.decode()
    assert "Carried" in page and all(voting.receipt_hash(vote.pk, r) in page for r in receipts)

    client.logout()
    checked = client.post(reverse("deliberation-receipt"), {"receipt": receipts[2]})
    assert "Counted." in checked.content.decode() or "已计入" in checked.content.decode()

    minutes = dict(form, minutes="会议审议并以无记名投票方式表决。")
    login(client, w.office).post(reverse("deliberation-meeting-save", args=[w.round.pk]), minutes)
    login(client, w.members[0]).post(reverse("deliberation-sign", args=[w.round.pk]))
    login(client, w.supervisor).post(reverse("deliberation-sign", args=[w.round.pk]))
    assert Meeting.objects.get(pk=meeting.pk).signed
    login(client, w.office).post(reverse("deliberation-conclude", args=[w.round.pk]))

    states = sorted(Application.objects.filter(round=w.round).values_list("state", flat=True))
    assert states == sorted([S.PROPOSED] + [S.NOT_PROPOSED] * 3)


def test_meeting_form_error_keeps_what_was_typed(client, world):
    w = world
    c = login(client, w.office)
    response = c.post(reverse("deliberation-meeting-save", args=[w.round.pk]), {
        "held_at": "2026-11-10T09:30", "place": "会议室", "members": [w.members[0].pk], "chair": w.members[1].pk,
        "quorum_numerator": 3, "quorum_denominator": 2, "office_report": "已经写好的汇报内容"})
    body = response.content.decode()
    assert response.status_code == 400
    assert "已经写好的汇报内容" in body
    assert "The chair must be one of the members called." in body
    assert not Meeting.objects.exists()


def test_show_of_hands_counts_error_keeps_the_counts(client, world):
    w = world
    meeting = prepare(w)
    vote = voting.vote_create(meeting_id=meeting.pk, actor=w.office, tier_id=w.hands.pk)
    voting.vote_open(vote_id=vote.pk, actor=w.office)
    cands = list(vote.candidates.all())
    data = {}
    for cand in cands:
        data.update({f"yes_{cand.pk}": "4", f"no_{cand.pk}": "2", f"abstain_{cand.pk}": "0"})  # 6 > 5 present
    response = login(client, w.office).post(reverse("deliberation-vote-close", args=[vote.pk]), data)
    assert response.status_code == 400
    assert "only 5 members present" in response.content.decode()
    assert 'value="4"' in response.content.decode()
    assert Vote.objects.get(pk=vote.pk).status == "open"


def test_ballot_error_keeps_the_choices(client, world):
    w = world
    meeting = prepare(w)
    vote = voting.vote_create(meeting_id=meeting.pk, actor=w.office, tier_id=w.secret.pk)
    voting.vote_open(vote_id=vote.pk, actor=w.office)
    data = {f"c_{cand.pk}": "yes" for cand in vote.candidates.all()}  # 4 in favour for 2 places
    response = login(client, w.members[1]).post(reverse("deliberation-ballot", args=[vote.pk]), data)
    assert response.status_code == 400
    assert "At most 2 in favour" in response.content.decode()
    assert response.content.decode().count("checked") == 4


def test_chinese_is_the_default(client, world):
    w = world
    prepare(w)
    page = login(client, w.office, lang="zh-hans").get(reverse("deliberation-meeting", args=[w.round.pk]))
    assert "评审委员会会议" in page.content.decode() or "委员会会议" in page.content.decode()


def test_api_cast_and_check(client, world):
    w = world
    meeting = prepare(w)
    vote = voting.vote_create(meeting_id=meeting.pk, actor=w.office, tier_id=w.secret.pk)
    voting.vote_open(vote_id=vote.pk, actor=w.office)
    c = login(client, w.members[2])
    body = {"choices": {str(cand.pk): "abstain" for cand in vote.candidates.all()}}
    first = c.post(reverse("api-deliberation-ballot", args=[vote.pk]), body, content_type="application/json")
    assert first.status_code == 201
    second = c.post(reverse("api-deliberation-ballot", args=[vote.pk]), body, content_type="application/json")
    assert second.status_code == 409 and second.json()["code"] == "state"
    client.logout()
    answer = client.post(reverse("api-deliberation-receipt"), {"receipt": first.json()["receipt"]},
                         content_type="application/json").json()
    assert answer["status"] == "received" and "choices" not in answer
    detail = login(client, w.supervisor).get(reverse("api-deliberation-vote", args=[vote.pk])).json()
    assert detail["status"] == "open" and all(cand["tally"] is None for cand in detail["candidates"])


# --- Query counts: list pages do not grow with their rows ---------------------------------------

def _queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_rounds_list_query_count(client, world, django_assert_max_num_queries):
    w = world
    c = login(client, w.office)
    one = _queries(c, reverse("deliberation-rounds"))
    for year in (2030, 2032):
        make_round(w.program, phase="deliberation", year=year)
    assert _queries(c, reverse("deliberation-rounds")) == one
    with django_assert_max_num_queries(one):
        c.get(reverse("deliberation-rounds"))


def test_dossier_query_count(client, world):
    w = world
    c = login(client, w.supervisor)
    url = reverse("deliberation-dossier", args=[w.round.pk])
    base = _queries(c, url)
    for _i in range(3):
        make_application(w.round, make_org(), state=S.IN_DELIBERATION)
    assert _queries(c, url) == base


def test_meeting_and_vote_pages_query_count(client, world):
    w = world
    meeting = prepare(w)
    vote = voting.vote_create(meeting_id=meeting.pk, actor=w.office, tier_id=w.hands.pk,
                              application_ids=[w.apps[0].pk])
    c = login(client, w.office)
    meeting_url, vote_url = reverse("deliberation-meeting", args=[w.round.pk]), reverse("deliberation-vote",
                                                                                        args=[vote.pk])
    small = (_queries(c, meeting_url), _queries(c, vote_url))
    voting.vote_delete(vote_id=vote.pk, actor=w.office)
    vote = voting.vote_create(meeting_id=meeting.pk, actor=w.office, tier_id=w.hands.pk)
    vote_url = reverse("deliberation-vote", args=[vote.pk])
    assert (_queries(c, meeting_url), _queries(c, vote_url)) == small


def test_application_page_shows_the_votes_to_the_office_not_to_the_applicant(client, world, make_user):
    from applications.models import Membership

    w = world
    meeting = prepare(w)
    vote = voting.vote_create(meeting_id=meeting.pk, actor=w.office, tier_id=w.hands.pk)
    voting.vote_open(vote_id=vote.pk, actor=w.office)
    voting.vote_close(vote_id=vote.pk, actor=w.office, counts={c.pk: (4, 1, 0) if c.position == 1 else (1, 4, 0)
                                                               for c in vote.candidates.all()})
    url = reverse("application-detail", args=[w.apps[0].pk])
    page = login(client, w.office).get(url).content.decode()
    assert 'id="deliberation-panel"' in page and "Carried" in page
    applicant = make_user("applicant")
    Membership.objects.create(user=applicant, organization=w.apps[0].organization, role=Membership.Role.ADMIN)
    response = login(client, applicant).get(url)
    assert response.status_code == 200 and 'id="deliberation-panel"' not in response.content.decode()


def test_member_participation_and_api_list_query_counts(client, world):
    from deliberation import meetings as meeting_services

    w = world
    meeting = prepare(w)
    voting.vote_create(meeting_id=meeting.pk, actor=w.office, tier_id=w.secret.pk)
    c = login(client, w.members[1])
    small = (_queries(c, reverse("deliberation-mine")), _queries(c, reverse("api-deliberation-rounds")))
    for year in (2030, 2032):
        rnd = make_round(w.program, phase="deliberation", year=year)
        make_application(rnd, make_org(), state=S.IN_DELIBERATION)
        other = meeting_services.meeting_save(
            round_id=rnd.pk, actor=w.office, held_at=meeting.held_at, place="会议室",
            member_ids=[m.pk for m in w.members], chair_id=w.members[0].pk)
        meeting_services.attendance_record(meeting_id=other.pk, actor=w.office,
                                           present_ids=[m.pk for m in w.members])
        voting.vote_create(meeting_id=other.pk, actor=w.office, tier_id=w.secret.pk)
    page = c.get(reverse("deliberation-mine")).content.decode()
    assert page.count('class="card participation"') == 3
    assert (_queries(c, reverse("deliberation-mine")), _queries(c, reverse("api-deliberation-rounds"))) == small


def test_the_office_chooses_the_list_and_sees_who_is_excluded(client, world):
    w = world
    w.program.score_floor = 600
    w.program.save()
    w.scores({w.apps[0].pk: 700, w.apps[1].pk: 650, w.apps[2].pk: 640, w.apps[3].pk: 500})
    prepare(w)
    c = login(client, w.office)
    page = c.get(reverse("deliberation-meeting", args=[w.round.pk])).content.decode()
    assert "scored 500, below the program" in page and 'id="excluded"' in page
    c.post(reverse("deliberation-vote-create", args=[w.round.pk]),
           {"tier": w.secret.pk, "applications": [w.apps[0].pk, w.apps[2].pk]})
    vote = Vote.objects.get()
    assert list(vote.candidates.values_list("application_id", flat=True)) == [w.apps[0].pk, w.apps[2].pk]
