"""The deliberation app's audit codes, named in the reader's language (registered in `apps.py`).
No code names a ballot: `deliberation.voted` says who voted in which vote, never how."""

from django.utils.translation import gettext_lazy as _

ACTION_LABELS = {
    "deliberation.meeting_saved": _("Prepared the committee's meeting"),
    "deliberation.attendance_recorded": _("Recorded the members present"),
    "deliberation.recusal_recorded": _("Recorded a member's recusal"),
    "deliberation.recusal_withdrawn": _("Withdrew a recusal recorded by mistake"),
    "deliberation.vote_created": _("Prepared a vote"),
    "deliberation.vote_deleted": _("Deleted a prepared vote"),
    "deliberation.vote_opened": _("Opened a vote"),
    "deliberation.voted": _("Voted (secret ballot)"),
    "deliberation.vote_closed": _("Closed and counted a vote"),
    "deliberation.runoff_created": _("Prepared a further vote on a tie"),
    "deliberation.tie_decided": _("Recorded the committee's decision on a tie"),
    "deliberation.signed": _("Signed the minutes and tally"),
    "deliberation.concluded": _("Carried out the committee's decision in the pipeline"),
}
