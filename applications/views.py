from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from award_portal.audit import audit_events_for
from award_portal.roles import Role, is_office
from award_portal.workdays import calendar_warnings

from . import permissions, phase_guards, rules_register, selectors, services, workflow
from .enums import EDITABLE_STATES, Action, ApplicationState
from .models import AwardProgram, Tier


def programs(request):
    """Public: the awards run on this portal, with tiers, quotas, notices and rules."""
    items = AwardProgram.objects.prefetch_related("tiers", "notice_stages", "eligibility_rules").select_related(
        "criteria")
    return render(request, "applications/program_list.html", {"programs": items})


def program_register(request, code):
    """Public: every article of the program's measures and what the portal does about it."""
    program = get_object_or_404(
        AwardProgram.objects.select_related("criteria").prefetch_related("tiers", "notice_stages", "recommenders"),
        code=code)
    return render(request, "applications/program_register.html", {"register": rules_register.program_register(program)})


@login_required
def round_list(request):
    if not permissions.can_view_round_dashboard(request.user):
        raise PermissionDenied
    return render(request, "applications/round_list.html", {"rounds": selectors.rounds_visible_to(request.user)})


def office_runs(transition, program) -> bool:
    """The office takes this transition itself in `program` (its recommender's part only where the
    program has no recommending authorities)."""
    if Role.OFFICE not in transition.roles:
        return False
    return not (transition.office_when_no_recommender and program.requires_recommendation)


@login_required
def round_dashboard(request, pk):
    if not permissions.can_view_round_dashboard(request.user):
        raise PermissionDenied
    rnd = get_object_or_404(selectors.rounds_visible_to(request.user), pk=pk)
    applications = selectors.applications_visible_to(request.user).filter(round=rnd)
    state = request.GET.get("state")
    if state not in ApplicationState.values:  # an unknown or damaged filter shows every state
        state = None
    if state:
        applications = applications.filter(state=state)
    counts = {row["state"]: row["n"] for row in rnd.applications.values("state").annotate(n=Count("id"))}
    # Only what the office itself runs: the applicant's and the recommender's steps are theirs.
    phase_actions = [{"transition": t, "count": sum(counts.get(st, 0) for st in t.sources),
                      "bulk": not (t.needs_reason or t.needs_tier or t.owner),
                      "page": workflow.OWNER_PAGES[t.action](rnd) if t.owner and t.action in workflow.OWNER_PAGES
                      else None}
                     for t in workflow.transitions_in_phase(rnd.phase) if office_runs(t, rnd.program)]
    return render(request, "applications/round_dashboard.html", {
        "round": rnd, "funnel": selectors.round_funnel(rnd), "applications": applications[:500],
        "phase_actions": [a for a in phase_actions if a["count"]],
        "blockers": phase_guards.round_phase_blockers(rnd),
        "calendar_warnings": calendar_warnings(rnd.award_ceremony_on or rnd.deliberation_on or rnd.site_review_deadline),
        "can_enter_calendar": is_office(request.user),
        "state_filter": state, "can_manage": permissions.can_manage_round(request.user),
        "phase_changes": rnd.phase_changes.select_related("actor"),
    })


@login_required
@require_POST
def round_advance(request, pk):
    try:
        rnd = services.round_advance_phase(round_id=pk, actor=request.user, to_phase=request.POST.get("to_phase"),
                                           note=request.POST.get("note", "").replace("\x00", ""))
        messages.success(request, _("The round is now in phase “%(phase)s”.") % {"phase": rnd.get_phase_display()})
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("round-dashboard", pk=pk)


@login_required
@require_POST
def round_bulk(request, pk):
    """One transition for every application of the round that is in its source states."""
    if not permissions.can_manage_round(request.user):
        raise PermissionDenied
    action = request.POST.get("action", "")
    if action not in workflow.TRANSITIONS:
        messages.error(request, _("Unknown action."))
        return redirect("round-dashboard", pk=pk)
    try:
        result = services.round_bulk_transition(round_id=pk, action=action, actor=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("round-dashboard", pk=pk)
    messages.success(request, _("%(action)s: done for %(n)s application(s).") % {
        "action": workflow.TRANSITIONS[action].staff_label, "n": result["done"]})
    for number, reason in result["refused"][:20]:
        messages.warning(request, f"{number}: {reason}")
    return redirect("round-dashboard", pk=pk)


@login_required
def application_list(request):
    awaiting = request.GET.get("awaiting") == "recommendation"
    if awaiting:
        applications = selectors.applications_awaiting_recommendation(request.user)
    else:
        applications = selectors.applications_visible_to(request.user).order_by("-created_at")
    return render(request, "applications/application_list.html", {
        "applications": applications[:500], "awaiting_recommendation": awaiting})


#: Steps the page asks to confirm (static/js/confirm.js): nothing undoes them.
IRREVERSIBLE_ACTIONS = frozenset({Action.AWARD, Action.REVOKE, Action.DISQUALIFY, Action.APPROVE,
                                  Action.MARK_INELIGIBLE})


class TransitionForm(forms.Form):
    action = forms.CharField()
    reason = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))
    tier = forms.ModelChoiceField(queryset=Tier.objects.all(), required=False)
    expected_state = forms.CharField(required=False)


@login_required
def application_detail(request, pk):
    application = get_object_or_404(selectors.applications_visible_to(request.user), pk=pk)
    changes = application.state_changes.select_related("actor", "tier")
    # Only what the round's current phase allows (other guards explain themselves on use).
    available = [t for t in workflow.available_actions(application, request.user)
                 if phase_guards.phase_allows(t, application)]
    # Owned transitions (submission, endorsement, return) have their own forms; the rest are buttons.
    show_rules = permissions.can_view_rule_results(request.user, application)
    return render(request, "applications/application_detail.html", {
        "application": application,
        "changes": changes,
        "actions": [t for t in available if not t.owner],
        "irreversible": IRREVERSIBLE_ACTIONS,
        "can_recommend": any(t.action == Action.RECOMMEND for t in available),
        "can_edit": application.state in EDITABLE_STATES and permissions.is_member(request.user, application),
        "is_office": is_office(request.user),
        "can_decide_rules": permissions.can_decide_rule_results(request.user, application),
        "attachments": application.attachments.all(),
        "recommendations": application.recommendations.select_related("recommender", "decided_by", "form"),
        "tiers": application.round.program.tiers.all(),
        "rule_results": application.rule_results.select_related("rule", "decided_by") if show_rules else [],
        "audit_events": audit_events_for(application).order_by("id")[:200],
        "panels": selectors.detail_panels(application, request.user),
    })


@login_required
@require_POST
def application_transition(request, pk):
    """The one HTML endpoint for every transition; the table decides what is allowed."""
    application = get_object_or_404(selectors.applications_visible_to(request.user), pk=pk)
    form = TransitionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("The request was incomplete."))
        return redirect("application-detail", pk=pk)
    data = form.cleaned_data
    try:
        workflow.application_transition(application_id=application.pk, action=data["action"], actor=request.user,
                                        reason=data["reason"], tier=data["tier"],
                                        expected_state=data["expected_state"] or None)
        messages.success(request, _("Done: %(action)s.") % {"action": workflow.TRANSITIONS[data["action"]].staff_label})
    except workflow.TransitionError as exc:
        messages.error(request, exc.message)
    return redirect("application-detail", pk=pk)
