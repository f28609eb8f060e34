"""The public certificate check (no login, Chinese and English): a code leads to the certificate's
organisation, tier, round and date, or says it was revoked. Lookups are limited per client."""

from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from award_portal.middleware import client_ip

from . import certificates
from .forms import VerifyForm


def verify(request):
    """The form: type the code printed under the QR code."""
    form = VerifyForm(request.GET or None)
    if form.is_bound and form.is_valid():
        code = certificates.normalize_code(form.cleaned_data["code"])
        if code:
            return redirect("awards-certificate-verify", code=code)
    return render(request, "awards/verify.html", {"form": form or VerifyForm()})


def certificate_verify(request, code):
    if not certificates.lookup_allowed(client_ip(request) or "unknown"):
        return render(request, "awards/verify_result.html", {
            "limited": True, "message": _("Too many checks from your address. Please try again in a few minutes.")},
            status=429)
    certificate = certificates.certificate_lookup(code)
    if certificate is None:
        return render(request, "awards/verify_result.html", {"verdict": certificates.Verdict.UNKNOWN, "code": code},
                      status=404)
    return render(request, "awards/verify_result.html", {
        "verdict": certificates.certificate_status(certificate), "certificate": certificate,
        "round": certificate.decision.round, "code": code})
