"""The office's pages (supervisors read them): campaigns with their dashboard, tracked
organisations, courses with enrolment and attendance, cultivation grants. Writes go through the
services; a refused or invalid write re-renders the page with what was typed and a 400/409."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from applications.models import AwardProgram, Organization

from . import campaigns as campaign_services
from . import courses as course_services
from . import grants as grant_services
from . import permissions, selectors
from .errors import CultivationError
from .models import Campaign, Course, Enrolment, Method, TrackedOrganization

STATUS = {"input": 400, "role": 403, "not_found": 404}


def _status(exc: CultivationError) -> int:
    return STATUS.get(exc.code, 409)


def _require_reader(user):
    if not permissions.can_read_cultivation(user):
        raise PermissionDenied


def _require_manager(user):
    if not permissions.can_manage_cultivation(user):
        raise PermissionDenied


def _home(request, *, status=200, typed_campaign=None, typed_course=None):
    _require_reader(request.user)
    return render(request, "cultivation/home.html", {
        "campaigns": list(selectors.campaigns()), "courses": list(selectors.courses()[:50]),
        "programs": list(AwardProgram.objects.order_by("code")), "kinds": Course.Kind.choices,
        "can_manage": permissions.can_manage_cultivation(request.user),
        "typed_campaign": typed_campaign or {}, "typed_course": typed_course or {},
    }, status=status)


@login_required
def home(request):
    return _home(request)


@login_required
@require_POST
def campaign_create(request):
    _require_manager(request.user)
    p = request.POST
    try:
        campaign = campaign_services.campaign_create(
            actor=request.user, program_id=p.get("program") or None, name_zh=p.get("name_zh", ""),
            name_en=p.get("name_en", ""), starts_on=p.get("starts_on"), ends_on=p.get("ends_on"),
            target_cultivated=p.get("target_cultivated"), target_adopting=p.get("target_adopting"),
            is_public=bool(p.get("is_public")))
    except CultivationError as exc:
        messages.error(request, exc.message)
        return _home(request, status=_status(exc), typed_campaign=p.dict())
    messages.success(request, _("Campaign created: %(name)s.") % {"name": campaign.name})
    return redirect("cultivation-campaign", campaign.pk)


def _campaign(request, pk, *, status=200, typed=None):
    _require_reader(request.user)
    campaign = get_object_or_404(Campaign.objects.select_related("program"), pk=pk)
    figures = selectors.campaign_progress(campaign)
    page = Paginator(selectors.tracked_with_stage(campaign), 50).get_page(request.GET.get("page"))
    for tracked in page:
        tracked.stage = selectors.stage_of(tracked)
    return render(request, "cultivation/campaign.html", {
        "campaign": campaign, "figures": figures, "chart": selectors.chart_data(campaign, figures), "page": page,
        "can_manage": permissions.can_manage_cultivation(request.user), "typed": typed or {},
        "today": timezone.localdate(),
    }, status=status)


@login_required
def campaign(request, pk):
    return _campaign(request, pk)


@login_required
@require_POST
def track(request, pk):
    _require_manager(request.user)
    p = request.POST
    try:
        tracked = campaign_services.organization_track(
            campaign_id=pk, actor=request.user, credit_code=p.get("credit_code", ""),
            tracked_since=p.get("tracked_since") or None, cultivated=bool(p.get("cultivated")), note=p.get("note", ""))
    except CultivationError as exc:
        if exc.code == "not_found":
            raise
        messages.error(request, exc.message)
        return _campaign(request, pk, status=_status(exc), typed=p.dict())
    messages.success(request, _("Now tracking %(org)s.") % {"org": tracked.organization.name})
    return redirect("cultivation-campaign", pk)


def _tracked(request, pk, *, status=200, typed=None):
    tracked = get_object_or_404(TrackedOrganization.objects.select_related("campaign", "organization"), pk=pk)
    if not permissions.can_view_tracked(request.user, tracked):
        raise PermissionDenied
    staged = selectors.tracked_with_stage(tracked.campaign).get(pk=tracked.pk)
    return render(request, "cultivation/tracked.html", {
        "tracked": tracked, "stage": selectors.stage_of(staged),
        "methods": list(tracked.methods.select_related("recorded_by")), "method_choices": Method.choices,
        "applications": list(tracked.organization.applications.select_related("round").filter(
            submitted_at__isnull=False).order_by("-submitted_at")),
        "can_manage": permissions.can_manage_cultivation(request.user),
        "can_record": permissions.can_record_method(request.user, tracked), "typed": typed or {},
        "today": timezone.localdate(),
    }, status=status)


@login_required
def tracked_detail(request, pk):
    return _tracked(request, pk)


@login_required
@require_POST
def cultivate(request, pk):
    _require_manager(request.user)
    try:
        campaign_services.tracked_cultivate(tracked_id=pk, actor=request.user,
                                            cultivated_on=request.POST.get("cultivated_on") or None)
    except CultivationError as exc:
        if exc.code == "not_found":
            raise
        messages.error(request, exc.message)
        return _tracked(request, pk, status=_status(exc))
    messages.success(request, _("Marked as cultivated to apply."))
    return redirect("cultivation-tracked", pk)


@login_required
@require_POST
def method_add(request, pk):
    tracked = get_object_or_404(TrackedOrganization, pk=pk)
    if not permissions.can_record_method(request.user, tracked):
        raise PermissionDenied
    try:
        campaign_services.method_adopt(tracked_id=pk, actor=request.user, method=request.POST.get("method", ""),
                                       adopted_on=request.POST.get("adopted_on"))
    except CultivationError as exc:
        messages.error(request, exc.message)
        return _tracked(request, pk, status=_status(exc), typed=request.POST.dict())
    messages.success(request, _("Method recorded."))
    return redirect("cultivation-tracked", pk)


@login_required
@require_POST
def course_create(request):
    _require_manager(request.user)
    p = request.POST
    try:
        course = course_services.course_create(
            actor=request.user, kind=p.get("kind", ""), topic=p.get("topic", ""), held_on=p.get("held_on"),
            place=p.get("place", ""), trainer=p.get("trainer", ""), capacity=p.get("capacity"),
            campaign_id=p.get("campaign") or None, host_credit_code=p.get("host", ""))
    except CultivationError as exc:
        messages.error(request, exc.message)
        return _home(request, status=_status(exc), typed_course=p.dict())
    messages.success(request, _("Course created: %(topic)s.") % {"topic": course.topic})
    return redirect("cultivation-course", course.pk)


def _course(request, pk, *, status=200, typed=None):
    _require_reader(request.user)
    course = get_object_or_404(Course.objects.select_related("campaign", "host"), pk=pk)
    return render(request, "cultivation/course.html", {
        "course": course, "enrolments": list(course.enrolments.select_related("organization")),
        "attendance_choices": [(Enrolment.Attendance.ATTENDED, Enrolment.Attendance.ATTENDED.label),
                               (Enrolment.Attendance.ABSENT, Enrolment.Attendance.ABSENT.label)],
        "can_manage": permissions.can_manage_cultivation(request.user),
        "held": course.held_on <= timezone.localdate(), "typed": typed or {},
    }, status=status)


@login_required
def course_detail(request, pk):
    return _course(request, pk)


@login_required
@require_POST
def enrol(request, pk):
    """The office enrols anyone (by credit code); a member enrols its own organisation's people
    (from its own page)."""
    course = get_object_or_404(Course, pk=pk)
    user, p = request.user, request.POST
    manager = permissions.can_manage_cultivation(user)
    if not manager and not permissions.has_own_cultivation(user):
        raise PermissionDenied
    if manager and p.get("credit_code"):
        org = Organization.objects.filter(credit_code=p["credit_code"].strip().upper()).first()
        org_id = org.pk if org else None
    else:
        try:
            org_id = int(p.get("organization") or 0) or None
        except ValueError:
            org_id = None
    try:
        if org_id is None:
            raise CultivationError(_("Choose the organisation."), "input")
        enrolment = course_services.enrol(course_id=course.pk, organization_id=org_id, person=p.get("person", ""),
                                          actor=user)
    except CultivationError as exc:
        messages.error(request, exc.message)
        if manager:
            return _course(request, pk, status=_status(exc), typed=p.dict())
        from .views_member import render_mine

        return render_mine(request, status=_status(exc), typed=p.dict())
    messages.success(request, _("Enrolled: %(person)s.") % {"person": enrolment.person})
    return redirect("cultivation-course", pk) if manager else redirect("cultivation-mine")


@login_required
@require_POST
def attendance(request, pk):
    _require_manager(request.user)
    get_object_or_404(Course, pk=pk)
    marks = {key.removeprefix("attendance-"): value for key, value in request.POST.items()
             if key.startswith("attendance-") and value}
    try:
        if not marks:
            raise CultivationError(_("Mark each participant as attended or absent."), "input")
        n = course_services.attendance_record(course_id=pk, actor=request.user, attendance=marks)
    except CultivationError as exc:
        messages.error(request, exc.message)
        return _course(request, pk, status=_status(exc))
    messages.success(request, _("Attendance recorded (%(n)s changed).") % {"n": n})
    return redirect("cultivation-course", pk)


def _grants(request, *, status=200, typed=None):
    _require_reader(request.user)
    return render(request, "cultivation/grants.html", {
        "grants": list(grant_services.grants()[:100]), "programs": list(grant_services.programs_with_grant()),
        "can_manage": permissions.can_manage_cultivation(request.user), "typed": typed or {},
        "year": timezone.localdate().year,
    }, status=status)


@login_required
def grants(request):
    return _grants(request)


@login_required
@require_POST
def grant(request):
    _require_manager(request.user)
    p = request.POST
    try:
        org = Organization.objects.filter(credit_code=(p.get("credit_code") or "").strip().upper()).first()
        if org is None:
            raise CultivationError(_("No organisation is registered with this credit code."), "input")
        try:
            year = int(p.get("year") or 0)
        except ValueError:
            year = 0
        payment = grant_services.cultivation_grant(
            program_id=p.get("program") or None, organization_id=org.pk, year=year, actor=request.user,
            amount=p.get("amount") or None, approved_on=p.get("approved_on") or None,
            reference=p.get("reference", ""), note=p.get("note", ""))
    except CultivationError as exc:
        messages.error(request, exc.message)
        return _grants(request, status=_status(exc), typed=p.dict())
    messages.success(request, _("Grant approved: %(amount)s yuan to %(org)s.") % {
        "amount": payment.amount, "org": payment.organization.name})
    return redirect("cultivation-grants")
