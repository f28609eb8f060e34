"""The awards app's PDFs (WeasyPrint with the Noto CJK fonts): the commendation decision, the
certificates and the letter to the China Quality Award. They are Chinese documents, rendered from
the records (nothing is stored but the records), so the same record always prints the same text."""

from django.template.loader import render_to_string
from django.utils import timezone, translation

from .certificates import qr_data_uri, verify_url
from .decisions import winners_by_tier


def _pdf(template, context) -> bytes:
    from weasyprint import HTML

    with translation.override("zh-hans"):
        html = render_to_string(template, {**context, "generated_at": timezone.localtime()})
    return HTML(string=html).write_pdf()


def decision_pdf(decision) -> bytes:
    return _pdf("awards/pdf/decision.html", {"decision": decision, "round": decision.round,
                                             "groups": winners_by_tier(decision)})


def certificates_pdf(certificates) -> bytes:
    """One page per certificate (one certificate, or a whole round's)."""
    pages = [{"certificate": c, "qr": qr_data_uri(c), "url": verify_url(c)} for c in certificates]
    return _pdf("awards/pdf/certificate.html", {"pages": pages})


def cqa_letter_pdf(recommendation) -> bytes:
    applications = recommendation.applications.select_related("organization", "tier").order_by("tier__rank", "number")
    return _pdf("awards/pdf/cqa_letter.html", {"letter": recommendation, "round": recommendation.round,
                                               "applications": applications})
