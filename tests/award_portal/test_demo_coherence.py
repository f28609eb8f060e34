"""The demo tells a coherent story (issue 11, "First run and demo"), for every round it holds:

* every application is recommended by an authority that existed at the round's time and that
  the organisation may report to (its industry authority or its own area's, applications/routing.py);
* the round's phase history (PhaseChange) and its applications' history (StateChange,
  submissions, recommendations, signatures) are dated inside the round's own time, in order, and
  never in the future: a 2016 round's history lies in 2016, not on the day the demo was loaded;
* the deadlines fit the phase: a round open for applications has its deadline ahead, a round past
  that phase has it behind; submissions come before the application deadline.
"""

import pytest
from django.core.management import call_command
from django.utils import timezone

from applications.enums import PHASE_ORDER, RoundPhase
from applications.models import Application, PhaseChange, Recommendation, Round, StateChange
from applications.routing import recommender_refusal, round_date

pytestmark = pytest.mark.django_db


def test_the_demo_is_coherent():
    """One load (it takes seconds), every invariant below checked on it."""
    call_command("load_demo")
    _demo_has_rounds_in_several_phases()
    _recommenders_existed_in_their_round_and_cover_the_applicant()
    _phase_history_lies_in_the_rounds_time_and_in_order()
    _application_history_lies_in_its_phase()
    _deadlines_fit_each_rounds_phase()
    _screening_runs_flag_only_their_rounds_applicants()


def _round_start(rnd):
    return timezone.make_aware(timezone.datetime.combine(round_date(rnd), timezone.datetime.min.time()))


def _round_end(rnd):
    """The latest moment the round's history may carry: its ceremony's end when closed, else now."""
    if rnd.phase == RoundPhase.CLOSED and rnd.award_ceremony_on:
        return timezone.make_aware(timezone.datetime.combine(rnd.award_ceremony_on, timezone.datetime.max.time()))
    return timezone.now()


def _demo_has_rounds_in_several_phases():
    phases = set(Round.objects.values_list("phase", flat=True))
    assert {RoundPhase.CLOSED, RoundPhase.APPLICATIONS_OPEN, RoundPhase.ELIGIBILITY} <= phases
    assert Round.objects.filter(year=2016).exists()


def _recommenders_existed_in_their_round_and_cover_the_applicant():
    checked = 0
    for application in Application.objects.select_related("round__program", "organization", "recommender"):
        rnd = application.round
        if application.recommender is None:
            assert not rnd.program.recommenders.exists() or application.state == "draft", application
            continue
        day = round_date(rnd)
        assert application.recommender.existed_on(day), (application, application.recommender, day)
        assert recommender_refusal(application.organization, application.recommender, rnd.program, on=day) is None
        for recommendation in Recommendation.objects.filter(application=application).select_related("recommender"):
            assert recommendation.recommender.existed_on(timezone.localdate(recommendation.decided_at))
            assert recommender_refusal(application.organization, recommendation.recommender, rnd.program,
                                       on=day) is None
        checked += 1
    assert checked >= 10
    # The 2016 round was recommended by the authority of 2016, not by one created in the 2018 reform.
    second = Round.objects.get(program__code="beijing", year=2016)
    codes = set(Application.objects.filter(round=second).values_list("recommender__code", flat=True))
    assert codes and "bj-jxj" not in codes


def _phase_history_lies_in_the_rounds_time_and_in_order():
    for rnd in Round.objects.exclude(phase=RoundPhase.SETUP):
        start, end = _round_start(rnd), _round_end(rnd)
        changes = list(PhaseChange.objects.filter(round=rnd).order_by("id"))
        assert [c.to_phase for c in changes] == PHASE_ORDER[1:PHASE_ORDER.index(RoundPhase(rnd.phase)) + 1], rnd
        dates = [c.created_at for c in changes]
        assert dates == sorted(dates), rnd
        for change in changes:
            assert start <= change.created_at <= end, (rnd, change, change.created_at)
        if rnd.year < timezone.localdate().year:
            assert {d.year for d in dates} == {rnd.year}, rnd


def _application_history_lies_in_its_phase():
    for rnd in Round.objects.exclude(phase=RoundPhase.SETUP):
        start, end = _round_start(rnd), _round_end(rnd)
        phase_starts = {c.to_phase: c.created_at for c in PhaseChange.objects.filter(round=rnd)}
        for change in StateChange.objects.filter(application__round=rnd).select_related("application"):
            assert start <= change.created_at <= end, (rnd, change, change.created_at)
            if change.action == "submit":
                assert change.created_at <= rnd.application_deadline, (rnd, change)
            if change.action in ("mark_eligible", "mark_ineligible"):
                assert change.created_at >= phase_starts[RoundPhase.ELIGIBILITY], (rnd, change)
        for application in Application.objects.filter(round=rnd):
            for moment in (application.created_at, application.submitted_at, application.state_changed_at):
                if moment is not None:
                    assert start <= moment <= end, (rnd, application, moment)
            if application.submitted_at:
                assert application.submitted_at <= rnd.application_deadline
            commitment = getattr(application, "commitment", None)
            if commitment is not None:
                assert start <= commitment.accepted_at <= end, (rnd, application)


def _deadlines_fit_each_rounds_phase():
    now = timezone.now()
    for rnd in Round.objects.exclude(phase=RoundPhase.SETUP):
        index = PHASE_ORDER.index(RoundPhase(rnd.phase))
        if rnd.phase == RoundPhase.APPLICATIONS_OPEN:
            assert rnd.application_deadline > now, rnd
        else:
            assert rnd.application_deadline < now, rnd
        if index > PHASE_ORDER.index(RoundPhase.RECOMMENDATION) and rnd.recommendation_deadline:
            assert rnd.recommendation_deadline < timezone.localdate(), rnd
        if rnd.applications_open_on:
            assert rnd.applications_open_on <= timezone.localdate(rnd.application_deadline), rnd
            assert rnd.applications_open_on <= timezone.localdate(), rnd
        if rnd.phase == RoundPhase.CLOSED and rnd.award_ceremony_on:
            assert rnd.award_ceremony_on < timezone.localdate()
            assert rnd.application_deadline.date() < rnd.award_ceremony_on


def _screening_runs_flag_only_their_rounds_applicants():
    """A round's screening run flags that round's applicants only: the demo's Beijing run never
    flags an Anhui organisation (issue 11, "A round moves only when it may")."""
    from bigdata.models import Flag, Run

    runs = list(Run.objects.filter(kind=Run.Kind.SCREENING))
    assert runs and all(run.round_id is not None and not run.all_organizations for run in runs)
    for run in runs:
        applicants = set(Application.objects.filter(round_id=run.round_id).exclude(submitted_at=None)
                         .values_list("organization_id", flat=True))
        flagged = set(Flag.objects.filter(run=run).values_list("organization_id", flat=True))
        assert flagged <= applicants, run
