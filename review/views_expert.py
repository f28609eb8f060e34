"""The pages of experts and of the public: joining the pool, the expert's home (invitations,
rounds, commitment letters, availability, conflicts, assigned applications), the reviewer's
reading page and the watermarked downloads.

An expert reaches an application only through `access.can_review` / `reviewable_applications`
(404 otherwise, never revealing that it exists); every view and download is in the audit trail,
and every page and file carries the expert's name and the time.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from applications import pdf as application_pdf
from applications import read_views
from applications.models import Application, Attachment
from award_portal.audit import audit_record
from award_portal.middleware import client_ip

from . import access, selectors
from .conflicts import ConflictError, conflict_declare
from .draws import DrawError, drawn_respond
from .experts import (
    COMMITMENT_EN,
    COMMITMENT_ZH,
    ExpertError,
    availability_set,
    commitment_sign,
    expert_apply,
    has_signed,
)
from .forms_expert import AvailabilityForm, CommitmentForm, ConflictForm, ExpertApplyForm
from .models import DrawnExpert, Expert
from .permissions import expert_profile
from .watermark import is_pdf, watermark_pdf, watermark_text

# ------------------------------------------------------------------ public

def join(request):
    """The public form to apply to the expert pool."""
    form = ExpertApplyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            expert_apply(name=data["name"], name_en=data["name_en"], email=data["email"], phone=data["phone"],
                         title=data["title"], expertise="".join(data["expertise"]), region_code=data["region_code"],
                         qualifications=data["qualifications"], employer=data["employer"],
                         employer_credit_code=data["employer_credit_code"], employed_since=data["employed_since"])
        except ExpertError as exc:
            form.add_error(None, exc.message)
        else:
            return redirect("review-join-thanks")
    return render(request, "review/expert/join.html", {"form": form})


def join_thanks(request):
    return render(request, "review/expert/join_thanks.html")


# ------------------------------------------------------------------ the expert's own pages

def _expert_or_404(request) -> Expert:
    expert = expert_profile(request.user)
    if expert is None:
        raise Http404
    return expert


def _round_or_404(expert, round_id):
    rnd = selectors.round_of_expert(expert, round_id)
    if rnd is None:
        raise Http404
    return rnd


@login_required
def expert_home(request):
    expert = _expert_or_404(request)
    active = expert.status == Expert.Status.ACTIVE
    return render(request, "review/expert/home.html", {
        "expert": expert, "active": active,
        "invitations": selectors.pending_invitations(expert) if active else [],
        "rounds": selectors.rounds_overview(expert) if active else [],
        "reviewable": access.reviewable_applications(request.user).order_by("round_id", "number"),
        "awaiting": (access.assigned_awaiting_commitment(request.user).select_related("round", "organization")
                     .order_by("round_id", "number")),
        "availability_form": AvailabilityForm(),
    })


@login_required
@require_POST
def draw_respond(request, pk):
    expert = _expert_or_404(request)
    row = get_object_or_404(DrawnExpert, pk=pk, expert=expert)
    accept = request.POST.get("answer") == "accept"
    try:
        drawn_respond(drawn_id=row.pk, accept=accept, actor=request.user, reason=request.POST.get("reason", ""))
    except DrawError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Thank you: your answer is recorded.") if accept
                         else _("You declined the invitation; the office will draw a replacement."))
    return redirect("review-expert-home")


@login_required
def commitment(request, pk):
    expert = _expert_or_404(request)
    rnd = _round_or_404(expert, pk)
    signed = has_signed(expert, rnd.pk)
    form = CommitmentForm(request.POST or None)
    if request.method == "POST" and not signed:
        if form.is_valid():
            commitment_sign(expert=expert, round_id=rnd.pk, ip=client_ip(request))
            messages.success(request, _("You have signed the reviewer commitment letter."))
            return redirect("review-expert-home")
    return render(request, "review/expert/commitment.html", {
        "round": rnd, "form": form, "signed": signed, "text_zh": COMMITMENT_ZH,
        "text_en": COMMITMENT_EN if translation.get_language() and not translation.get_language().startswith("zh")
        else "",
        "signature": expert.commitments.filter(round=rnd).first(),
    })


@login_required
@require_POST
def availability(request, pk):
    expert = _expert_or_404(request)
    rnd = _round_or_404(expert, pk)
    form = AvailabilityForm(request.POST)
    if form.is_valid():
        availability_set(expert=expert, round_id=rnd.pk, available=form.cleaned_data["available"],
                         note=form.cleaned_data["note"])
        messages.success(request, _("Your availability is recorded."))
    else:
        messages.error(request, _("Say whether you are available."))
    return redirect("review-expert-home")


@login_required
def conflicts(request, pk):
    expert = _expert_or_404(request)
    rnd = _round_or_404(expert, pk)
    organizations = list(selectors.conflict_organizations(rnd.pk))
    form = ConflictForm(request.POST or None, organizations=organizations)
    if request.method == "POST" and form.is_valid():
        try:
            conflict_declare(expert=expert, organization_id=form.cleaned_data["organization"],
                             detail=form.cleaned_data["detail"], actor=request.user)
        except ConflictError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("The conflict is recorded; you no longer see that organisation's "
                                        "application, and the office has been told."))
            return redirect("review-expert-home")
    declared = expert.conflicts.filter(organization__in=organizations, dismissed_at__isnull=True) \
        .select_related("organization")
    return render(request, "review/expert/conflicts.html", {"round": rnd, "form": form, "declared": declared})


# ------------------------------------------------------------------ reading and downloads

def _reviewable_or_404(request, pk) -> Application:
    application = access.reviewable_applications(request.user).filter(pk=pk).first()
    if application is None:
        raise Http404
    return application


def _reader_name(request) -> str:
    expert = expert_profile(request.user)
    return expert.name if expert is not None else request.user.get_username()


@login_required
def application_read(request, pk):
    application = _reviewable_or_404(request, pk)
    audit_record(action="review.application_viewed", obj=application, actor=request.user)
    context = read_views.reading_context(
        application, show_contact=False,
        attachment_url=lambda a: reverse("review-attachment-download", args=[application.pk, a.pk]))
    context.update(watermark=watermark_text(_reader_name(request), timezone.localtime()), watermark_cells=range(24))
    return render(request, "review/expert/application_read.html", context)


def _download(data: bytes, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = _disposition(filename)
    response["Cache-Control"] = "no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _disposition(filename: str) -> str:
    from django.utils.http import content_disposition_header

    return content_disposition_header(True, filename)


@login_required
def application_pdf_download(request, pk):
    application = _reviewable_or_404(request, pk)
    text = watermark_text(_reader_name(request))
    data = watermark_pdf(application_pdf.application_pdf_bytes(application, actor=request.user), text)
    audit_record(action="review.pdf_downloaded", obj=application, actor=request.user,
                 after={"bytes": len(data), "watermark": text})
    return _download(data, f"{application.number}.pdf", "application/pdf")


@login_required
def attachment_download(request, pk, attachment_pk):
    application = _reviewable_or_404(request, pk)
    attachment = get_object_or_404(Attachment, pk=attachment_pk, application=application)
    with attachment.file.open("rb") as handle:
        data = handle.read()
    text = watermark_text(_reader_name(request))
    watermarked = False
    if is_pdf(data):
        try:
            data = watermark_pdf(data, text)
            watermarked = True
        except Exception:  # a PDF pypdf cannot rewrite is not handed out unmarked
            raise Http404 from None
    audit_record(action="review.attachment_downloaded", obj=application, actor=request.user,
                 after={"attachment": attachment.pk, "name": attachment.original_name,
                        "watermark": text if watermarked else ""})
    content_type = "application/pdf" if watermarked else (attachment.content_type or "application/octet-stream")
    return _download(data, attachment.original_name, content_type)
