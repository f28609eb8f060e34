"""Races on PostgreSQL (SQLite ignores select_for_update): two enrolments for a course's last place
at once take it only once; one organisation's method recorded twice at once is recorded once."""

import datetime
import threading

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.utils import timezone

from cultivation import campaigns, courses
from cultivation.errors import CultivationError
from tests.applications.factories import make_org
from tests.cultivation.support import setup

postgres_only = pytest.mark.skipif(connection.vendor != "postgresql",
                                   reason="row locks need PostgreSQL: SQLite ignores select_for_update")


def _race(*calls):
    barrier = threading.Barrier(len(calls))
    outcomes = []

    def run(call):
        try:
            barrier.wait(timeout=10)
            outcomes.append(call())
        except CultivationError as exc:
            outcomes.append(exc.code)
        except Exception as exc:  # noqa: BLE001 - surfaced in the assertion
            outcomes.append(repr(exc))
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return outcomes


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_the_last_place_is_taken_once(make_user):
    o = setup(make_user)   # the past course holds 2 places, 1 taken
    office = get_user_model().objects.get(pk=o.office.pk)
    a, b = make_org(region="330106"), make_org(region="330106")
    outcomes = _race(lambda: courses.enrol(course_id=o.past.pk, organization_id=a.pk, person="甲", actor=office).pk,
                     lambda: courses.enrol(course_id=o.past.pk, organization_id=b.pk, person="乙", actor=office).pk)
    assert sorted(str(x) for x in outcomes if isinstance(x, str)) == ["full"], outcomes
    assert o.past.enrolments.count() == 2


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_one_method_recorded_twice_at_once_is_recorded_once(make_user):
    o = setup(make_user)
    day = timezone.localdate() - datetime.timedelta(days=2)
    outcomes = _race(*[lambda: campaigns.method_adopt(tracked_id=o.tracked[1].pk, actor=o.office, method="lean",
                                                      adopted_on=day).pk] * 2)
    assert [x for x in outcomes if isinstance(x, str)] == ["exists"], outcomes
    assert o.tracked[1].methods.count() == 1
