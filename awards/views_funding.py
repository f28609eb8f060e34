"""The funding ledger (payments with their status, entitlements awaiting a decision), external
honours, and the applicant's own certificates and payments."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from applications.models import AwardProgram

from . import funding, permissions, selectors
from .errors import AwardsError
from .forms import HonourForm, PaymentApproveForm, PaymentStatusForm


def _ledger(request, *, status=200, typed=None):
    if not permissions.can_read_awards(request.user):
        raise PermissionDenied
    programs = list(AwardProgram.objects.order_by("code"))
    program = next((p for p in programs if p.code == request.GET.get("program")), None)
    pending = selectors.pending_entitlements(program)
    for ent in pending:
        key = f"a{ent.application.pk}" if ent.application else f"h{ent.honour.pk}"
        ent.key = key
        ent.typed = (typed or {}).get(key)
    return render(request, "awards/funding.html", {
        "programs": programs, "program": program, "payments": list(selectors.payments_ledger(program)),
        "pending": pending, "can_manage": permissions.can_manage_awards(request.user),
        "rates": list(funding.IncentiveRate.objects.select_related("program", "tier").filter(
            **({"program": program} if program else {}))),
    }, status=status)


@login_required
def ledger(request):
    return _ledger(request)


@login_required
@require_POST
def payment_approve(request):
    if not permissions.can_manage_awards(request.user):
        raise PermissionDenied
    form = PaymentApproveForm(request.POST)
    key = f"a{request.POST.get('application')}" if request.POST.get("application") else f"h{request.POST.get('honour')}"
    typed = {key: {"amount": request.POST.get("amount", ""), "note": request.POST.get("note", "")}}
    if not form.is_valid():
        messages.error(request, _("Check the amount and the date."))
        return _ledger(request, status=400, typed=typed)
    data = form.cleaned_data
    try:
        payment = funding.payment_approve(program_id=data["program"], actor=request.user,
                                          application_id=data["application"], honour_id=data["honour"],
                                          amount=data["amount"], approved_on=data["approved_on"], note=data["note"])
    except AwardsError as exc:
        messages.error(request, exc.message)
        return _ledger(request, status=409 if exc.code not in ("input",) else 400, typed=typed)
    messages.success(request, _("Approved: %(amount)s yuan to %(org)s.") % {
        "amount": payment.amount, "org": payment.organization.name})
    return redirect("awards-funding")


@login_required
@require_POST
def payment_status(request, pk):
    if not permissions.can_manage_awards(request.user):
        raise PermissionDenied
    form = PaymentStatusForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose the new status and give a valid date."))
        return _ledger(request, status=400)
    data = form.cleaned_data
    try:
        if data["status"] == "paid":
            funding.payment_mark_paid(payment_id=pk, actor=request.user, paid_on=data["on"],
                                      reference=data["reference"])
        else:
            funding.payment_recover(payment_id=pk, actor=request.user, recovered_on=data["on"], reason=data["reason"])
    except AwardsError as exc:
        messages.error(request, exc.message)
        return _ledger(request, status=400 if exc.code == "input" else 409)
    messages.success(request, _("The payment's status is recorded."))
    return redirect("awards-funding")


@login_required
def honours(request):
    if not permissions.can_read_awards(request.user):
        raise PermissionDenied
    manage = permissions.can_manage_awards(request.user)
    form = HonourForm(request.POST or None) if manage else None
    status = 200
    if request.method == "POST":
        if not manage:
            raise PermissionDenied
        if form.is_valid():
            data = form.cleaned_data
            try:
                funding.honour_record(organization_id=form.organization.pk, kind=data["kind"], year=data["year"],
                                      reference=data["reference"], actor=request.user)
            except AwardsError as exc:
                messages.error(request, exc.message)
                status = 400
            else:
                messages.success(request, _("The honour is recorded."))
                return redirect("awards-honours")
        else:
            status = 400
    return render(request, "awards/honours.html", {"honours": list(selectors.honours_list()), "form": form,
                                                   "can_manage": manage}, status=status)


@login_required
def mine(request):
    """The applicant's certificates (to download) and payments."""
    if not permissions.has_own_awards(request.user):
        raise PermissionDenied
    return render(request, "awards/mine.html", {"certificates": list(selectors.certificates_of_user(request.user)),
                                                "payments": list(selectors.payments_of_user(request.user))})
