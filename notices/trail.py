"""Anyone holding a published notice can check that the audit trail still holds its entry.

Each notice prints the id and hash of its publication's audit entry (the trail's head at that
moment). Cutting the trail short, rewriting it from an earlier entry or editing that entry
afterwards changes what the walk finds here, so a printed notice becomes evidence against it.
"""

import re
from dataclasses import dataclass

from django.utils.translation import gettext as _

from award_portal.audit import audit_walk

HASH_RE = re.compile(r"^[0-9a-f]{64}$")


@dataclass
class TrailCheck:
    ok: bool
    message: str
    entries_after: int = 0


def trail_check(*, entry_id: int, entry_hash: str) -> TrailCheck:
    """Walk the whole chain once: is entry `entry_id` there, with `entry_hash`, and does the chain
    verify (links, hashes, MACs) from the first entry up to it?"""
    entry_hash = (entry_hash or "").strip().lower()
    if not HASH_RE.match(entry_hash):
        return TrailCheck(False, _("A hash is 64 characters 0–9 and a–f, as printed on the notice."))
    walk = audit_walk(want_ids=frozenset({entry_id}))
    seen = walk.seen.get(entry_id)
    if seen is None:
        if entry_id > walk.last_id:
            return TrailCheck(False, _("The trail ends at entry %(last)s: entry %(id)s is missing. The trail was "
                                       "cut short after the notice was published.") % {
                "last": walk.last_id, "id": entry_id})
        return TrailCheck(False, _("Entry %(id)s is no longer in the trail: it was removed.") % {"id": entry_id})
    if seen[0] != entry_hash:
        return TrailCheck(False, _("Entry %(id)s is in the trail with a different hash: the trail was changed or "
                                   "rewritten after the notice was published (or the hash was mistyped).") % {
            "id": entry_id})
    if walk.bad is not None and walk.bad.pk <= entry_id:
        return TrailCheck(False, _("The trail does not verify at entry %(bad)s, before or at entry %(id)s: an entry "
                                   "was changed or removed.") % {"bad": walk.bad.pk, "id": entry_id})
    after = max(0, walk.last_id - entry_id)
    return TrailCheck(True, _("Entry %(id)s is in the trail unchanged, and the trail verifies from its first entry "
                              "up to it (%(after)s entries were recorded after it).") % {
        "id": entry_id, "after": after}, after)
