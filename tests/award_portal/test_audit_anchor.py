"""MACs and anchors: cutting off the newest entries, or rewriting entries and recomputing the
chain without the key, is detected by `manage.py verify_audit`, which names the anchor."""

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from award_portal.audit import GENESIS_HASH, AuditEvent, audit_mac, audit_record
from award_portal.audit_anchor import anchor_path, anchors_read, audit_anchor_write
from award_portal.tasks import anchor_audit_task

from .test_audit import TABLE, raw_sql, trigger_disabled

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def anchor_dir(settings, tmp_path):
    settings.AUDIT_ANCHOR_DIR = tmp_path / "anchors"
    return settings.AUDIT_ANCHOR_DIR


def record(n):
    return [audit_record(action=f"test.{i}", object_type="thing", object_id=str(i), after={"n": i})
            for i in range(1, n + 1)]


def verify():
    """verify_audit's whole output; raises CommandError (exit status 1) with the problems."""
    out = StringIO()
    call_command("verify_audit", stdout=out)
    return out.getvalue()


def verify_problems() -> list[str]:
    with pytest.raises(CommandError) as excinfo:
        verify()
    return str(excinfo.value).splitlines()


def delete_from(pk):
    with trigger_disabled():
        raw_sql(f"DELETE FROM {TABLE} WHERE id >= %s", [pk])


def forge_and_rechain(events, index, *, action="test.forged", macs="keep"):
    """What someone with table rights but without the key can do: change one entry and
    recompute every hash after it so the chain links again. MACs are kept, blanked or, for
    the whole chain, dropped."""
    rows = list(AuditEvent.objects.order_by("id"))
    rows[index].action = action
    prev = rows[index - 1].hash if index else GENESIS_HASH
    with trigger_disabled():
        for row in rows[index:]:
            row.prev_hash = prev
            row.hash = row.compute_hash()
            mac = row.mac if macs == "keep" else ""
            raw_sql(f"UPDATE {TABLE} SET action = %s, prev_hash = %s, hash = %s, mac = %s WHERE id = %s",
                    [row.action, row.prev_hash, row.hash, mac, row.pk])
            prev = row.hash


# --- A clean trail ---------------------------------------------------------------------------


def test_verify_audit_clean_trail_with_anchors_verifies():
    record(3)
    first = audit_anchor_write()
    record(2)
    audit_anchor_write()

    output = verify()

    assert output.splitlines()[-1] == "audit trail verified: 5 entries, chain intact"
    assert "2 anchors, the last (anchor 2) at " in output
    assert (first["seq"], first["id"], first["prev"]) == (1, AuditEvent.objects.order_by("id")[2].pk, "")


def test_every_entry_carries_the_mac_of_its_hash():
    events = record(2)

    stored = list(AuditEvent.objects.order_by("id").values_list("hash", "mac"))
    assert stored == [(event.hash, audit_mac(event.hash)) for event in events]
    assert all(len(mac) == 64 for _hash, mac in stored)


def test_verify_audit_anchor_option_writes_one_line_per_anchor():
    record(2)

    call_command("verify_audit", "--anchor", stdout=StringIO())
    call_command("anchor_audit", stdout=StringIO())

    lines = anchor_path().read_text().splitlines()
    anchors = [json.loads(line) for line in lines]
    head = AuditEvent.objects.order_by("-id").first()
    assert [(a["seq"], a["id"], a["hash"], a["mac"]) for a in anchors] == [
        (1, head.pk, head.hash, head.mac), (2, head.pk, head.hash, head.mac)]
    assert anchors[1]["prev"] == anchors[0]["anchor_mac"]
    assert oct(anchor_path().stat().st_mode & 0o777) == "0o600"


def test_verify_audit_without_anchors_verifies_and_says_so():
    record(1)

    output = verify()

    assert "no anchors in" in output
    assert output.splitlines()[-1] == "audit trail verified: 1 entries, chain intact"


def test_verify_audit_anchor_refused_on_a_broken_trail():
    events = record(3)
    forge_and_rechain(events, 1)

    with pytest.raises(CommandError):
        call_command("verify_audit", "--anchor", stdout=StringIO())

    assert not anchor_path().exists()  # a rewritten trail is never blessed by an anchor


def test_anchor_task_anchors_the_head():
    events = record(2)

    assert anchor_audit_task.delay().get() == events[-1].pk
    assert [anchor["id"] for _n, anchor in anchors_read()[0]] == [events[-1].pk]


def test_anchor_schedule_installed_by_migration():
    from django_celery_beat.models import PeriodicTask

    task = PeriodicTask.objects.get(task="award_portal.anchor_audit")
    assert (task.enabled, task.interval.every, task.interval.period) == (True, 10, "minutes")


# --- Truncation ------------------------------------------------------------------------------


def test_verify_audit_newest_entries_deleted_after_anchor_detected():
    events = record(5)
    audit_anchor_write()
    delete_from(events[3].pk)  # the last two entries

    problems = verify_problems()

    # The chain itself still verifies: only the anchor shows the cut.
    assert problems == [
        f"audit trail truncated/rewritten after anchor 1 (id {events[4].pk}): entries "
        f"#{events[3].pk}–#{events[4].pk} are missing at the end (the trail ends at #{events[2].pk}; "
        f"anchored at {json.loads(anchor_path().read_text())['at']})"
    ]


def test_verify_audit_cut_back_to_an_older_anchor_names_the_newer_one():
    events = record(3)
    audit_anchor_write()
    later = record(2)
    audit_anchor_write()
    delete_from(later[0].pk)

    problems = verify_problems()

    assert len(problems) == 1
    assert problems[0].startswith(f"audit trail truncated/rewritten after anchor 2 (id {later[1].pk}): ")
    assert f"the trail ends at #{events[2].pk}" in problems[0]


def test_verify_audit_cut_and_regrown_trail_detected():
    # Entries deleted and new ones appended after them: the chain verifies, the anchored entry is gone.
    events = record(3)
    audit_anchor_write()
    delete_from(events[1].pk)
    record(3)

    problems = verify_problems()

    assert problems == [f"audit trail truncated/rewritten after anchor 1 (id {events[2].pk}): entry "
                        f"#{events[2].pk} is gone (anchored at {json.loads(anchor_path().read_text())['at']})"]


# --- Rewriting -------------------------------------------------------------------------------


def test_verify_audit_rewritten_chain_without_key_detected_by_mac():
    events = record(4)
    forge_and_rechain(events, 1)

    problems = verify_problems()

    assert problems[0] == (f"audit entry #{events[1].pk} does not verify: MAC does not match (the entry was "
                           "changed and the chain recomputed without the key) (1 entries before it verified)")


def test_verify_audit_rewritten_chain_with_macs_removed_detected():
    events = record(3)
    forge_and_rechain(events, 1, macs="blank")

    problems = verify_problems()

    assert problems[0].startswith(f"audit entry #{events[1].pk} does not verify: MAC missing after MAC'd entries")


def test_verify_audit_whole_chain_rewritten_without_macs_detected_by_anchor():
    # Without any MAC the rewritten chain looks like one from before MACs: the anchor catches it.
    events = record(3)
    audit_anchor_write()
    forge_and_rechain(events, 0, macs="blank")

    problems = verify_problems()

    assert problems == [
        f"audit trail truncated/rewritten after anchor 1 (id {events[2].pk}): entry #{events[2].pk} differs "
        f"from the one anchored at {json.loads(anchor_path().read_text())['at']}"
    ]


def test_verify_audit_edited_anchor_file_detected():
    events = record(2)
    audit_anchor_write()
    audit_anchor_write()
    lines = anchor_path().read_text().splitlines()
    edited = json.loads(lines[0])
    edited["id"] = events[0].pk  # pretend the trail was shorter at that time
    anchor_path().write_text("\n".join([json.dumps(edited), lines[1]]) + "\n")

    problems = verify_problems()

    assert problems == ["anchor 1 is not authentic: its MAC does not match (the anchor file was edited, "
                        "or the key differs)",
                        "anchor 2 does not follow the anchor before it (an anchor was removed, inserted or "
                        "reordered)"]


def test_verify_audit_anchor_removed_from_the_middle_detected():
    record(1)
    for _ in range(3):
        audit_anchor_write()
    lines = anchor_path().read_text().splitlines()
    anchor_path().write_text("\n".join([lines[0], lines[2]]) + "\n")

    assert verify_problems() == ["anchor 2 does not follow the anchor before it (an anchor was removed, "
                                 "inserted or reordered)"]


def test_verify_audit_other_key_refuses_every_entry(settings):
    record(2)
    settings.AUDIT_HMAC_KEY = "another-key-" * 5

    assert "MAC does not match" in verify_problems()[0]
