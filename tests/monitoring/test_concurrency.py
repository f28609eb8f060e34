"""Two monitoring runs of a program at once queue on the watermark's row lock: one opens the
incident, the other finds the watermark moved and opens nothing (PostgreSQL: SQLite ignores
select_for_update). The menu shows the winner's page only to people acting for a winner."""

import threading

import pytest
from django.db import connection

from award_portal.navigation import items_for
from award_portal.roles import Role
from monitoring import watch
from monitoring.models import Incident

from .support import accident, beijing, days_ago, member_of, winner

postgres_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL")


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_two_runs_at_once_open_one_incident():
    program = beijing()
    awarded = winner(program, days_ago(300))
    accident(awarded, days_ago(3))
    barrier = threading.Barrier(2)
    outcomes = []

    def run():
        try:
            barrier.wait(timeout=10)
            outcomes.append(watch.monitoring_run(program_id=program.pk, notify=False).incidents_opened)
        except Exception as exc:  # noqa: BLE001 - surfaced in the assertion
            outcomes.append(repr(exc))
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(outcomes) == [0, 1]
    assert Incident.objects.count() == 1


@pytest.mark.django_db
def test_the_menu_offers_the_winners_page_to_winners_only(make_user):
    program = beijing()
    awarded = winner(program, days_ago(300))
    member = member_of(make_user, awarded)
    names = {i["name"] for i in items_for(member)}
    assert "monitoring-mine" in names and "monitoring-office" not in names
    assert "monitoring-mine" not in {i["name"] for i in items_for(make_user(Role.APPLICANT))}
    assert "monitoring-office" in {i["name"] for i in items_for(make_user(Role.SUPERVISOR))}
