"""The office's review pages — the expert pool, an expert's record, draws, groups — read-only for
supervisors and the expert technical guidance group.

Readers: `permissions.can_read_pool`; writes: `can_manage_pool` (the office); the number that
seeds a draw: `can_run_draw` (a supervisor, never the office). Every POST has its own URL, runs
one service, and shows the service's refusal (its `.message`) on the page it came from with what
the user typed still in the form — never a 500.
"""

import hashlib
import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from applications.models import Application, Round

from . import assignment, draws, experts, permissions
from .admin import PROVINCES
from .conflicts import ConflictError, conflict_dismiss, conflict_set_by_office
from .draws import DrawError
from .experts import ExpertError
from .forms_office import (
    SECTIONS,
    AddMemberForm,
    ConflictForm,
    DrawNumberForm,
    FreezeForm,
    InviteForm,
    MoveApplicationForm,
    PoolSearchForm,
    ProposeForm,
    ReasonForm,
    SettingsForm,
    RespondForm,
    SuspendForm,
    TrainingForm,
)
from .models import (
    Conflict,
    DrawnExpert,
    Expert,
    ExpertDraw,
    ExpertGroup,
    GroupApplication,
    GroupMember,
    Stage,
)

PAGE_SIZE = 25
SECTION_LABELS = dict(SECTIONS)


def _section_list(codes) -> list[tuple[str, str]]:
    """GB/T 4754 section letters with their names, for `review/office/_sections.html`."""
    return [(c, SECTION_LABELS.get(c, c)) for c in codes or ""]


def _labelled(expert):
    """The expert with its fields' names and its province's name for the tables (not raw codes)."""
    if expert is not None:
        expert.section_list = _section_list(expert.expertise)
        expert.province_name = PROVINCES.get(expert.region_code[:2], "")
    return expert


def _require(allowed: bool):
    if not allowed:
        raise PermissionDenied


def _read(request):
    _require(permissions.can_read_pool(request.user))


def _manage(request):
    _require(permissions.can_manage_pool(request.user))


# --- The pool -------------------------------------------------------------------------------

@login_required
def pool(request):
    _read(request)
    form = PoolSearchForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    qs = (experts.pool_search(q=filters.get("q", "").strip(), section=filters.get("section", ""),
                              status=filters.get("status", ""), region=filters.get("region", ""),
                              qualified=bool(filters.get("qualified")))
          .annotate(exam_passed=experts.passed_examination_q()).order_by("name", "pk"))
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    for e in page.object_list:
        _labelled(e)
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "review/office/pool.html", {
        "form": form, "page": page, "experts": page.object_list, "filter_query": query.urlencode(),
        "can_manage": permissions.can_manage_pool(request.user), "section_labels": SECTION_LABELS,
    })


@login_required
def expert_invite(request):
    _manage(request)
    form = InviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            expert = experts.expert_invite(actor=request.user, **form.service_kwargs())
        except ExpertError as exc:
            form.add_error("email" if exc.code == "duplicate" else None, exc.message)
        else:
            messages.success(request, _("%(name)s was added to the pool as an applicant; approve them to admit "
                                        "them.") % {"name": expert.name})
            return redirect("review-expert", pk=expert.pk)
    return render(request, "review/office/invite.html", {"form": form})


def _expert_page(request, expert, bound=None, dismiss_forms=None):
    """The expert's record; `bound` replaces one action form by the submitted one (with errors)."""
    can_manage = permissions.can_manage_pool(request.user)
    forms = {}
    if can_manage:
        forms = {"decline": ReasonForm(prefix="decline"), "suspend": SuspendForm(prefix="suspend"),
                 "reinstate": ReasonForm(prefix="reinstate"), "training": TrainingForm(prefix="training"),
                 "conflict": ConflictForm(prefix="conflict"),
                 "settings": SettingsForm(prefix="settings", initial={
                     "expertise": list(expert.expertise), "shared": expert.shared, "can_lead": expert.can_lead})}
        forms.update(bound or {})
    _labelled(expert)
    conflicts = list(expert.conflicts.select_related("organization", "dismissed_by").order_by("-created_at"))
    dismiss_forms = dismiss_forms or {}
    for c in conflicts:
        c.dismiss_form = dismiss_forms.get(c.pk) or ReasonForm(prefix=f"dismiss{c.pk}")
    memberships = (GroupMember.objects.filter(expert=expert)
                   .select_related("group__round__program").order_by("-group__round__year", "-group__round_id", "group__stage"))
    return render(request, "review/office/expert_detail.html", {
        "expert": expert, "can_manage": can_manage, "forms": forms, "conflicts": conflicts,
        "employments": expert.employments.all(), "relationships": expert.relationships.all(),
        "training": expert.training_records.select_related("recorded_by"),
        "memberships": memberships,
        "availabilities": expert.availabilities.select_related("round__program"),
        "draws": expert.draws.select_related("draw__round"),
        "qualification_problem": experts.qualification_problem(expert),
        "section_labels": [SECTION_LABELS.get(c, c) for c in expert.expertise],
    })


@login_required
def expert_detail(request, pk):
    _read(request)
    return _expert_page(request, get_object_or_404(Expert, pk=pk))


def _expert_action(request, pk, name, form_class, run, success):
    """One office action on an expert: validate the form, run the service, report."""
    _manage(request)
    expert = get_object_or_404(Expert, pk=pk)
    form = form_class(request.POST, prefix=name) if form_class else None
    if form is None or form.is_valid():
        try:
            run(expert, form.cleaned_data if form else {})
        except (ExpertError, ConflictError) as exc:
            if form is None:
                messages.error(request, exc.message)
                return redirect("review-expert", pk=pk)
            form.add_error(None if "reason" not in form.fields else "reason", exc.message)
        else:
            messages.success(request, success)
            return redirect("review-expert", pk=pk)
    messages.error(request, _("Nothing was changed; see the form below."))
    expert.refresh_from_db()
    return _expert_page(request, expert, bound={name: form})


@login_required
@require_POST
def expert_approve(request, pk):
    return _expert_action(request, pk, "approve", None, lambda e, d: experts.expert_approve(
        expert_id=e.pk, actor=request.user, base_url=request.build_absolute_uri("/")),
        _("Approved: the expert is in the pool and was sent a link to set a password."))


@login_required
@require_POST
def expert_decline(request, pk):
    return _expert_action(request, pk, "decline", ReasonForm, lambda e, d: experts.expert_decline(
        expert_id=e.pk, actor=request.user, reason=d["reason"]), _("The application was declined."))


@login_required
@require_POST
def expert_suspend(request, pk):
    strike = request.POST.get("suspend-strike") in ("on", "1", "true")
    return _expert_action(request, pk, "suspend", SuspendForm, lambda e, d: experts.expert_suspend(
        expert_id=e.pk, actor=request.user, reason=d["reason"], strike=d["strike"]),
        _("The expert was struck from the pool.") if strike else _("The expert is suspended."))


@login_required
@require_POST
def expert_reinstate(request, pk):
    return _expert_action(request, pk, "reinstate", ReasonForm, lambda e, d: experts.expert_reinstate(
        expert_id=e.pk, actor=request.user, reason=d["reason"]), _("The expert is back in the pool."))


@login_required
@require_POST
def expert_settings(request, pk):
    return _expert_action(request, pk, "settings", SettingsForm, lambda e, d: experts.expert_settings_set(
        expert_id=e.pk, actor=request.user, expertise="".join(d["expertise"]), shared=d["shared"],
        can_lead=d["can_lead"]), _("The expert's settings were saved."))


@login_required
@require_POST
def expert_training(request, pk):
    return _expert_action(request, pk, "training", TrainingForm, lambda e, d: experts.training_record(
        expert_id=e.pk, actor=request.user, **d), _("The record was added."))


@login_required
@require_POST
def expert_conflict_set(request, pk):
    return _expert_action(request, pk, "conflict", ConflictForm, lambda e, d: conflict_set_by_office(
        expert_id=e.pk, organization_id=d["organization"].pk, reason=d["reason"], detail=d["detail"],
        actor=request.user), _("The conflict of interest was recorded; the expert left any group reviewing "
                               "that organisation."))


@login_required
@require_POST
def conflict_dismiss_view(request, pk):
    _manage(request)
    conflict = get_object_or_404(Conflict.objects.select_related("expert"), pk=pk)
    form = ReasonForm(request.POST, prefix=f"dismiss{pk}")
    if form.is_valid():
        try:
            conflict_dismiss(conflict_id=pk, actor=request.user, reason=form.cleaned_data["reason"])
        except ConflictError as exc:
            form.add_error("reason", exc.message)
        else:
            messages.success(request, _("The conflict was dismissed."))
            return redirect("review-expert", pk=conflict.expert_id)
    messages.error(request, _("Nothing was changed; see the form below."))
    return _expert_page(request, conflict.expert, dismiss_forms={pk: form})


# --- Draws ----------------------------------------------------------------------------------

def _round(pk) -> Round:
    return get_object_or_404(Round.objects.select_related("program"), pk=pk)


def _default_stage(rnd) -> str:
    from applications.enums import RoundPhase

    return Stage.SITE if rnd.phase in (RoundPhase.SITE_REVIEW,) else Stage.MATERIAL


def _freeze_form(rnd, stage):
    defaults = draws.default_constraints(rnd, stage)
    initial = {"stage": stage, "count": defaults["count"]}
    initial.update({f"min_{code}": n for code, n in defaults["per_section"].items()})
    return FreezeForm(initial=initial), defaults


def _draws_page(request, rnd, form=None, status=200):
    stage = request.GET.get("stage")
    if stage not in Stage.values:
        stage = _default_stage(rnd)
    can_manage = permissions.can_manage_pool(request.user)
    defaults = None
    if can_manage and form is None:
        form, defaults = _freeze_form(rnd, stage)
    draw_list = (ExpertDraw.objects.filter(round=rnd).select_related("frozen_by", "public_input_by", "replaces")
                 .order_by("-frozen_at"))
    return render(request, "review/office/draws.html", {
        "round": rnd, "draws": draw_list, "form": form if can_manage else None, "defaults": defaults,
        "stage": stage, "stages": Stage.choices, "can_manage": can_manage,
    }, status=status)


@login_required
def draw_list(request, round_pk):
    _read(request)
    return _draws_page(request, _round(round_pk))


@login_required
@require_POST
def draw_freeze(request, round_pk):
    _manage(request)
    rnd = _round(round_pk)
    form = FreezeForm(request.POST)
    if form.is_valid():
        try:
            draw = draws.draw_freeze(round_id=rnd.pk, stage=form.cleaned_data["stage"], actor=request.user,
                                     count=form.cleaned_data["count"], per_section=form.per_section())
        except DrawError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("The candidate list is frozen and its hash recorded. A supervisor now "
                                        "enters the number that seeds the draw."))
            return redirect("review-draw", pk=draw.pk)
    messages.error(request, _("Nothing was changed; see the form below."))
    return _draws_page(request, rnd, form=form)


def _draw_page(request, draw, number_form=None, replay=None, respond_forms=None):
    user = request.user
    can_manage = permissions.can_manage_pool(user)
    can_run = permissions.can_run_draw(user)
    drawn = list(draw.drawn.select_related("expert"))
    respond_forms = respond_forms or {}
    for row in drawn:
        row.respond_form = respond_forms.get(row.pk) or RespondForm(prefix=f"r{row.pk}")
        _labelled(row.expert)
    needing = draws.declined_needing_replacement(draw) if draw.status == ExpertDraw.Status.DRAWN else []
    names = dict(Expert.objects.filter(pk__in=[c[0] for c in draw.candidates]).values_list("pk", "name"))
    candidates = [{"id": c[0], "name": names.get(c[0], ""), "sections": _section_list(c[1]), "province": c[2],
                   "province_name": PROVINCES.get(c[2], "")}
                  for c in draw.candidates]
    replay_names = {}
    if replay:
        replay_names = dict(Expert.objects.filter(pk__in=replay["result"]).values_list("pk", "name"))
        replay["experts"] = [{"id": e, "name": replay_names.get(e, "")} for e in replay["result"]]
    per_section = [(code, SECTION_LABELS.get(code, code), n)
                   for code, n in sorted(draw.constraints.get("per_section", {}).items())]
    return render(request, "review/office/draw_detail.html", {
        "draw": draw, "round": draw.round, "drawn": drawn, "candidates": candidates, "per_section": per_section,
        "can_manage": can_manage, "can_run": can_run and draw.status == ExpertDraw.Status.FROZEN,
        "can_replay": can_manage or can_run,
        "number_form": number_form or DrawNumberForm(), "replay": replay, "needing": needing,
        "replacements": draw.replacement_draws.order_by("frozen_at"),
    })


def _draw(pk) -> ExpertDraw:
    return get_object_or_404(ExpertDraw.objects.select_related("round__program", "frozen_by", "public_input_by",
                                                               "replaces"), pk=pk)


@login_required
def draw_detail(request, pk):
    _read(request)
    return _draw_page(request, _draw(pk))


@login_required
@require_POST
def draw_run(request, pk):
    _require(permissions.can_run_draw(request.user))
    draw = _draw(pk)
    form = DrawNumberForm(request.POST)
    if form.is_valid():
        try:
            draws.draw_run(draw_id=draw.pk, public_input=form.cleaned_data["public_input"], actor=request.user)
        except DrawError as exc:
            form.add_error("public_input", exc.message)
        else:
            messages.success(request, _("The draw is made; the drawn experts are listed below."))
            return redirect("review-draw", pk=pk)
    messages.error(request, _("Nothing was changed; see the form below."))
    return _draw_page(request, draw, number_form=form)


@login_required
@require_POST
def draw_replay(request, pk):
    _require(permissions.can_manage_pool(request.user) or permissions.can_run_draw(request.user))
    draw = _draw(pk)
    return _draw_page(request, draw, replay=draws.draw_replay(draw))


@login_required
@require_POST
def drawn_respond(request, pk):
    _manage(request)
    row = get_object_or_404(DrawnExpert.objects.select_related("draw"), pk=pk)
    form = RespondForm(request.POST, prefix=f"r{pk}")
    if form.is_valid():
        try:
            draws.drawn_respond(drawn_id=pk, accept=form.cleaned_data["accept"], actor=request.user,
                                reason=form.cleaned_data["reason"])
        except DrawError as exc:
            form.add_error("reason" if exc.code == "reason" else None, exc.message)
        else:
            messages.success(request, _("The answer was recorded."))
            return redirect("review-draw", pk=row.draw_id)
    messages.error(request, _("Nothing was changed; see the form below."))
    return _draw_page(request, _draw(row.draw_id), respond_forms={pk: form})


@login_required
@require_POST
def draw_replace(request, pk):
    _manage(request)
    draw = _draw(pk)
    if draw.status != ExpertDraw.Status.DRAWN:
        messages.error(request, _("Replacements are drawn once the draw is made."))
        return redirect("review-draw", pk=pk)
    count, per_section = draws.replacement_constraints(draw)
    if count < 1:
        messages.error(request, _("No declined expert awaits a replacement."))
        return redirect("review-draw", pk=pk)
    try:
        new = draws.draw_freeze(round_id=draw.round_id, stage=draw.stage, actor=request.user, count=count,
                                per_section=per_section, replaces_id=draw.pk)
    except DrawError as exc:
        messages.error(request, exc.message)
        return redirect("review-draw", pk=pk)
    messages.success(request, _("The replacement draw's candidates are frozen; a supervisor enters its number."))
    return redirect("review-draw", pk=new.pk)


# --- Groups ---------------------------------------------------------------------------------

def _stage_or_404(stage) -> str:
    if stage not in Stage.values:
        raise Http404
    return stage


def _session_key(round_pk, stage) -> str:
    return f"review-proposal-{round_pk}-{stage}"


def _token(proposal: dict) -> str:
    return hashlib.sha256(json.dumps(proposal, sort_keys=True).encode()).hexdigest()[:16]


def _proposal_view(proposal: dict) -> dict:
    """The stored proposal with names, for the page."""
    expert_ids = {e for g in proposal["groups"] for e in g["members"]}
    app_ids = {a for g in proposal["groups"] for a in g["applications"]}
    names = {e.pk: _labelled(e) for e in Expert.objects.filter(pk__in=expert_ids)}
    apps = {a.pk: a for a in Application.objects.filter(pk__in=app_ids).select_related("organization")}
    reasons = {u["application"]: u for u in proposal.get("uncovered", [])}
    groups = []
    for number, g in enumerate(proposal["groups"], start=1):
        groups.append({
            "number": number,
            "members": [{"expert": names.get(e), "id": e, "leader": e == g.get("leader")} for e in g["members"]],
            "applications": [{"application": apps.get(a), "id": a, "uncovered": reasons.get(a)}
                             for a in g["applications"]],
        })
    uncovered = [{**u, "application_obj": apps.get(u["application"])} for u in proposal.get("uncovered", [])]
    return {**proposal, "groups": groups, "uncovered": uncovered, "token": _token(proposal)}


def _groups_page(request, rnd, stage, *, propose_form=None, add_forms=None, move_forms=None, status=200):
    can_manage = permissions.can_manage_pool(request.user)
    groups = list(ExpertGroup.objects.filter(round=rnd, stage=stage).order_by("number").prefetch_related(
        Prefetch("members", queryset=GroupMember.objects.select_related("expert").order_by("-is_leader",
                                                                                           "expert__name")),
        Prefetch("assignments", queryset=GroupApplication.objects.select_related("application__organization")
                 .order_by("application__organization__industry_section", "application_id"))))
    review = assignment.settings_for(rnd.program)
    attention = {g.pk for g in assignment.groups_needing_attention(rnd.pk) if g.stage == stage}
    panel = draws.panel_expert_ids(rnd.pk, stage)
    candidates = []
    if can_manage:
        eligible = experts.qualified_experts()
        if panel:
            eligible = eligible.filter(pk__in=panel)
        seated = GroupMember.objects.filter(group__round=rnd, group__stage=stage).values("expert_id")
        candidates = list(eligible.exclude(pk__in=seated).order_by("name")[:500])
    add_forms = add_forms or {}
    move_forms = move_forms or {}
    for g in groups:
        g.needs_attention = g.pk in attention
        g.has_leader = any(m.is_leader for m in g.members.all())
        for m in g.members.all():
            _labelled(m.expert)
        if can_manage:
            g.add_form = add_forms.get(g.pk)
            if g.add_form is None:
                g.add_form = AddMemberForm(prefix=f"add{g.pk}", experts=candidates)
            else:
                chosen = [e for e in Expert.objects.filter(pk=g.add_form.data.get(f"add{g.pk}-expert") or 0)
                          if e not in candidates]
                g.add_form.set_experts(chosen + candidates)
            for link in g.assignments.all():
                link.move_form = move_forms.get(link.application_id) or MoveApplicationForm(
                    auto_id=f"id_move{link.application_id}_%s", initial={"application": link.application_id},
                    groups=[o for o in groups if o.pk != g.pk])
        g.sections = sorted({link.application.organization.industry_section for link in g.assignments.all()
                             if link.application.organization.industry_section})
        g.member_sections = sorted({c for m in g.members.all() for c in m.expert.expertise})
        g.section_list = _section_list(g.sections)
        g.member_section_list = _section_list(g.member_sections)
    stored = request.session.get(_session_key(rnd.pk, stage)) if can_manage else None
    return render(request, "review/office/groups.html", {
        "round": rnd, "stage": stage, "stage_label": Stage(stage).label, "groups": groups, "review": review,
        "attention": [g for g in groups if g.needs_attention], "can_manage": can_manage,
        "panel_size": len(panel),
        "propose_form": propose_form or ProposeForm(initial={"source": ProposeForm.PANEL if panel
                                                             else ProposeForm.QUALIFIED}),
        "proposal": _proposal_view(stored) if stored else None,
        "unplaced": _unplaced(rnd, stage),
        "other_stage": Stage.SITE if stage == Stage.MATERIAL else Stage.MATERIAL,
        "other_stage_label": Stage(Stage.SITE if stage == Stage.MATERIAL else Stage.MATERIAL).label,
    }, status=status)


def _unplaced(rnd, stage):
    """The stage's applications in no group yet."""
    placed = GroupApplication.objects.filter(group__round=rnd, stage=stage).values("application_id")
    return list(draws.stage_applications(rnd.pk, stage).exclude(pk__in=placed).select_related("organization"))


@login_required
def groups(request, round_pk, stage):
    _read(request)
    return _groups_page(request, _round(round_pk), _stage_or_404(stage))


@login_required
@require_POST
def groups_propose(request, round_pk, stage):
    _manage(request)
    rnd, stage = _round(round_pk), _stage_or_404(stage)
    form = ProposeForm(request.POST)
    if not form.is_valid():
        return _groups_page(request, rnd, stage, propose_form=form)
    expert_ids = None
    if form.cleaned_data["source"] == ProposeForm.QUALIFIED:
        expert_ids = list(experts.qualified_experts().values_list("pk", flat=True))
    try:
        proposal = assignment.propose(rnd, stage, expert_ids=expert_ids)
    except assignment.AssignmentError as exc:
        messages.error(request, exc.message)
        return _groups_page(request, rnd, stage, propose_form=form)
    request.session[_session_key(rnd.pk, stage)] = proposal.as_dict()
    messages.success(request, _("A proposal was computed; check it below and apply it, or propose again."))
    return redirect("review-groups", round_pk=rnd.pk, stage=stage)


@login_required
@require_POST
def groups_apply(request, round_pk, stage):
    _manage(request)
    rnd, stage = _round(round_pk), _stage_or_404(stage)
    key = _session_key(rnd.pk, stage)
    proposal = request.session.get(key)
    if not proposal:
        messages.error(request, _("There is no proposal to apply; compute one first."))
        return redirect("review-groups", round_pk=rnd.pk, stage=stage)
    if request.POST.get("token") != _token(proposal):
        messages.error(request, _("The proposal changed since this page was shown (another tab?). Check the "
                                  "proposal below and apply again."))
        return redirect("review-groups", round_pk=rnd.pk, stage=stage)
    try:
        created = assignment.groups_apply(round_id=rnd.pk, stage=stage, proposal=proposal, actor=request.user)
    except assignment.AssignmentError as exc:
        messages.error(request, exc.message)
        return redirect("review-groups", round_pk=rnd.pk, stage=stage)
    del request.session[key]
    messages.success(request, _("%(n)s group(s) formed; their experts can read their applications once they "
                                "have signed the commitment letter.") % {"n": len(created)})
    return redirect("review-groups", round_pk=rnd.pk, stage=stage)


def _group(pk) -> ExpertGroup:
    return get_object_or_404(ExpertGroup.objects.select_related("round__program"), pk=pk)


def _group_done(request, group, text):
    messages.success(request, text)
    return redirect("review-groups", round_pk=group.round_id, stage=group.stage)


@login_required
@require_POST
def group_add_member(request, pk):
    _manage(request)
    group = _group(pk)
    posted = request.POST.get(f"add{pk}-expert", "")
    # Any expert may be posted: the service, not the list, explains a refusal.
    form = AddMemberForm(request.POST, prefix=f"add{pk}",
                         experts=Expert.objects.filter(pk=int(posted)) if posted.isdigit() else [])
    if form.is_valid():
        try:
            assignment.group_add_member(group_id=pk, expert_id=form.cleaned_data["expert"], actor=request.user,
                                        leader=form.cleaned_data["leader"])
        except assignment.AssignmentError as exc:
            form.add_error("expert", exc.message)
        else:
            return _group_done(request, group, _("The expert joined %(group)s.") % {"group": group})
    messages.error(request, _("Nothing was changed; see the form below."))
    return _groups_page(request, group.round, group.stage, add_forms={pk: form})


@login_required
@require_POST
def group_remove_member(request, pk, expert_pk):
    _manage(request)
    group = _group(pk)
    try:
        assignment.group_remove_member(group_id=pk, expert_id=expert_pk, actor=request.user,
                                       reason=request.POST.get("reason", "")[:500])
    except assignment.AssignmentError as exc:
        messages.error(request, exc.message)
        return redirect("review-groups", round_pk=group.round_id, stage=group.stage)
    return _group_done(request, group, _("The expert left %(group)s; their access is revoked.") % {"group": group})


@login_required
@require_POST
def group_set_leader(request, pk, expert_pk):
    _manage(request)
    group = _group(pk)
    try:
        assignment.group_set_leader(group_id=pk, expert_id=expert_pk, actor=request.user)
    except assignment.AssignmentError as exc:
        messages.error(request, exc.message)
        return redirect("review-groups", round_pk=group.round_id, stage=group.stage)
    return _group_done(request, group, _("%(group)s has a new leader.") % {"group": group})


@login_required
@require_POST
def group_move_application(request, round_pk, stage):
    _manage(request)
    rnd, stage = _round(round_pk), _stage_or_404(stage)
    app_id = request.POST.get("application", "")
    stage_groups = list(ExpertGroup.objects.filter(round=rnd, stage=stage))
    form = MoveApplicationForm(request.POST, auto_id=f"id_move{app_id if app_id.isdigit() else 0}_%s",
                               groups=stage_groups)
    if form.is_valid():
        try:
            assignment.group_move_application(application_id=form.cleaned_data["application"],
                                              group_id=form.cleaned_data["group"], actor=request.user)
        except (assignment.AssignmentError, Application.DoesNotExist) as exc:
            form.add_error("group", getattr(exc, "message", _("No such application.")))
        else:
            messages.success(request, _("The application was moved."))
            return redirect("review-groups", round_pk=rnd.pk, stage=stage)
    messages.error(request, _("Nothing was changed; see the form below."))
    move_forms = {int(app_id): form} if app_id.isdigit() else {}
    return _groups_page(request, rnd, stage, move_forms=move_forms)
