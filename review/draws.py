"""The expert draw (专家抽取): random under the avoidance rules, steered by nobody, checkable by anybody.

1. `draw_freeze` (office) fixes the candidate list — qualified experts of the program's region,
   and shared experts of its partner regions, available for the round, not already drawn for the
   stage — and the constraints, and records the SHA-256 of both. No seed exists yet.
2. `draw_run` (supervisor) enters a number of their choosing at the draw. The seed is
   SHA-256(candidate hash ":" number): the office cannot steer it (the list is fixed before the
   number exists), the supervisor cannot steer it either (they cannot rewrite the list).
3. The algorithm (`ALGORITHM`) ranks candidates by SHA-256(seed ":" expert id) — no library
   random generator whose output could change between Python versions — takes the per-section
   minimums in that order, then fills the count, keeping partner-region experts under their share.
4. `draw_replay` recomputes hash and result from the stored inputs; anybody with the record can
   do the same with the ten lines of `select`.

Experts who decline are replaced by a new draw (`replaces`) made the same way.
"""

import hashlib
import json
import math

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from applications.models import Application, Round
from award_portal.audit import audit_record
from award_portal.roles import Role, has_role

from .experts import qualified_experts
from .models import Availability, DrawnExpert, ExpertDraw, Stage

ALGORITHM = "sha256-rank-v1"


class DrawError(Exception):
    def __init__(self, message, code="invalid"):
        super().__init__(message)
        self.message = message
        self.code = code


def canonical(value) -> bytes:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def candidates_hash(round_id: int, stage: str, constraints: dict, candidates: list) -> str:
    return hashlib.sha256(canonical({"round": round_id, "stage": stage, "constraints": constraints,
                                     "candidates": candidates})).hexdigest()


def seed_for(candidates_sha256: str, public_input: str) -> str:
    return hashlib.sha256(f"{candidates_sha256}:{public_input}".encode()).hexdigest()


def select(candidates: list, constraints: dict, seed: str) -> list[int]:
    """The draw itself: deterministic in (candidates, constraints, seed)."""
    ranked = sorted(candidates, key=lambda c: hashlib.sha256(f"{seed}:{c[0]}".encode()).hexdigest())
    count = int(constraints.get("count", 0))
    home = constraints.get("home_province", "")
    partner_cap = math.floor(float(constraints.get("max_partner_share", 0)) * count)
    chosen: list[int] = []
    partners = 0

    def take(candidate) -> bool:
        nonlocal partners
        expert_id, _sections, province = candidate
        if expert_id in chosen or len(chosen) >= count:
            return False
        is_partner = bool(home) and province != home
        if is_partner and partners >= partner_cap:
            return False
        chosen.append(expert_id)
        partners += is_partner
        return True

    sections_of = {c[0]: c[1] for c in candidates}
    for section, needed in sorted(constraints.get("per_section", {}).items()):
        have = sum(1 for e in chosen if section in sections_of[e])
        for candidate in ranked:
            if have >= int(needed):
                break
            if section in candidate[1] and take(candidate):
                have += 1
    for candidate in ranked:
        if len(chosen) >= count:
            break
        take(candidate)
    return chosen


def stage_applications(round_id: int, stage: str):
    from applications.enums import ApplicationState as S

    state = S.IN_MATERIAL_REVIEW if stage == Stage.MATERIAL else S.IN_SITE_REVIEW
    return Application.objects.filter(round_id=round_id, state=state)


def default_constraints(rnd: Round, stage: str, count: int | None = None) -> dict:
    """Per-section minimums from the industries of the stage's applications (one expert per
    section per group), the count from the program's group sizes."""
    from .assignment import settings_for

    review = settings_for(rnd.program)
    apps = list(stage_applications(rnd.pk, stage).values_list("organization__industry_section", flat=True))
    groups = max(1, math.ceil(len(apps) / review.applications_per_group)) if apps else 1
    per_section: dict[str, int] = {}
    for section in apps:
        if section:
            per_section[section] = min(groups, per_section.get(section, 0) + 1)
    wanted = count or max(groups * review.max_group_size, sum(per_section.values()))
    share = 0.3 if review.partner_prefixes else 0
    return {"count": wanted, "per_section": per_section, "home_province": rnd.program.region_code[:2],
            "max_partner_share": share}


def eligible_candidates(rnd: Round, stage: str) -> list[list]:
    from .assignment import settings_for

    review = settings_for(rnd.program)
    home = rnd.program.region_code[:2]
    unavailable = Availability.objects.filter(round=rnd, available=False).values("expert_id")
    already = DrawnExpert.objects.filter(draw__round=rnd, draw__stage=stage).values("expert_id")
    rows = (qualified_experts().exclude(pk__in=unavailable).exclude(pk__in=already)
            .values_list("pk", "expertise", "region_code", "shared").order_by("pk"))
    out = []
    for pk, expertise, region, shared in rows:
        province = region[:2]
        if province == home or (shared and province in review.partner_prefixes):
            out.append([pk, expertise, province])
    return out


@transaction.atomic
def draw_freeze(*, round_id: int, stage: str, actor, count: int | None = None, per_section: dict | None = None,
                replaces_id: int | None = None) -> ExpertDraw:
    """Freeze the candidate list and the constraints (office)."""
    rnd = Round.objects.select_for_update().select_related("program").get(pk=round_id)
    if stage not in Stage.values:
        raise DrawError(_("Unknown review stage."))
    constraints = default_constraints(rnd, stage, count)
    if per_section is not None:
        constraints["per_section"] = {k.upper()[:1]: int(v) for k, v in per_section.items() if int(v) > 0}
    replaces = None
    if replaces_id is not None:
        replaces = ExpertDraw.objects.get(pk=replaces_id, round=rnd, stage=stage)
        constraints["replaces"] = replaces.pk
    if constraints["count"] < 1:
        raise DrawError(_("Draw at least one expert."))
    candidates = eligible_candidates(rnd, stage)
    if len(candidates) < constraints["count"]:
        raise DrawError(_("Only %(n)s qualified and available experts can be drawn; %(count)s are needed.") % {
            "n": len(candidates), "count": constraints["count"]}, "too_few")
    draw = ExpertDraw.objects.create(
        round=rnd, stage=stage, replaces=replaces, constraints=constraints, candidates=candidates,
        candidates_sha256=candidates_hash(rnd.pk, stage, constraints, candidates),
        frozen_at=timezone.now(), frozen_by=actor)
    audit_record(action="review.draw_frozen", obj=draw, actor=actor,
                 after={"candidates": len(candidates), "sha256": draw.candidates_sha256, "constraints": constraints})
    return draw


def can_enter_draw_number(user) -> bool:
    return has_role(user, Role.SUPERVISOR)


@transaction.atomic
def draw_run(*, draw_id: int, public_input: str, actor) -> ExpertDraw:
    """The supervisor's number makes the seed; the experts are drawn and invited."""
    if not can_enter_draw_number(actor):
        raise DrawError(_("Only a supervisor enters the number that seeds the draw."), "role")
    draw = ExpertDraw.objects.select_for_update().get(pk=draw_id)
    if draw.status != ExpertDraw.Status.FROZEN:
        raise DrawError(_("This draw has already been made."), "state")
    public_input = (public_input or "").strip()
    if not public_input.isdigit() or not 1 <= len(public_input) <= 18:
        raise DrawError(_("Enter a number of 1 to 18 digits."), "input")
    if candidates_hash(draw.round_id, draw.stage, draw.constraints, draw.candidates) != draw.candidates_sha256:
        raise DrawError(_("The frozen candidate list no longer matches its hash; the draw is refused."), "tampered")
    draw.public_input = public_input
    draw.public_input_by = actor
    draw.seed = seed_for(draw.candidates_sha256, public_input)
    draw.algorithm = ALGORITHM
    draw.result = select(draw.candidates, draw.constraints, draw.seed)
    draw.drawn_at = timezone.now()
    draw.status = ExpertDraw.Status.DRAWN
    draw.save()
    DrawnExpert.objects.bulk_create([DrawnExpert(draw=draw, expert_id=e, position=i + 1)
                                     for i, e in enumerate(draw.result)])
    audit_record(action="review.draw_made", obj=draw, actor=actor,
                 after={"public_input": public_input, "seed": draw.seed, "algorithm": ALGORITHM,
                        "result": draw.result})
    return draw


def draw_replay(draw: ExpertDraw) -> dict:
    """Recompute the hash and the result from the recorded inputs: what a supervisor checks."""
    sha = candidates_hash(draw.round_id, draw.stage, draw.constraints, draw.candidates)
    result = select(draw.candidates, draw.constraints, seed_for(sha, draw.public_input)) if draw.public_input else []
    return {"hash_matches": sha == draw.candidates_sha256, "sha256": sha, "result": result,
            "result_matches": draw.status == ExpertDraw.Status.DRAWN and result == draw.result,
            "algorithm_matches": draw.algorithm in ("", ALGORITHM)}


@transaction.atomic
def drawn_respond(*, drawn_id: int, accept: bool, actor, reason: str = "") -> DrawnExpert:
    """The expert (or the office on their behalf) answers the invitation."""
    row = DrawnExpert.objects.select_for_update().select_related("expert", "draw").get(pk=drawn_id)
    if row.response != DrawnExpert.Response.PENDING:
        raise DrawError(_("This invitation has already been answered."), "state")
    if not accept and not reason.strip():
        raise DrawError(_("Say why you decline."), "reason")
    row.response = DrawnExpert.Response.ACCEPTED if accept else DrawnExpert.Response.DECLINED
    row.responded_at = timezone.now()
    row.decline_reason = reason.strip()[:300]
    row.save()
    audit_record(action="review.draw_answered", obj=row.draw, actor=actor,
                 after={"expert": row.expert_id, "accepted": accept, "reason": row.decline_reason})
    return row


def declined_needing_replacement(draw: ExpertDraw) -> list[DrawnExpert]:
    replaced = sum(len(d.result) for d in draw.replacement_draws.filter(status=ExpertDraw.Status.DRAWN))
    declined = list(draw.drawn.filter(response=DrawnExpert.Response.DECLINED).select_related("expert"))
    return declined[replaced:]


def replacement_constraints(draw: ExpertDraw) -> tuple[int, dict]:
    """As many experts as declined and are not yet replaced, with their fields covered."""
    declined = declined_needing_replacement(draw)
    per_section: dict[str, int] = {}
    for row in declined:
        section = next(iter(sorted(row.expert.expertise)), "")
        if section and section in draw.constraints.get("per_section", {}):
            per_section[section] = per_section.get(section, 0) + 1
    return len(declined), per_section


def panel_expert_ids(round_id: int, stage: str) -> list[int]:
    """The experts who accepted a draw for this stage: the panel the groups are formed from."""
    return list(DrawnExpert.objects.filter(draw__round_id=round_id, draw__stage=stage,
                                           response=DrawnExpert.Response.ACCEPTED)
                .values_list("expert_id", flat=True).distinct())
