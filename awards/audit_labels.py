"""The awards app's audit codes, named in the reader's language (registered in `apps.py`)."""

from django.utils.translation import gettext_lazy as _

ACTION_LABELS = {
    "awards.approval_recorded": _("Recorded the government's approval of the winners"),
    "awards.approval_scan_downloaded": _("Downloaded the scan of the government's approval"),
    "awards.decision_published": _("Published a commendation decision"),
    "awards.awards_conferred": _("Conferred the awards and issued the certificates"),
    "awards.certificate_downloaded": _("Downloaded a certificate"),
    "awards.cqa_recommended": _("Recommended winners to the China Quality Award"),
    "awards.honour_recorded": _("Recorded an external honour"),
    "awards.payment_approved": _("Approved a prize or grant"),
    "awards.payment_paid": _("Recorded a payment as paid"),
    "awards.payment_recovered": _("Recovered a payment"),
}
