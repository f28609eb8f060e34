"""Anyone holding a published notice can check that the audit trail still holds its entry.

Each notice prints the id and hash of its publication's audit entry (the trail's head at that
moment). Cutting the trail short, rewriting it from an earlier entry or editing that entry
afterwards changes what the walk finds here, so a printed notice becomes evidence against it.
"""

import re
from dataclasses import dataclass

from django.utils.translation import gettext as _

from award_portal.audit import audit_walk
from award_portal.audit_anchor import anchors_read

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
    anchors, _problems = anchors_read()  # authentic anchors only (MAC'd with the key outside the database)
    covering = [anchor for _n, anchor in anchors if anchor["id"] >= entry_id]
    walk = audit_walk(want_ids=frozenset({entry_id} | {anchor["id"] for anchor in covering}))
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
    for anchor in covering:
        if walk.seen.get(anchor["id"]) != (anchor["hash"], anchor["mac"]):
            return TrailCheck(False, _("Entry %(id)s is there, but the trail no longer matches the anchor written "
                                       "outside the database at %(at)s: it was cut or rewritten after it.") % {
                "id": entry_id, "at": anchor["at"]})
    after = max(0, walk.last_id - entry_id)
    message = _("Entry %(id)s is in the trail unchanged, and the trail verifies from its first entry up to it "
                "(%(after)s entries were recorded after it).") % {"id": entry_id, "after": after}
    if covering:
        message += " " + _("An anchor kept outside the database since %(at)s covers it as well.") % {
            "at": covering[0]["at"]}
    return TrailCheck(True, message, after)
