"""Double voting under concurrency: two requests of the same member at once (double click, two
tabs) cast one ballot; the other is refused. PostgreSQL only: SQLite ignores select_for_update."""

import threading

import pytest
from django.contrib.auth import get_user_model
from django.db import connection

from deliberation import voting
from deliberation.meetings import DeliberationError
from deliberation.models import Ballot, VoterRoll

from .conftest import prepare

postgres_only = pytest.mark.skipif(connection.vendor != "postgresql",
                                   reason="row locks need PostgreSQL: SQLite ignores select_for_update")


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_concurrent_ballots_of_one_member_one_counts(world):
    w = world
    meeting = prepare(w)
    vote = voting.vote_create(meeting_id=meeting.pk, actor=w.office, tier_id=w.secret.pk)
    voting.vote_open(vote_id=vote.pk, actor=w.office)
    choices = {str(c.pk): "abstain" for c in vote.candidates.all()}
    member_id = w.members[0].pk
    barrier = threading.Barrier(3)
    outcomes = []

    def attempt():
        try:
            member = get_user_model().objects.get(pk=member_id)
            barrier.wait(timeout=10)
            voting.ballot_cast(vote_id=vote.pk, actor=member, choices=choices)
            outcomes.append("ok")
        except DeliberationError:
            outcomes.append("refused")
        except Exception as exc:  # noqa: BLE001 - surfaced in the assertion
            outcomes.append(repr(exc))
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(outcomes) == ["ok", "refused", "refused"]
    assert Ballot.objects.filter(vote=vote).count() == 1
    assert VoterRoll.objects.get(vote=vote, member_id=member_id).has_voted
