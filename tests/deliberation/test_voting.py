"""The vote and its outcome through the services: secret ballot and receipts, show of hands,
quotas and empty places, the score floor, ties (shown, resolved only by a further vote or a
recorded decision), sign-off and the pipeline."""

import pytest
from django.db import connection
from django.utils import translation

from applications.enums import ApplicationState as S
from applications.models import Application, StateChange
from award_portal.audit import AuditEvent
from deliberation import meetings, outcome, voting
from deliberation.meetings import DeliberationError
from deliberation.models import Ballot, Candidate, Vote, VoterRoll

from .conftest import cast_all, prepare, sign_and_conclude

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    """The messages below are read in English."""
    with translation.override("en"):
        yield


def states(w):
    return [Application.objects.get(pk=a.pk).state for a in w.apps]


# --- Secret ballot ------------------------------------------------------------------------------

def test_ballot_table_has_no_link_to_its_voter():
    """Schema: no foreign key to a user, no date or time, a random UUID as key."""
    fields = {f.name: f for f in Ballot._meta.get_fields() if f.concrete}
    assert set(fields) == {"id", "vote", "receipt_hash", "choices"}
    assert fields["id"].get_internal_type() == "UUIDField"
    assert fields["vote"].related_model is Vote
    with connection.cursor() as cursor:
        columns = {c.name for c in connection.introspection.get_table_description(cursor, Ballot._meta.db_table)}
        relations = connection.introspection.get_relations(cursor, Ballot._meta.db_table)
    assert columns == {"id", "vote_id", "receipt_hash", "choices"}
    assert {target for _col, (_field, target) in relations.items()} == {Vote._meta.db_table}


def test_secret_ballot_rows_hold_no_voter_and_the_audit_names_no_ballot(world):
    w = world
    meeting = prepare(w)
    vote = voting.vote_create(meeting_id=meeting.pk, actor=w.office, tier_id=w.secret.pk)
    voting.vote_open(vote_id=vote.pk, actor=w.office)
    receipts = cast_all(vote, w.members, lambda m, c: "yes" if c.position == 1 else "no")
    member_ids = {str(m.pk) for m in w.members}
    usernames = {m.username for m in w.members}

    ballots = list(Ballot.objects.filter(vote=vote).values())
    assert len(ballots) == 5
    for row in ballots:
        text = repr(row)
        assert not any(name in text for name in usernames)
        assert set(row["choices"]) == {str(c.pk) for c in vote.candidates.all()}
    # The roll says who voted, not how.
    assert set(VoterRoll.objects.filter(vote=vote, has_voted=True).values_list("member_id", flat=True)) == {
        m.pk for m in w.members}
    # No audit entry names a ballot or a receipt.
    ballot_ids = {str(b["id"]) for b in ballots} | {b["receipt_hash"] for b in ballots} | set(receipts.values())
    for event in AuditEvent.objects.filter(action__startswith="deliberation."):
        text = f"{event.object_id} {event.before} {event.after} {event.object_repr}"
        assert not any(token in text for token in ballot_ids)
    assert AuditEvent.objects.filter(action="deliberation.voted").count() == 5
    # Closing shakes the box: new ids, same receipt hashes.
    voting.vote_close(vote_id=vote.pk, actor=w.office)
    after = set(Ballot.objects.filter(vote=vote).values_list("id", flat=True))
    assert after.isdisjoint({b["id"] for b in ballots})
    assert sorted(Ballot.objects.filter(vote=vote).values_list("receipt_hash", flat=True)) == sorted(
        b["receipt_hash"] for b in ballots)
    assert member_ids  # (members exist; the rows above never held their ids)


def test_double_voting_refused(world):
    w = world
    meeting = prepare(w)
    vote = voting.vote_create(meeting_id=meeting.pk, actor=w.office, tier_id=w.secret.pk)
    voting.vote_open(vote_id=vote.pk, actor=w.office)
    choices = {str(c.pk): "abstain" for c in vote.candidates.all()}
    voting.ballot_cast(vote_id=vote.pk, actor=w.members[0], choices=choices)

    with pytest.raises(DeliberationError, match="already voted"):
        voting.ballot_cast(vote_id=vote.pk, actor=w.members[0], choices=choices)

    assert Ballot.objects.filter(vote=vote).count() == 1


def test_member_absent_at_opening_is_not_on_the_roll(world):
    w = world
    meeting = prepare(w, present=w.members[:4])
    vote = voting.vote_create(meeting_id=meeting.pk, actor=w.office, tier_id=w.secret.pk)
    voting.vote_open(vote_id=vote.pk, actor=w.office)

    with pytest.raises(DeliberationError, match="not on the roll"):
        voting.ballot_cast(vote_id=vote.pk, actor=w.members[4], choices={})
    assert Ballot.objects.count() == 0


def test_more_yes_than_places_refused_and_nothing_stored(world):
    w = world
    meeting = prepare(w)
    vote = voting.vote_create(meeting_id=meeting.pk, actor=w.office, tier_id=w.secret.pk)
    voting.vote_open(vote_id=vote.pk, actor=w.office)

    with pytest.raises(DeliberationError, match="At most 2"):
        voting.ballot_cast(vote_id=vote.pk, actor=w.members[0],
                           choices={str(c.pk): "yes" for c in vote.candidates.all()})
    assert Ballot.objects.count() == 0
    assert not VoterRoll.objects.get(vote=vote, member=w.members[0]).has_voted


def test_receipt_verifies_its_ballot_without_revealing_it(world):
    w = world
    meeting = prepare(w)
    vote = voting.vote_create(meeting_id=meeting.pk, actor=w.office, tier_id=w.secret.pk)
    voting.vote_open(vote_id=vote.pk, actor=w.office)
    receipts = cast_all(vote, w.members, lambda m, c: "yes" if c.position <= (1 if m == w.members[0] else 2)
                        else "no")
    mine = receipts[w.members[0].pk]

    assert voting.receipt_check(mine)["status"] == "received"
    voting.vote_close(vote_id=vote.pk, actor=w.office)
    answer = voting.receipt_check(mine.lower().replace("-", " "))  # typed loosely

    assert answer["status"] == "counted"
    vote.refresh_from_db()
    assert answer["hash"] in voting.published_hashes(vote)
    assert answer["ballots_digest"] == voting.ballots_digest(voting.published_hashes(vote))
    # The answer carries nothing of the ballot's content.
    assert set(answer) == {"status", "receipt", "hash", "vote", "ballots_digest", "ballots_counted"}
    # Every receipt is distinct; a forged or mistyped one is not found.
    assert len(set(receipts.values())) == 5
    forged = mine[:-1] + ("A" if mine[-1] != "A" else "B")
    assert voting.receipt_check(forged)["status"] == "unknown"
    assert voting.receipt_check("nonsense")["status"] == "invalid"
    # The published list is hashes only: the receipt itself is stored nowhere.
    assert not Ballot.objects.filter(receipt_hash=mine).exists()


# --- Outcome: quotas, empty places, the floor, ties ---------------------------------------------

def test_secret_vote_carries_by_majority_within_the_quota_and_pipeline_follows(world):
    w = world
    meeting = prepare(w)
    vote = voting.vote_create(meeting_id=meeting.pk, actor=w.office, tier_id=w.secret.pk)
    voting.vote_open(vote_id=vote.pk, actor=w.office)
    first, second = w.apps[0].pk, w.apps[1].pk
    cast_all(vote, w.members, lambda m, c: "yes" if c.application_id in (first, second) else "no")
    voting.vote_close(vote_id=vote.pk, actor=w.office)

    outcomes = dict(vote.candidates.values_list("application_id", "outcome"))
    assert outcomes[first] == outcomes[second] == Candidate.Outcome.ELECTED
    assert {outcomes[a.pk] for a in w.apps[2:]} == {Candidate.Outcome.NOT_ELECTED}
    result = sign_and_conclude(w, meeting)

    assert states(w) == [S.PROPOSED, S.PROPOSED, S.NOT_PROPOSED, S.NOT_PROPOSED]
    assert Application.objects.get(pk=first).tier == w.secret
    assert sorted(result["not_proposed"]) == [w.apps[2].pk, w.apps[3].pk]
    change = StateChange.objects.get(application=w.apps[3], action="not_propose")
    assert "award committee" in change.reason or "评审委员会" in change.reason


def test_places_may_stay_empty_without_a_majority(world):
    w = world
    meeting = prepare(w)
    vote = voting.vote_create(meeting_id=meeting.pk, actor=w.office, tier_id=w.hands.pk)
    voting.vote_open(vote_id=vote.pk, actor=w.office)
    cands = list(vote.candidates.all())
    # 3 of 5 for the first (carried), 2 of 5 for the others (not a majority).
    voting.vote_close(vote_id=vote.pk, actor=w.office,
                      counts={c.pk: (3, 2, 0) if i == 0 else (2, 2, 1) for i, c in enumerate(cands)})

    assert [c.outcome for c in vote.candidates.all()] == ["elected", "not_elected", "not_elected", "not_elected"]
    sign_and_conclude(w, meeting)
    assert sorted(states(w)).count(S.PROPOSED) == 1  # one of two places left empty


def test_quota_binds_and_a_tie_at_the_last_place_is_shown_not_broken(world):
    w = world
    meeting = prepare(w)
    vote = voting.vote_create(meeting_id=meeting.pk, actor=w.office, tier_id=w.hands.pk)
    voting.vote_open(vote_id=vote.pk, actor=w.office)
    c = list(vote.candidates.all())
    voting.vote_close(vote_id=vote.pk, actor=w.office,
                      counts={c[0].pk: (5, 0, 0), c[1].pk: (4, 1, 0), c[2].pk: (4, 0, 1), c[3].pk: (1, 4, 0)})

    assert [x.outcome for x in vote.candidates.all()] == ["elected", "tied", "tied", "not_elected"]
    with pytest.raises(DeliberationError, match="tie"):
        meetings.meeting_sign(meeting_id=meeting.pk, actor=w.members[0])
    with pytest.raises(DeliberationError, match="tie"):
        voting.vote_create(meeting_id=meeting.pk, actor=w.office, tier_id=w.secret.pk)

    # A further vote among the tied for the one place left.
    runoff = voting.tie_runoff(vote_id=vote.pk, actor=w.office)
    assert runoff.places == 1
    assert sorted(runoff.candidates.values_list("application_id", flat=True)) == sorted([c[1].application_id,
                                                                                          c[2].application_id])
    voting.vote_open(vote_id=runoff.pk, actor=w.office)
    r = list(runoff.candidates.all())
    voting.vote_close(vote_id=runoff.pk, actor=w.office, counts={r[0].pk: (2, 3, 0), r[1].pk: (3, 2, 0)})

    assert dict(vote.candidates.values_list("application_id", "outcome")) == {
        c[0].application_id: "elected", r[1].application_id: "elected", r[0].application_id: "not_elected",
        c[3].application_id: "not_elected"}
    assert vote.candidates.get(application_id=r[1].application_id).resolution == "runoff"
    sign_and_conclude(w, meeting)
    proposed = set(Application.objects.filter(state=S.PROPOSED).values_list("pk", flat=True))
    assert proposed == {c[0].application_id, r[1].application_id}


def test_tie_resolved_by_a_recorded_decision(world):
    w = world
    meeting = prepare(w)
    vote = voting.vote_create(meeting_id=meeting.pk, actor=w.office, tier_id=w.hands.pk,
                              application_ids=[a.pk for a in w.apps[:3]])
    voting.vote_open(vote_id=vote.pk, actor=w.office)
    c = list(vote.candidates.all())
    voting.vote_close(vote_id=vote.pk, actor=w.office, counts={x.pk: (4, 1, 0) for x in c})
    assert {x.outcome for x in vote.candidates.all()} == {"tied"}

    with pytest.raises(DeliberationError, match="reason"):
        voting.tie_decide(vote_id=vote.pk, actor=w.office, elected_application_ids=[c[0].application_id], reason="")
    with pytest.raises(DeliberationError, match="At most 2"):
        voting.tie_decide(vote_id=vote.pk, actor=w.office, elected_application_ids=[x.application_id for x in c],
                          reason="经讨论")
    voting.tie_decide(vote_id=vote.pk, actor=w.office, elected_application_ids=[c[0].application_id],
                      reason="委员会讨论决定只授予一家，另一名额空缺。")

    assert [x.outcome for x in vote.candidates.all()] == ["elected", "not_elected", "not_elected"]
    assert vote.candidates.get(pk=c[0].pk).resolution_reason.startswith("委员会讨论决定")
    assert AuditEvent.objects.filter(action="deliberation.tie_decided").count() == 1


def test_floor_keeps_low_scores_off_the_ballot_and_guards_propose(world):
    w = world
    w.program.score_floor = 600
    w.program.save()
    w.scores({w.apps[0].pk: 720.5, w.apps[1].pk: 600.0, w.apps[2].pk: 599.9})  # apps[3]: no score
    meeting = prepare(w)

    vote = voting.vote_create(meeting_id=meeting.pk, actor=w.office, tier_id=w.secret.pk)
    assert list(vote.candidates.values_list("application_id", flat=True)) == [w.apps[0].pk, w.apps[1].pk]
    with pytest.raises(DeliberationError, match="below the program's minimum"):
        voting.vote_create(meeting_id=meeting.pk, actor=w.office, tier_id=w.hands.pk,
                           application_ids=[w.apps[2].pk])

    from applications.workflow import TransitionError, application_transition
    with pytest.raises(TransitionError) as error:
        application_transition(application_id=w.apps[2].pk, action="propose", actor=w.office, tier=w.secret,
                               owner=meetings.CONCLUDE_OWNER)
    assert "below the program's minimum" in error.value.message


def test_propose_refused_without_a_signed_vote(world):
    from applications.workflow import TransitionError, application_transition

    w = world
    with pytest.raises(TransitionError) as error:
        application_transition(application_id=w.apps[0].pk, action="propose", actor=w.office, tier=w.secret,
                               owner=meetings.CONCLUDE_OWNER)
    assert error.value.code == "guard" and "signed vote" in error.value.message
    # Carried but not yet signed: still refused.
    meeting = prepare(w)
    vote = voting.vote_create(meeting_id=meeting.pk, actor=w.office, tier_id=w.hands.pk)
    voting.vote_open(vote_id=vote.pk, actor=w.office)
    voting.vote_close(vote_id=vote.pk, actor=w.office,
                      counts={c.pk: (5, 0, 0) if c.position == 1 else (0, 5, 0) for c in vote.candidates.all()})
    with pytest.raises(TransitionError):
        application_transition(application_id=w.apps[0].pk, action="propose", actor=w.office, tier=w.hands,
                               owner=meetings.CONCLUDE_OWNER)
    # … and the generic callers never reach it.
    with pytest.raises(TransitionError) as error:
        application_transition(application_id=w.apps[0].pk, action="propose", actor=w.office, tier=w.hands)
    assert error.value.code == "owned"


def test_quorum_binds_opening_and_signing(world):
    w = world
    meeting = prepare(w, present=w.members[:3])  # 3 of 5 < ceil(5 × 2/3) = 4
    vote = voting.vote_create(meeting_id=meeting.pk, actor=w.office, tier_id=w.secret.pk)

    with pytest.raises(DeliberationError, match="quorum"):
        voting.vote_open(vote_id=vote.pk, actor=w.office)
    meetings.attendance_record(meeting_id=meeting.pk, actor=w.office, present_ids=[m.pk for m in w.members[:4]])
    voting.vote_open(vote_id=vote.pk, actor=w.office)
    assert Vote.objects.get(pk=vote.pk).electorate == 4


def test_recused_member_gets_no_line_and_the_majority_counts_without_them(world):
    w = world
    meeting = prepare(w)
    target = w.apps[0]
    meetings.recusal_record(meeting_id=meeting.pk, actor=w.office, member_id=w.members[0].pk,
                            application_id=target.pk, reason="曾为该企业提供咨询服务")
    vote = voting.vote_create(meeting_id=meeting.pk, actor=w.office, tier_id=w.secret.pk)
    voting.vote_open(vote_id=vote.pk, actor=w.office)

    lines = {c.application_id for c in voting.ballot_lines(vote, w.members[0])}
    assert target.pk not in lines and len(lines) == 3
    # 3 of the 4 entitled members in favour: a majority of 4, not of 5 would need 3 too; use 2 of 4 = not carried.
    cast_all(vote, w.members, lambda m, c: "yes" if (c.application_id == target.pk and m in w.members[1:3])
             else "no")
    voting.vote_close(vote_id=vote.pk, actor=w.office)
    row = vote.candidates.get(application=target)
    assert (row.yes, row.no, row.abstain, row.recused) == (2, 2, 0, 1)
    assert row.outcome == "not_elected"  # 2 of 4 is not more than half
    with pytest.raises(DeliberationError, match="too late"):
        meetings.recusal_record(meeting_id=meeting.pk, actor=w.office, member_id=w.members[1].pk,
                                application_id=target.pk, reason="迟到的回避")


def test_signed_record_is_frozen(world):
    w = world
    meeting = prepare(w)
    vote = voting.vote_create(meeting_id=meeting.pk, actor=w.office, tier_id=w.hands.pk)
    voting.vote_open(vote_id=vote.pk, actor=w.office)
    voting.vote_close(vote_id=vote.pk, actor=w.office, counts={c.pk: (0, 5, 0) for c in vote.candidates.all()})
    with pytest.raises(DeliberationError, match="only its chair"):
        meetings.meeting_sign(meeting_id=meeting.pk, actor=w.members[1])
    meetings.meeting_sign(meeting_id=meeting.pk, actor=w.members[0])

    with pytest.raises(DeliberationError, match="signed"):
        meetings.attendance_record(meeting_id=meeting.pk, actor=w.office, present_ids=[])
    with pytest.raises(DeliberationError, match="chair and a supervisor"):
        meetings.meeting_conclude(meeting_id=meeting.pk, actor=w.office)


def test_election_rule_pure():
    C = outcome.Count
    assert outcome.decide([C(1, 3, 5), C(2, 3, 5), C(3, 2, 5)], 2) == {1: "elected", 2: "elected", 3: "not_elected"}
    assert outcome.decide([C(1, 4, 5), C(2, 3, 5), C(3, 3, 5)], 2) == {1: "elected", 2: "tied", 3: "tied"}
    assert outcome.decide([C(1, 3, 5), C(2, 3, 5)], 1) == {1: "tied", 2: "tied"}
    assert outcome.decide([C(1, 2, 4)], 1) == {1: "not_elected"}
    assert outcome.decide([C(1, 5, 5)], 0) == {1: "not_elected"}
