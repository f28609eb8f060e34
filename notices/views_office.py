"""The office's pages: publish a round's notice, follow objections with their countdown, record findings."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from applications.models import Round
from award_portal.audit import audit_record

from . import selectors
from .forms import FindingForm, PublishForm
from .models import Objection, ObjectionEvidence
from .objections import objection_decide
from .permissions import can_manage_notices, can_read_objections
from .publication import notice_publish, publishable_stages


@login_required
def office(request):
    if not can_read_objections(request.user):
        raise PermissionDenied
    rounds = list(selectors.rounds_with_notice_work())
    manage = can_manage_notices(request.user)
    for rnd in rounds:
        stages = publishable_stages(rnd) if manage else []
        rnd.publish_form = PublishForm(stages=stages, prefix=f"r{rnd.pk}") if stages else None
    return render(request, "notices/office.html", {
        "rounds": rounds, "can_manage": manage,
        "objections": selectors.with_countdown(selectors.objections_for_office()[:200])})


@login_required
@require_POST
def publish(request, pk):
    if not can_manage_notices(request.user):
        raise PermissionDenied
    rnd = get_object_or_404(Round, pk=pk)
    form = PublishForm(request.POST, stages=publishable_stages(rnd), prefix=f"r{rnd.pk}")
    if form.is_valid():
        data = form.cleaned_data
        try:
            notice = notice_publish(round_id=rnd.pk, stage=data["stage"], actor=request.user,
                                    starts_on=data["starts_on"], note_zh=data["note_zh"], note_en=data["note_en"])
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The notice is published: %(start)s to %(end)s.") % {
                "start": notice.starts_on, "end": notice.ends_on})
            return redirect("notices-detail", pk=notice.pk)
    rnd.publish_form = form
    return render(request, "notices/office.html", {
        "rounds": [rnd], "can_manage": True, "objections": []}, status=400)


@login_required
def objection_review(request, pk):
    if not can_read_objections(request.user):
        raise PermissionDenied
    objection = get_object_or_404(Objection.objects.select_related("notice__round__program", "entry__application",
                                                                   "decided_by"), pk=pk)
    manage = can_manage_notices(request.user)
    form = FindingForm(request.POST or None) if manage and objection.is_pending else None
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        if form.is_valid():
            try:
                objection_decide(objection_id=objection.pk, actor=request.user,
                                 upheld=form.cleaned_data["finding"] == "upheld", reasons=form.cleaned_data["reasons"])
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("The finding is recorded and published."))
                return redirect("notices-objection-review", pk=objection.pk)
    [objection] = selectors.with_countdown([objection])
    return render(request, "notices/objection_review.html", {
        "objection": objection, "form": form, "evidence": objection.evidence.all()})


@login_required
def evidence_download(request, pk, evidence_pk):
    if not can_read_objections(request.user):
        raise PermissionDenied
    evidence = get_object_or_404(ObjectionEvidence, pk=evidence_pk, objection_id=pk)
    audit_record(action="notices.evidence_downloaded", obj=evidence.objection, actor=request.user,
                 after={"evidence": evidence.pk, "name": evidence.name})
    response = FileResponse(evidence.file.open("rb"), as_attachment=True, filename=evidence.name,
                            content_type=evidence.content_type)
    response["Cache-Control"] = "no-store"
    return response
