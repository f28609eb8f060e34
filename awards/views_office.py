"""The office's pages at a round's end: the overview, the government's approval, the commendation
decision, the conferral, the certificates and the recommendation to the China Quality Award.

Readers: the office and supervisors (`permissions.can_read_awards`); writers: the office
(`can_manage_awards`). Each POST calls one service; a refusal re-renders the page with what was
typed and the reason.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from applications.enums import ApplicationState
from applications.models import Application, Round
from award_portal.audit import audit_record

from . import approval as approval_services
from . import cqa, decisions, pdf, permissions, selectors
from .errors import AwardsError
from .forms import ApprovalForm, ConferForm, CqaForm, DecisionForm
from .models import Certificate, CommendationDecision, CqaRecommendation


def download(data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _reader(request):
    if not permissions.can_read_awards(request.user):
        raise PermissionDenied


def _manager(request):
    if not permissions.can_manage_awards(request.user):
        raise PermissionDenied


@login_required
def home(request):
    _reader(request)
    return render(request, "awards/home.html", {"rounds": selectors.rounds_at_their_end(),
                                                "can_manage": permissions.can_manage_awards(request.user)})


def _candidates(rnd):
    return list(Application.objects.filter(round=rnd, state=ApplicationState.IN_PUBLIC_NOTICE)
                .select_related("organization", "tier").order_by("tier__rank", "number"))


def _winners(rnd):
    return list(Application.objects.filter(round=rnd, state=ApplicationState.AWARDED)
                .select_related("organization", "tier").order_by("tier__rank", "number"))


def _round_page(request, rnd, *, status=200, **forms):
    approval = getattr(rnd, "award_approval", None)
    decision = getattr(rnd, "commendation_decision", None)
    manage = permissions.can_manage_awards(request.user)
    today = timezone.localdate()
    context = {"round": rnd, "approval": approval, "decision": decision, "can_manage": manage,
               "entries": list(approval.entries.select_related("application__organization", "tier"))
               if approval else [],
               "groups": decisions.winners_by_tier(decision) if decision else [],
               "recommendations": list(CqaRecommendation.objects.filter(round=rnd).prefetch_related(
                   "applications__organization")),
               "certificate_count": Certificate.objects.filter(decision__round=rnd).count()}
    if manage and approval is None:
        candidates = _candidates(rnd)
        context["approval_form"] = forms.get("approval_form") or ApprovalForm(
            candidates=candidates, initial={"approving_body": rnd.program.issuing_government, "approved_on": today,
                                            "applications": [a.pk for a in candidates]})
    if manage and approval is not None and decision is None:
        context["decision_form"] = forms.get("decision_form") or DecisionForm(initial={
            "issued_on": today, "issuer": rnd.program.issuing_government, "title": decisions.default_title(rnd),
            "preamble": decisions.default_preamble(rnd)})
    if manage and decision is not None and approval.conferred_at is None:
        context["confer_form"] = forms.get("confer_form") or ConferForm(
            initial={"conferred_on": rnd.award_ceremony_on or today})
    if manage and approval is not None and approval.conferred_at is not None:
        winners = _winners(rnd)
        if winners:
            top = min(w.tier.rank for w in winners)
            context["cqa_form"] = forms.get("cqa_form") or CqaForm(winners=winners, initial={
                "sent_on": today, "addressee": cqa.DEFAULT_ADDRESSEE, "sender": rnd.program.issuing_government,
                "body": cqa.default_body(rnd), "applications": [w.pk for w in winners if w.tier.rank == top]})
    return render(request, "awards/round.html", context, status=status)


def _round(pk):
    return get_object_or_404(Round.objects.select_related("program", "award_approval", "commendation_decision"),
                             pk=pk)


@login_required
def round_detail(request, pk):
    _reader(request)
    return _round_page(request, _round(pk))


@login_required
@require_POST
def approval_record(request, pk):
    _manager(request)
    rnd = _round(pk)
    form = ApprovalForm(request.POST, request.FILES, candidates=_candidates(rnd))
    if not form.is_valid():
        return _round_page(request, rnd, status=400, approval_form=form)
    data = form.cleaned_data
    try:
        approval_services.approval_record(
            round_id=rnd.pk, actor=request.user, approving_body=data["approving_body"],
            approved_on=data["approved_on"], document_number=data["document_number"],
            application_ids=data["applications"], scan=data["scan"], note=data["note"])
    except AwardsError as exc:
        messages.error(request, exc.message)
        return _round_page(request, _round(pk), status=409 if exc.code != "input" else 400, approval_form=form)
    messages.success(request, _("The government's approval is recorded."))
    return redirect("awards-round", pk=rnd.pk)


@login_required
@require_POST
def decision_publish(request, pk):
    _manager(request)
    rnd = _round(pk)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        return _round_page(request, rnd, status=400, decision_form=form)
    try:
        decisions.decision_publish(round_id=rnd.pk, actor=request.user, **form.cleaned_data)
    except AwardsError as exc:
        messages.error(request, exc.message)
        return _round_page(request, _round(pk), status=409 if exc.code != "input" else 400, decision_form=form)
    messages.success(request, _("The commendation decision is published."))
    return redirect("awards-round", pk=rnd.pk)


@login_required
@require_POST
def confer(request, pk):
    _manager(request)
    rnd = _round(pk)
    form = ConferForm(request.POST)
    if not form.is_valid():
        return _round_page(request, rnd, status=400, confer_form=form)
    try:
        certificates = approval_services.award_confer(round_id=rnd.pk, actor=request.user,
                                                      conferred_on=form.cleaned_data["conferred_on"])
    except AwardsError as exc:
        messages.error(request, exc.message)
        return _round_page(request, _round(pk), status=409 if exc.code != "input" else 400, confer_form=form)
    messages.success(request, _("The awards are conferred; %(n)s certificates issued.") % {"n": len(certificates)})
    return redirect("awards-certificates", pk=rnd.pk)


@login_required
@require_POST
def cqa_record(request, pk):
    _manager(request)
    rnd = _round(pk)
    form = CqaForm(request.POST, winners=_winners(rnd))
    if not form.is_valid():
        return _round_page(request, rnd, status=400, cqa_form=form)
    data = form.cleaned_data
    try:
        cqa.cqa_recommend(round_id=rnd.pk, actor=request.user, document_number=data["document_number"],
                          sent_on=data["sent_on"], addressee=data["addressee"], sender=data["sender"],
                          body=data["body"], application_ids=data["applications"])
    except AwardsError as exc:
        messages.error(request, exc.message)
        return _round_page(request, _round(pk), status=409 if exc.code != "input" else 400, cqa_form=form)
    messages.success(request, _("The recommendation to the China Quality Award is recorded."))
    return redirect("awards-round", pk=rnd.pk)


@login_required
def approval_scan(request, pk):
    _reader(request)
    rnd = _round(pk)
    approval = getattr(rnd, "award_approval", None)
    if approval is None or not approval.scan:
        raise Http404
    audit_record(action="awards.approval_scan_downloaded", obj=approval, actor=request.user)
    return FileResponse(approval.scan.open("rb"), as_attachment=True, filename=approval.scan_name or "approval")


@login_required
def certificates(request, pk):
    _reader(request)
    rnd = _round(pk)
    rows = list(selectors.certificates_of(rnd))
    return render(request, "awards/certificates.html", {"round": rnd, "certificates": rows})


@login_required
def certificates_pdf(request, pk):
    _reader(request)
    rnd = _round(pk)
    rows = list(selectors.certificates_of(rnd).select_related("decision__round__program"))
    if not rows:
        raise Http404
    data = pdf.certificates_pdf(rows)
    audit_record(action="awards.certificate_downloaded", obj=rnd, actor=request.user,
                 after={"certificates": [c.number for c in rows]})
    return download(data, f"certificates-{rnd.program.code}-{rnd.year}.pdf")


@login_required
def certificate_pdf(request, pk):
    certificate = get_object_or_404(Certificate.objects.select_related(
        "application__organization", "tier", "decision__round__program"), pk=pk)
    if not permissions.can_download_certificate(request.user, certificate):
        raise Http404
    data = pdf.certificates_pdf([certificate])
    audit_record(action="awards.certificate_downloaded", obj=certificate, actor=request.user,
                 after={"certificates": [certificate.number]})
    return download(data, f"certificate-{certificate.number}.pdf")


def decision_pdf(request, pk):
    """Public: a published decision is a public document (anyone may check it and its trail head)."""
    decision = get_object_or_404(CommendationDecision.objects.select_related("round__program", "approval"), pk=pk)
    return download(pdf.decision_pdf(decision), f"decision-{decision.round.program.code}-{decision.round.year}.pdf")


@login_required
def cqa_pdf(request, pk):
    _reader(request)
    recommendation = get_object_or_404(CqaRecommendation.objects.select_related("round__program"), pk=pk)
    return download(pdf.cqa_letter_pdf(recommendation), f"cqa-recommendation-{recommendation.pk}.pdf")
