"""Runs over time: versions, the office's decisions on flags and their carry-over into re-runs,
and a chunk that fails and is resumed.

A re-run keeps a dismissed or confirmed decision unless a record appears in the flag's
evidence that the earlier flag did not have; then the flag waits for a decision again.
"""

import datetime
import random
import threading
import time

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, IntegrityError, connection, connections, transaction
from django.utils import translation

from applications import uscc
from applications.models import AwardProgram
from award_portal.audit import audit_events_for
from bigdata import screening
from bigdata.models import Flag, FlagEvidence, PublicRecord, Run
from bigdata.screening import flag_decide
from bigdata.services import run_resume, run_start

from ..applications.factories import make_org
from .support import REF, import_rows, load_programs, row_for

pytestmark = pytest.mark.django_db

D = datetime.date
DISMISS_REASON = "经核实，该记录已于2024年5月完成信用修复，移出决定尚未同步。"


def listed(org, **fields):
    """A still-listed serious-dishonesty entry: the Beijing rule "dishonesty-current" flags it."""
    return row_for(org, **{"occurred_on": D(2023, 3, 1), "grade": "市场监督管理严重违法失信名单", **fields})


def screen(program, office, **kwargs):
    run = run_start(program=program, actor=office, reference_date=REF, **kwargs)
    assert run.status == Run.Status.SUCCEEDED, run.message_text
    return run


def the_flag(run, org):
    return Flag.objects.get(run=run, organization=org, rule__code="dishonesty-current")


# --- Carry-over of decisions ------------------------------------------------------------------


def test_dismissed_flag_stays_dismissed_in_a_rerun_without_new_evidence(beijing, office):
    org = make_org()
    import_rows("gov-dishonesty", [listed(org)])
    v1 = screen(beijing, office)
    first = flag_decide(flag_id=the_flag(v1, org).pk, decision="dismissed", reason=DISMISS_REASON, actor=office)

    v2 = screen(beijing, office)

    again = the_flag(v2, org)
    assert (v1.version, v2.version) == (1, 2)
    assert (again.decision, again.decision_reason, again.decided_by, again.decided_at, again.carried_from) == (
        Flag.Decision.DISMISSED, DISMISS_REASON, office, first.decided_at, first)
    assert list(again.records.all()) == list(first.records.all())
    # The first version is kept as it was.
    assert the_flag(v1, org).decision == Flag.Decision.DISMISSED
    assert list(Run.objects.filter(program=beijing).order_by("version").values_list("version", "status")) == [
        (1, "succeeded"), (2, "succeeded")]


def test_new_evidence_reopens_a_dismissed_flag(beijing, office):
    org = make_org()
    import_rows("gov-dishonesty", [listed(org)])
    v1 = screen(beijing, office)
    flag_decide(flag_id=the_flag(v1, org).pk, decision="dismissed", reason=DISMISS_REASON, actor=office)
    import_rows("gov-dishonesty", [listed(org, occurred_on=D(2024, 5, 20), grade="统计严重失信企业")])

    v2 = screen(beijing, office)

    again = the_flag(v2, org)
    assert (again.decision, again.decision_reason, again.decided_by, again.carried_from, again.record_count) == (
        Flag.Decision.PENDING, "", None, None, 2)
    # A third run without anything new keeps the flag open: v2's pending state is what carries on,
    # not the older dismissal.
    v3 = screen(beijing, office)
    assert (the_flag(v3, org).decision, the_flag(v3, org).carried_from) == (Flag.Decision.PENDING, None)


def test_confirmed_flag_stays_confirmed_in_a_rerun(beijing, office):
    org = make_org()
    import_rows("gov-dishonesty", [listed(org)])
    v1 = screen(beijing, office)
    first = flag_decide(flag_id=the_flag(v1, org).pk, decision="confirmed", reason="名单有效，不符合申报条件。",
                        actor=office)

    v2 = screen(beijing, office)

    again = the_flag(v2, org)
    assert (again.decision, again.decision_reason, again.carried_from) == (
        Flag.Decision.CONFIRMED, "名单有效，不符合申报条件。", first)


def test_decision_is_kept_when_evidence_only_shrinks(beijing, office):
    org = make_org()
    import_rows("gov-dishonesty", [listed(org), listed(org, occurred_on=D(2023, 9, 1), removed_on=D(2025, 1, 1))])
    v1 = screen(beijing, office)
    flag_decide(flag_id=the_flag(v1, org).pk, decision="dismissed", reason=DISMISS_REASON, actor=office)

    # A year later the second entry has been removed: less evidence, nothing new.
    v2 = run_start(program=beijing, actor=office, reference_date=D(2025, 6, 30))

    again = the_flag(v2, org)
    assert (the_flag(v1, org).record_count, again.record_count) == (2, 1)
    assert (again.decision, again.carried_from) == (Flag.Decision.DISMISSED, the_flag(v1, org))


def test_decisions_of_other_organisations_and_programs_do_not_carry_over(beijing, office):
    org, other = make_org(), make_org()
    import_rows("gov-dishonesty", [listed(org), listed(other)])
    v1 = screen(beijing, office)
    flag_decide(flag_id=the_flag(v1, org).pk, decision="dismissed", reason=DISMISS_REASON, actor=office)
    anhui = screen(AwardProgram.objects.get(code="anhui"), office)

    v2 = screen(beijing, office)

    assert (the_flag(v2, org).decision, the_flag(v2, other).decision, the_flag(anhui, org).decision) == (
        Flag.Decision.DISMISSED, Flag.Decision.PENDING, Flag.Decision.PENDING)
    assert anhui.version == 1


# --- Deciding a flag --------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["applicant", "expert", "recommender", "guidance", "supervisor", "committee", None])
def test_only_the_office_decides_a_flag(beijing, office, make_user, role):
    org = make_org()
    import_rows("gov-dishonesty", [listed(org)])
    flag = the_flag(screen(beijing, office), org)

    with pytest.raises(PermissionDenied):
        flag_decide(flag_id=flag.pk, decision="dismissed", reason=DISMISS_REASON, actor=make_user(role=role))

    flag.refresh_from_db()
    assert (flag.decision, flag.decided_by) == (Flag.Decision.PENDING, None)
    assert not audit_events_for(org).filter(action__startswith="bigdata.flag_").exists()


@pytest.mark.parametrize(("decision", "reason"), [("dismissed", ""), ("dismissed", "  \n "),
                                                  ("confirmed", ""), ("pending", "重新审查"), ("deleted", "重复")])
def test_a_decision_needs_a_known_outcome_and_a_reason(beijing, office, decision, reason):
    org = make_org()
    import_rows("gov-dishonesty", [listed(org)])
    flag = the_flag(screen(beijing, office), org)

    with pytest.raises(ValidationError):
        flag_decide(flag_id=flag.pk, decision=decision, reason=reason, actor=office)

    flag.refresh_from_db()
    assert (flag.decision, flag.decision_reason) == (Flag.Decision.PENDING, "")


def test_a_decision_writes_an_audit_event(beijing, office):
    org = make_org()
    import_rows("gov-dishonesty", [listed(org)])
    flag = the_flag(screen(beijing, office), org)

    flag_decide(flag_id=flag.pk, decision="dismissed", reason=f"  {DISMISS_REASON} ", actor=office)

    events = audit_events_for(org).filter(action__startswith="bigdata.flag_")
    assert [(e.action, e.actor, e.role, e.before, e.after) for e in events] == [
        ("bigdata.flag_dismissed", office, "office", {"decision": "pending"},
         {"flag": flag.pk, "rule": "dishonesty-current", "decision": "dismissed", "reason": DISMISS_REASON})]


# --- A superseded run's flags ------------------------------------------------------------------


def test_a_flag_of_a_superseded_run_is_not_decided(beijing, office):
    """A newer run of the program took the older run's decisions over when it was created; a
    decision on the older run now would be lost, so it is refused with a message saying where
    to decide, and nothing is written."""
    org = make_org()
    import_rows("gov-dishonesty", [listed(org)])
    v1 = screen(beijing, office)
    v2 = screen(beijing, office)
    old = the_flag(v1, org)

    messages = {}
    for language in ("zh-hans", "en"):
        with translation.override(language), pytest.raises(ValidationError) as refused:
            flag_decide(flag_id=old.pk, decision="dismissed", reason=DISMISS_REASON, actor=office)
        assert refused.value.code == "superseded"
        messages[language] = refused.value.messages[0]

    assert messages["zh-hans"].startswith("该风险标记属于第 1 次运行，已被第 2 次运行取代")
    assert messages["en"].startswith("This flag belongs to run 1, which run 2 has superseded")
    old.refresh_from_db()
    assert (old.decision, old.decision_reason, old.decided_by) == (Flag.Decision.PENDING, "", None)
    assert not audit_events_for(org).filter(action__startswith="bigdata.flag_").exists()
    flag_decide(flag_id=the_flag(v2, org).pk, decision="dismissed", reason=DISMISS_REASON, actor=office)
    assert the_flag(v2, org).decision == Flag.Decision.DISMISSED


def test_a_failed_newer_run_supersedes_too_and_other_programs_and_kinds_do_not(beijing, office, monkeypatch):
    org = make_org()
    import_rows("gov-dishonesty", [listed(org)])
    v1 = screen(beijing, office)
    screen(AwardProgram.objects.get(code="anhui"), office)
    run_start(program=beijing, actor=office, reference_date=REF, kind=Run.Kind.EVALUATION)

    decided = flag_decide(flag_id=the_flag(v1, org).pk, decision="confirmed", reason="名单有效。", actor=office)
    assert decided.decision == Flag.Decision.CONFIRMED

    monkeypatch.setattr(screening, "connection", _FailingConnection(screening.connection, fail_on_call=1))
    failed = run_start(program=beijing, actor=office, reference_date=REF)
    assert failed.status == Run.Status.FAILED  # resumable: the office resumes it and decides there
    with pytest.raises(ValidationError):
        flag_decide(flag_id=the_flag(v1, org).pk, decision="dismissed", reason=DISMISS_REASON, actor=office)


def _in_thread(work, hold: float = 0.0):
    """Run `work()` in a transaction on a connection of its own, keep the transaction (and its
    locks) `hold` seconds longer, and report through the returned (thread, started, result)."""
    started, result = threading.Event(), {}

    def body():
        try:
            with transaction.atomic():
                result["value"] = work()
                started.set()
                time.sleep(hold)
        except Exception as exc:  # noqa: BLE001  (handed to the test)
            result["error"] = exc
            started.set()
        finally:
            connections.close_all()

    thread = threading.Thread(target=body)
    thread.start()
    return thread, started, result


postgres_only = pytest.mark.skipif(connection.vendor != "postgresql",
                                   reason="row locks need PostgreSQL: SQLite ignores select_for_update")


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_a_run_created_while_a_decision_is_open_waits_and_carries_it_over(make_user):
    """flag_decide locks the flag's run; run_create locks the program's latest run before adding
    a newer one, so it waits for the decision's commit and the new run carries the decision."""
    load_programs()
    beijing, office = AwardProgram.objects.get(code="beijing"), make_user(role="office")
    org = make_org()
    import_rows("gov-dishonesty", [listed(org)])
    v1 = screen(beijing, office)
    flag_id = the_flag(v1, org).pk

    thread, started, result = _in_thread(lambda: flag_decide(flag_id=flag_id, decision="dismissed",
                                                             reason=DISMISS_REASON, actor=office), hold=0.5)
    started.wait(5)
    v2 = screen(beijing, office)
    thread.join(5)

    assert "error" not in result, result
    again = the_flag(v2, org)
    assert (again.decision, again.carried_from_id) == (Flag.Decision.DISMISSED, flag_id)


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_a_decision_taken_while_a_newer_run_is_created_waits_and_is_refused(make_user):
    """The other order: run_create holds the lock, the decision waits for its commit, then finds
    the newer run and is refused instead of being lost."""
    load_programs()
    beijing, office = AwardProgram.objects.get(code="beijing"), make_user(role="office")
    org = make_org()
    import_rows("gov-dishonesty", [listed(org)])
    v1 = screen(beijing, office)
    flag_id = the_flag(v1, org).pk

    thread, started, result = _in_thread(lambda: screening.run_create(program=beijing, reference_date=REF,
                                                                      actor=office), hold=0.5)
    started.wait(5)
    with pytest.raises(ValidationError) as refused:
        flag_decide(flag_id=flag_id, decision="dismissed", reason=DISMISS_REASON, actor=office)
    thread.join(5)

    assert "error" not in result, result
    assert refused.value.code == "superseded"
    assert Flag.objects.get(pk=flag_id).decision == Flag.Decision.PENDING


# --- A failing chunk, and its resumption ------------------------------------------------------


class _FailingConnection:
    """The screening module's `connection`, failing the evidence insert of the n-th chunk once."""

    def __init__(self, real, fail_on_call):
        self.real, self.calls, self.fail_on_call = real, 0, fail_on_call

    def __getattr__(self, name):
        return getattr(self.real, name)

    def cursor(self):
        return _FailingCursor(self.real.cursor(), self)


class _FailingCursor:
    def __init__(self, cursor, owner):
        self.cursor, self.owner = cursor, owner

    def __enter__(self):
        self.cursor.__enter__()
        return self

    def __exit__(self, *exc):
        return self.cursor.__exit__(*exc)

    def __getattr__(self, name):
        return getattr(self.cursor, name)

    def execute(self, sql, params=None):
        if sql is screening.EVIDENCE_SQL:
            self.owner.calls += 1
            if self.owner.calls == self.owner.fail_on_call:
                # After the flags of the chunk were inserted: the chunk's transaction must undo them.
                raise DatabaseError("simulated: could not serialize access due to concurrent update")
        return self.cursor.execute(sql, params)


def flag_rows(run):
    return sorted((f.organization_id, f.rule_id, tuple(sorted(f.records.values_list("id", flat=True))))
                  for f in Flag.objects.filter(run=run))


def test_failed_chunk_fails_the_run_naming_it_and_resume_completes_without_duplicates(beijing, office,
                                                                                       monkeypatch):
    orgs = [make_org() for _ in range(5)]
    import_rows("gov-dishonesty", [listed(org) for org in orgs])
    import_rows("gov-abnormal", [row_for(orgs[2], occurred_on=D(2024, 1, 2))])
    monkeypatch.setattr(screening, "connection", _FailingConnection(screening.connection, fail_on_call=2))

    failed = run_start(program=beijing, actor=office, reference_date=REF, chunk_orgs=2, groups=1)

    chunks = {c.index: c for c in failed.chunks.all()}
    assert (failed.status, failed.message_code, failed.message_params, failed.chunks_done, failed.chunks_total) == (
        Run.Status.FAILED, "chunks_not_done", {"chunks": [1]}, 2, 3)
    assert failed.message_text == "未完成的分块：1"
    assert [chunks[i].status for i in range(3)] == ["done", "failed", "done"]
    assert chunks[1].error == "DatabaseError: simulated: could not serialize access due to concurrent update"
    # The failed chunk (organisations 3 and 4) left nothing behind.
    assert {f.organization_id for f in Flag.objects.filter(run=failed)} == {orgs[0].pk, orgs[1].pk, orgs[4].pk}

    resumed = run_resume(run_id=failed.pk, actor=office)

    assert [(e.action, e.actor, e.before) for e in audit_events_for(failed).filter(action__endswith="resumed")] == [
        ("bigdata.screening_run_resumed", office, {"status": "failed", "chunks_done": 2})]
    assert (resumed.status, resumed.message_code, resumed.message_text, resumed.chunks_done, resumed.progress,
            resumed.version) == (Run.Status.SUCCEEDED, "", "", 3, 100, 1)
    assert set(resumed.chunks.values_list("status", flat=True)) == {"done"}
    clean = screen(beijing, office, chunk_orgs=2, groups=1)
    assert flag_rows(resumed) == flag_rows(clean)
    assert resumed.flags_count == clean.flags_count == Flag.objects.filter(run=resumed).count() == 6
    assert FlagEvidence.objects.filter(flag__run=resumed).count() == 6
    assert list(Run.objects.filter(program=beijing).order_by("version").values_list("version", flat=True)) == [1, 2]


def test_resuming_a_finished_run_changes_nothing(beijing, office):
    org = make_org()
    import_rows("gov-dishonesty", [listed(org)])
    run = screen(beijing, office)
    before = flag_rows(run)

    again = run_resume(run_id=run.pk, actor=office)
    for chunk in run.chunks.all():  # a redelivered task of a done chunk
        screening.screen_chunk(chunk_id=chunk.pk)

    assert (again.status, again.chunks_done, flag_rows(again)) == (Run.Status.SUCCEEDED, run.chunks_total, before)


def test_resume_is_for_the_office_only(beijing, office, make_user):
    run = screen(beijing, office)
    with pytest.raises(PermissionDenied):
        run_resume(run_id=run.pk, actor=make_user(role="supervisor"))
    with pytest.raises(PermissionDenied):
        run_start(program=beijing, actor=make_user(role="guidance"), reference_date=REF)
    assert Run.objects.count() == 1


def test_a_flag_is_unique_per_run_organisation_and_rule(beijing, office):
    org = make_org()
    import_rows("gov-dishonesty", [listed(org)])
    flag = the_flag(screen(beijing, office), org)

    with pytest.raises(IntegrityError), transaction.atomic():
        Flag.objects.create(run=flag.run, organization=org, rule=flag.rule, outcome=flag.outcome, record_count=1,
                            first_on=flag.first_on, last_on=flag.last_on)


def test_record_imported_before_its_organisation_registers_is_matched_at_the_next_run(beijing, office):
    code = uscc.generate(random.Random(4242), region="110105")
    import_rows("gov-dishonesty", [{"source_record_id": "EARLY-1", "credit_code": code, "org_name": "北京晚到科技有限公司",
                                    "occurred_on": D(2023, 3, 1), "grade": "统计严重失信企业"}])
    record = PublicRecord.objects.get(source_record_id="EARLY-1")
    assert (record.organization, record.match_method) == (None, "")
    org = make_org(code, name="北京晚到科技有限公司")

    run = screen(beijing, office)

    record.refresh_from_db()
    assert (record.organization, record.match_method) == (org, "code")
    assert flag_rows(run) == [(org.pk, the_flag(run, org).rule_id, (record.pk,))]


# --- Chunks by record type ------------------------------------------------------------------------


def several_kinds_of_records(orgs):
    import_rows("gov-dishonesty", [listed(org) for org in orgs[:3]])
    import_rows("gov-abnormal", [row_for(org, occurred_on=D(2024, 1, 2)) for org in orgs[1:4]])
    import_rows("gov-penalty", [row_for(org, occurred_on=D(2023, 5, 10), grade="罚款", amount_10k="20")
                                for org in orgs[2:]])
    import_rows("accident", [row_for(orgs[0], occurred_on=D(2023, 8, 1), grade="较大", deaths="3")])


def test_type_groups_balance_the_record_counts():
    load_programs()
    orgs = [make_org() for _ in range(6)]
    several_kinds_of_records(orgs)  # penalties 4, dishonesty 3, abnormal 3, accident 1

    groups = screening.type_groups(["abnormal_operation", "accident", "dishonesty_list", "media_report", "penalty"], 2)

    assert groups == [["accident", "media_report", "penalty"], ["abnormal_operation", "dishonesty_list"]]
    assert screening.type_groups(["penalty"], 4) == [["penalty"]]


def test_chunks_share_out_the_rules_by_record_type_and_find_the_same_flags(beijing, office):
    orgs = [make_org() for _ in range(6)]
    several_kinds_of_records(orgs)

    whole = screen(beijing, office, groups=1)
    split = screen(beijing, office, groups=3, chunk_orgs=2)

    assert flag_rows(split) == flag_rows(whole) and len(flag_rows(whole)) == 11
    assert whole.chunks_total == 1 and split.chunks_total == 9
    rule_types = set(split.run_rules.values_list("record_type", flat=True))
    for lo, hi in {(c.org_from, c.org_to) for c in split.chunks.all()}:
        groups = [set(c.record_types) for c in split.chunks.filter(org_from=lo, org_to=hi)]
        assert set().union(*groups) == rule_types and sum(map(len, groups)) == len(rule_types)


def test_a_failed_type_chunk_loses_only_its_rules_flags_until_resumed(beijing, office, monkeypatch):
    orgs = [make_org() for _ in range(6)]
    several_kinds_of_records(orgs)
    clean = screen(beijing, office, groups=2)
    monkeypatch.setattr(screening, "connection", _FailingConnection(screening.connection, fail_on_call=2))

    failed = run_start(program=beijing, actor=office, reference_date=REF, groups=2)

    broken = failed.chunks.get(status="failed")
    assert (failed.status, failed.chunks_done) == (Run.Status.FAILED, 1)
    kept = {f.rule.record_type for f in Flag.objects.filter(run=failed).select_related("rule")}
    assert kept and not kept & set(broken.record_types)
    monkeypatch.undo()
    resumed = run_resume(run_id=failed.pk, actor=office)
    assert resumed.status == Run.Status.SUCCEEDED
    assert flag_rows(resumed) == flag_rows(clean)
