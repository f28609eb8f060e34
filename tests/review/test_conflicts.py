"""Conflicts of interest: derived from records (employers within the configured years, groups of
companies, consulting and coaching, exclusions), recomputed when records change, dismissed by the
office with a reason, and effective at once for an expert already assigned. Also the race of two
offices seating the same expert in two groups of a stage (PostgreSQL)."""

import datetime
import random
import threading
import time

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.utils import timezone
from guardian.models import UserObjectPermission

from applications import uscc
from review import access, assignment, conflicts
from review.models import (
    Conflict,
    CorporateGroup,
    CorporateGroupMember,
    Employment,
    GroupMember,
    Relationship,
)
from tests.applications.support import make_org
from tests.review.support import make_expert

R = Conflict.Reason
TODAY = timezone.localdate()


def years_ago(years, days=0):
    day = TODAY.replace(day=28) if (TODAY.month, TODAY.day) == (2, 29) else TODAY
    return day.replace(year=day.year - years) - datetime.timedelta(days=days)


def derived(expert):
    return set(Conflict.objects.filter(expert=expert, source=Conflict.Source.DERIVED, dismissed_at__isnull=True)
               .values_list("organization_id", "reason"))


def employ(expert, org_or_code, *, started=datetime.date(2015, 1, 1), ended=None):
    code = org_or_code if isinstance(org_or_code, str) else org_or_code.credit_code
    return Employment.objects.create(expert=expert, employer="某公司", credit_code=code, started_on=started,
                                     ended_on=ended)


# --- Derived conflicts ----------------------------------------------------------------------


@pytest.mark.django_db
def test_current_employer(make_user, django_capture_on_commit_callbacks):
    org, expert = make_org(), make_expert(make_user)
    with django_capture_on_commit_callbacks(execute=True):
        employ(expert, org)
    assert derived(expert) == {(org.pk, R.EMPLOYER)}
    assert conflicts.has_conflict(expert.pk, org.pk)


@pytest.mark.django_db
def test_adding_an_employment_recomputes_only_on_commit(make_user, django_capture_on_commit_callbacks):
    org, expert = make_org(), make_expert(make_user)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        employ(expert, org)
    assert derived(expert) == set() and len(callbacks) == 1
    callbacks[0]()
    assert derived(expert) == {(org.pk, R.EMPLOYER)}


@pytest.mark.django_db
@pytest.mark.parametrize(("ended", "conflicted"), [
    (lambda: years_ago(0, 10), True),
    (lambda: years_ago(3), True),  # the last day of the window
    (lambda: years_ago(3, 1), False),  # one day beyond it
    (lambda: years_ago(5), False),
])
def test_past_employer_within_the_configured_years(make_user, django_capture_on_commit_callbacks, settings,
                                                   ended, conflicted):
    settings.REVIEW_EMPLOYER_CONFLICT_YEARS = 3
    org, expert = make_org(), make_expert(make_user)
    with django_capture_on_commit_callbacks(execute=True):
        employ(expert, org, ended=ended())
    assert derived(expert) == ({(org.pk, R.EMPLOYER)} if conflicted else set())


@pytest.mark.django_db
def test_the_number_of_years_is_configurable(make_user, django_capture_on_commit_callbacks, settings):
    settings.REVIEW_EMPLOYER_CONFLICT_YEARS = 5
    org, expert = make_org(), make_expert(make_user)
    with django_capture_on_commit_callbacks(execute=True):
        employ(expert, org, ended=years_ago(4))
    assert derived(expert) == {(org.pk, R.EMPLOYER)}


@pytest.mark.django_db
def test_the_same_group_of_companies(make_user, django_capture_on_commit_callbacks):
    parent, sister, stranger = make_org(), make_org(), make_org()
    expert = make_expert(make_user)
    with django_capture_on_commit_callbacks(execute=True):
        employ(expert, parent)
    assert derived(expert) == {(parent.pk, R.EMPLOYER)}
    group = CorporateGroup.objects.create(name="某集团")
    with django_capture_on_commit_callbacks(execute=True):
        CorporateGroupMember.objects.create(group=group, credit_code=parent.credit_code)
        CorporateGroupMember.objects.create(group=group, credit_code=sister.credit_code)
    assert derived(expert) == {(parent.pk, R.EMPLOYER), (sister.pk, R.CORPORATE_GROUP)}
    assert not conflicts.has_conflict(expert.pk, stranger.pk)
    # The sister company leaves the group: the derived conflict goes with it.
    with django_capture_on_commit_callbacks(execute=True):
        CorporateGroupMember.objects.filter(credit_code=sister.credit_code).delete()
    assert derived(expert) == {(parent.pk, R.EMPLOYER)}


@pytest.mark.django_db
@pytest.mark.parametrize("kind", [Relationship.Kind.CONSULTING, Relationship.Kind.COACHING,
                                  Relationship.Kind.EXCLUSION])
def test_relationships_and_exclusions(make_user, django_capture_on_commit_callbacks, kind):
    org, old, expert = make_org(), make_org(), make_expert(make_user)
    with django_capture_on_commit_callbacks(execute=True):
        Relationship.objects.create(expert=expert, kind=kind, credit_code=org.credit_code, organization_name=org.name)
        Relationship.objects.create(expert=expert, kind=kind, credit_code=old.credit_code,
                                    started_on=datetime.date(2010, 1, 1), ended_on=years_ago(6))
    expected = {(org.pk, kind)}
    if kind == Relationship.Kind.EXCLUSION:  # an exclusion does not expire
        expected.add((old.pk, kind))
    assert derived(expert) == expected


@pytest.mark.django_db
def test_an_organisation_registered_after_the_record_is_matched(make_user, django_capture_on_commit_callbacks):
    """The organisation's identity data changes (here: it is registered with the credit code the
    expert's employment names): its experts are recomputed."""
    expert = make_expert(make_user)
    code = uscc.generate(random.Random("review-later-org"), region="110108")
    with django_capture_on_commit_callbacks(execute=True):
        employ(expert, code)
    assert derived(expert) == set()
    with django_capture_on_commit_callbacks(execute=True):
        org = make_org(credit_code=code)
    assert derived(expert) == {(org.pk, R.EMPLOYER)}


@pytest.mark.django_db
def test_a_removed_record_removes_its_conflict(make_user, django_capture_on_commit_callbacks):
    org, expert = make_org(), make_expert(make_user)
    with django_capture_on_commit_callbacks(execute=True):
        job = employ(expert, org)
    with django_capture_on_commit_callbacks(execute=True):
        job.delete()
    assert derived(expert) == set()


# --- Declared, set, dismissed ---------------------------------------------------------------


@pytest.mark.django_db
def test_dismissal_needs_a_reason_and_survives_a_recompute(make_user, django_capture_on_commit_callbacks):
    org, expert, office = make_org(), make_expert(make_user), make_user("office")
    with django_capture_on_commit_callbacks(execute=True):
        employ(expert, org)
    conflict = Conflict.objects.get(expert=expert)
    with pytest.raises(conflicts.ConflictError):
        conflicts.conflict_dismiss(conflict_id=conflict.pk, actor=office, reason="  ")
    conflicts.conflict_dismiss(conflict_id=conflict.pk, actor=office, reason="同名不同单位，误报")
    conflict.refresh_from_db()
    assert conflict.dismissed_by == office and conflict.dismissal_reason == "同名不同单位，误报"
    assert not conflicts.has_conflict(expert.pk, org.pk)
    with pytest.raises(conflicts.ConflictError):
        conflicts.conflict_dismiss(conflict_id=conflict.pk, actor=office, reason="again")
    conflicts.conflicts_recompute_for([expert.pk])
    assert not conflicts.has_conflict(expert.pk, org.pk), "a dismissed derived conflict stays dismissed"


@pytest.mark.django_db
def test_declared_conflicts_keep_their_source(make_user):
    org, expert = make_org(), make_expert(make_user)
    with pytest.raises(conflicts.ConflictError):
        conflicts.conflict_declare(expert=expert, organization_id=org.pk, detail=" ")
    conflict = conflicts.conflict_declare(expert=expert, organization_id=org.pk, detail="配偶在该单位任职")
    assert (conflict.source, conflict.reason) == (Conflict.Source.DECLARED, R.OTHER)
    conflicts.conflicts_recompute_for([expert.pk])  # derived recomputation leaves declarations alone
    assert Conflict.objects.filter(pk=conflict.pk, dismissed_at__isnull=True).exists()


# --- A conflict after assignment ------------------------------------------------------------


def grant_exists(user, application):
    perm = access._permission()
    return UserObjectPermission.objects.filter(user=user, permission=perm, object_pk=str(application.pk)).exists()


@pytest.mark.django_db
@pytest.mark.parametrize("how", ["declared", "office", "employment"])
def test_an_assigned_expert_who_becomes_conflicted_loses_access_at_once(review_objects,
                                                                        django_capture_on_commit_callbacks, how):
    o = review_objects
    user = o.expert_a.user
    assert access.can_review(user, o.app_a) and grant_exists(user, o.app_a)
    if how == "declared":
        conflicts.conflict_declare(expert=o.expert_a, organization_id=o.app_a.organization_id, detail="亲属任职")
    elif how == "office":
        conflicts.conflict_set_by_office(expert_id=o.expert_a.pk, organization_id=o.app_a.organization_id,
                                         reason=R.EXCLUSION, detail="举报核实", actor=o.users["office"])
    else:
        with django_capture_on_commit_callbacks(execute=True):
            employ(o.expert_a, o.app_a.organization)

    assert not access.can_review(user, o.app_a)
    assert not grant_exists(user, o.app_a)
    assert not any(grant_exists(user, a) for a in o.applications)
    assert not GroupMember.objects.filter(expert=o.expert_a, group=o.group_a).exists()
    assert o.group_a in assignment.groups_needing_attention(o.round.pk)
    assert o.group_b not in assignment.groups_needing_attention(o.round.pk)
    # Others of the group keep theirs.
    other = GroupMember.objects.filter(group=o.group_a).first().expert
    assert access.can_review(other.user, o.app_a)


@pytest.mark.django_db
def test_a_conflict_with_another_groups_applicant_changes_nothing(review_objects):
    o = review_objects
    conflicts.conflict_declare(expert=o.expert_a, organization_id=o.app_b.organization_id, detail="顾问")
    assert access.can_review(o.expert_a.user, o.app_a)
    assert GroupMember.objects.filter(expert=o.expert_a, group=o.group_a).exists()


@pytest.mark.django_db
def test_a_suspended_expert_loses_access(review_objects):
    from review import experts

    o = review_objects
    experts.expert_suspend(expert_id=o.expert_a.pk, actor=o.users["office"], reason="泄露评审信息")
    assert not access.can_review(o.expert_a.user, o.app_a) and not grant_exists(o.expert_a.user, o.app_a)
    assert o.group_a in assignment.groups_needing_attention(o.round.pk)


# --- Two offices seat the same expert in two groups at once (PostgreSQL) -------------------

postgres_only = pytest.mark.skipif(connection.vendor != "postgresql",
                                   reason="row locks need PostgreSQL: SQLite ignores select_for_update")


@postgres_only
@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_concurrent_group_add_member_for_one_expert_one_wins(review_objects, monkeypatch):
    o = review_objects
    office_id, expert_id = o.users["office"].pk, o.spare.pk
    real_sync = assignment.sync_access

    def slow_sync(*args, **kwargs):  # hold the locks a moment after the insert, before the commit
        real_sync(*args, **kwargs)
        time.sleep(0.5)

    monkeypatch.setattr(assignment, "sync_access", slow_sync)
    barrier = threading.Barrier(2)
    outcomes = []

    def attempt(group_id):
        try:
            actor = get_user_model().objects.get(pk=office_id)
            barrier.wait(timeout=10)
            assignment.group_add_member(group_id=group_id, expert_id=expert_id, actor=actor)
            outcomes.append("ok")
        except assignment.AssignmentError as exc:
            outcomes.append(exc.code)
        except Exception as exc:  # noqa: BLE001 - surfaced in the assertion
            outcomes.append(repr(exc))
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt, args=(g.pk,)) for g in (o.group_a, o.group_b)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(outcomes) == ["ok", "rule"], outcomes
    assert GroupMember.objects.filter(expert_id=expert_id).count() == 1


def test_groups_needing_attention_reads_in_a_fixed_number_of_queries(review_objects, django_assert_max_num_queries):
    """The office's home page asks it: a group without a leader is found without a query per group."""
    o = review_objects
    GroupMember.objects.filter(group=o.group_a).update(is_leader=False)
    assert len(o.groups) >= 2
    with django_assert_max_num_queries(3):  # the groups with their counts, one settings row per program
        found = assignment.groups_needing_attention(o.round.pk)
    assert o.group_a in found and o.group_b not in found
