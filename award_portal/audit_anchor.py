"""Anchors: the audit chain's head written outside the database, so that cutting it shows.

A hash chain with MACs still verifies when its newest entries are deleted. So every ten
minutes (Celery beat, migration 0005) and after `manage.py verify_audit --anchor`, the head
(last id, its hash and MAC, the time) is appended as one JSON line to
AUDIT_ANCHOR_DIR/anchors.jsonl, a file the database user cannot reach. Each anchor is MAC'd
with the audit key and names the MAC of the anchor before it, so anchors cannot be forged,
edited, removed from the middle or reordered without the key. Verification compares every
anchor with the entry it names: an entry that is gone or different means the trail was cut
or rewritten after that anchor.
"""

import fcntl
import hashlib
import hmac
import json
import os
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from .audit import GENESIS_HASH, AuditEvent, audit_key, audit_walk

ANCHOR_FILE = "anchors.jsonl"
_TAIL_BYTES = 8192  # an anchor line is about 400 bytes


def anchor_path() -> Path:
    return Path(settings.AUDIT_ANCHOR_DIR) / ANCHOR_FILE


def _canonical(record: dict) -> bytes:
    body = {key: value for key, value in record.items() if key != "anchor_mac"}
    return json.dumps(body, sort_keys=True, separators=(",", ":")).encode()


def anchor_mac(record: dict) -> str:
    # "anchor\n" keeps an anchor's MAC from ever equalling an entry's (domain separation).
    return hmac.new(audit_key(), b"anchor\n" + _canonical(record), hashlib.sha256).hexdigest()


def anchor_last(path: Path) -> dict | None:
    if not path.exists():
        return None
    with path.open("rb") as handle:
        handle.seek(0, os.SEEK_END)
        handle.seek(max(0, handle.tell() - _TAIL_BYTES))
        lines = [line for line in handle.read().splitlines() if line.strip()]
    if not lines:
        return None
    try:
        return json.loads(lines[-1])
    except ValueError:
        return None


def audit_anchor_write() -> dict:
    """Append the chain head to the anchor file and return the anchor written.

    Side effects: creates AUDIT_ANCHOR_DIR (0700) and the file (0600); one line appended and
    fsynced under an exclusive lock, so two writers (beat and an operator) cannot interleave.
    """
    path = anchor_path()
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    with os.fdopen(fd, "a", encoding="utf-8") as out:
        fcntl.flock(out, fcntl.LOCK_EX)
        # The head is read under the lock: anchors then name non-decreasing ids.
        head = (AuditEvent.objects.order_by("-id").values("id", "hash", "mac").first()
                or {"id": 0, "hash": GENESIS_HASH, "mac": ""})
        previous = anchor_last(path) or {}
        record = {
            "seq": int(previous.get("seq", 0)) + 1,
            "id": head["id"], "hash": head["hash"], "mac": head["mac"],
            "at": timezone.now().isoformat(timespec="seconds"),
            "prev": previous.get("anchor_mac", ""),
        }
        record["anchor_mac"] = anchor_mac(record)
        out.write(json.dumps(record, sort_keys=True) + "\n")
        out.flush()
        os.fsync(out.fileno())
    return record


def anchors_read(path: Path | None = None) -> tuple[list[tuple[int, dict]], list[str]]:
    """The authentic anchors as (line number, anchor), and the problems with the others."""
    path = path or anchor_path()
    if not path.exists():
        return [], []
    anchors, problems, prev_mac, last_id = [], [], "", 0
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
                authentic = hmac.compare_digest(str(record.get("anchor_mac", "")), anchor_mac(record))
            except (ValueError, AttributeError, TypeError):
                record, authentic = None, False
            if not authentic:
                problems.append(f"anchor {number} is not authentic: its MAC does not match "
                                "(the anchor file was edited, or the key differs)")
                continue
            if record.get("prev", "") != prev_mac:
                problems.append(f"anchor {number} does not follow the anchor before it "
                                "(an anchor was removed, inserted or reordered)")
            if record["id"] < last_id:
                problems.append(f"anchor {number} names id {record['id']}, before the previous anchor's {last_id}")
            prev_mac, last_id = record["anchor_mac"], max(last_id, record["id"])
            anchors.append((number, record))
    return anchors, problems


def _anchor_problem(number: int, anchor: dict, walk) -> str:
    anchored = anchor["id"]
    if anchored == 0:
        return ""
    where = f"audit trail truncated/rewritten after anchor {number} (id {anchored})"
    if anchored in walk.seen:
        if walk.seen[anchored] != (anchor["hash"], anchor["mac"]):
            return f"{where}: entry #{anchored} differs from the one anchored at {anchor['at']}"
        return ""
    if anchored > walk.last_id:
        first = walk.last_id + 1
        span = f"#{first}" if first == anchored else f"#{first}–#{anchored}"
        return (f"{where}: entries {span} are missing at the end "
                f"(the trail ends at #{walk.last_id or 0}; anchored at {anchor['at']})")
    return f"{where}: entry #{anchored} is gone (anchored at {anchor['at']})"


def audit_verify() -> tuple[object, list[str], list[str]]:
    """The whole check: chain, MACs and every anchor. Returns (walk, problems, notes)."""
    anchors, problems = anchors_read()
    walk = audit_walk(want_ids=frozenset(anchor["id"] for _n, anchor in anchors))
    if walk.bad is not None:
        problems.insert(0, f"audit entry #{walk.bad.pk} does not verify: {walk.reason} "
                           f"({walk.checked} entries before it verified)")
    problems += [problem for number, anchor in anchors if (problem := _anchor_problem(number, anchor, walk))]
    notes = []
    if walk.unmaced:
        notes.append(f"{walk.unmaced} entries from before MACs, covered by the chain")
    if anchors:
        number, last = anchors[-1]
        notes.append(f"{len(anchors)} anchors, the last (anchor {number}) at {last['at']} for id {last['id']}")
    else:
        notes.append(f"no anchors in {anchor_path()}: cutting off the newest entries cannot be detected")
    return walk, problems, notes
