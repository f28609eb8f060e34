"""Every deliberation URL (pages and API) for every role and the anonymous visitor.

`MATRIX = {url name: (method, args(o) or None, who)}`; `who` is a set of user keys or PUBLIC.
The users: one per role (the committee user is the meeting's chair and on the roll of its open
secret ballot), "committee_other" (a committee member the meeting does not call) and None
(anonymous). A refused request is 401/403/404 (or the login redirect) and leaves no audit entry.
A fresh round and meeting is built for each URL, so an allowed POST cannot disturb another row.
"""

import pytest
from django.conf import settings
from django.urls import get_resolver, reverse

from award_portal.audit import AuditEvent
from award_portal.roles import Role
from deliberation import meetings, voting
from tests.award_portal.test_permission_matrix import url_names

from .conftest import prepare

pytestmark = pytest.mark.django_db

PUBLIC = "public"
READERS = {Role.OFFICE, Role.SUPERVISOR, Role.COMMITTEE}
USERS = {Role.OFFICE, Role.SUPERVISOR, Role.COMMITTEE, "committee_other"}
OFFICE = {Role.OFFICE}
EVERYONE = [*Role, "committee_other", None]

ROUND = lambda o: [o.round.pk]  # noqa: E731
VOTE = lambda o: [o.vote.pk]  # noqa: E731

MATRIX = {
    "deliberation-rounds": ("get", None, USERS),
    "deliberation-mine": ("get", None, {Role.COMMITTEE, "committee_other"}),
    "deliberation-receipt": ("get", None, PUBLIC),
    "deliberation-dossier": ("get", ROUND, READERS),
    "deliberation-meeting": ("get", ROUND, READERS),
    "deliberation-meeting-save": ("post", ROUND, OFFICE),
    "deliberation-attendance": ("post", ROUND, OFFICE),
    "deliberation-recusal-add": ("post", ROUND, OFFICE),
    "deliberation-vote-create": ("post", ROUND, OFFICE),
    "deliberation-sign": ("post", ROUND, {Role.COMMITTEE, Role.SUPERVISOR}),
    "deliberation-conclude": ("post", ROUND, OFFICE),
    "deliberation-recusal-withdraw": ("post", lambda o: [o.recusal.pk], OFFICE),
    "deliberation-vote": ("get", VOTE, READERS),
    "deliberation-ballot": ("post", VOTE, {Role.COMMITTEE}),
    "deliberation-vote-open": ("post", VOTE, OFFICE),
    "deliberation-vote-close": ("post", VOTE, OFFICE),
    "deliberation-vote-delete": ("post", VOTE, OFFICE),
    "deliberation-runoff": ("post", VOTE, OFFICE),
    "deliberation-tie-decide": ("post", VOTE, OFFICE),
    "api-deliberation-rounds": ("get", None, USERS),
    "api-deliberation-meeting": ("get", ROUND, READERS),
    "api-deliberation-vote": ("get", VOTE, READERS),
    "api-deliberation-ballot": ("post", VOTE, {Role.COMMITTEE}),
    "api-deliberation-receipt": ("post", None, PUBLIC),
}


def test_every_deliberation_url_has_a_row():
    names = {n for n in url_names(get_resolver()) if n.startswith(("deliberation-", "api-deliberation-"))}
    assert sorted(names - set(MATRIX)) == []
    assert sorted(set(MATRIX) - names) == []


@pytest.fixture
def o(world, make_user):
    w = world
    meeting = prepare(w)
    w.recusal = meetings.recusal_record(
        meeting_id=meeting.pk, actor=w.office, member_id=w.members[4].pk, application_id=w.apps[3].pk,
        reason="曾任该企业顾问")
    w.vote = voting.vote_create(meeting_id=meeting.pk, actor=w.office, tier_id=w.secret.pk)
    voting.vote_open(vote_id=w.vote.pk, actor=w.office)
    w.users = {Role.OFFICE: w.office, Role.SUPERVISOR: w.supervisor, Role.COMMITTEE: w.members[0],
               "committee_other": w.outsider, None: None}
    for role in (Role.APPLICANT, Role.RECOMMENDER, Role.EXPERT, Role.GUIDANCE):
        w.users[role] = make_user(role)
    return w


def refused(response, anonymous) -> bool:
    if response.status_code in (401, 403, 404):
        return True
    return anonymous and response.status_code == 302 and response["Location"].startswith(reverse(settings.LOGIN_URL))


@pytest.mark.parametrize("name", sorted(MATRIX))
def test_matrix(client, o, name):
    method, args, who = MATRIX[name]
    url = reverse(name, args=args(o) if args else None)
    # Allowed users last, so that a POST that changes something runs after every refusal.
    order = sorted(EVERYONE, key=lambda k: who == PUBLIC or k in who)
    for key in order:
        client.logout()
        if o.users[key] is not None:
            client.force_login(o.users[key])
        before = AuditEvent.objects.count()
        response = getattr(client, method)(url)
        assert response.status_code < 500, (name, key, response.status_code)
        if who == PUBLIC or key in who:
            assert not refused(response, key is None), (name, key, response.status_code)
        else:
            assert refused(response, key is None), (name, key, response.status_code)
            assert AuditEvent.objects.count() == before, (name, key)
