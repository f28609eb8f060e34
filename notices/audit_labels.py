"""The notices app's audit codes, named in the reader's language (registered in `apps.py`)."""

from django.utils.translation import gettext_lazy as _

ACTION_LABELS = {
    "notices.notice_published": _("Published a public notice"),
    "notices.objection_received": _("Received an objection to a public notice"),
    "notices.objection_decided": _("Recorded and published the verification of an objection"),
    "notices.evidence_downloaded": _("Downloaded an objection's evidence file"),
}
