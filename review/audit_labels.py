"""The review app's audit codes, named in the reader's language (registered in `apps.py`)."""

from django.utils.translation import gettext_lazy as _

ACTION_LABELS = {
    "review.expert_applied": _("Applied to join the expert pool"),
    "review.expert_invited": _("Invited an expert to the pool"),
    "review.expert_approved": _("Approved an expert into the pool"),
    "review.expert_declined": _("Declined an application to the expert pool"),
    "review.expert_suspended": _("Suspended an expert"),
    "review.expert_struck": _("Struck an expert from the pool"),
    "review.expert_reinstated": _("Reinstated an expert"),
    "review.expert_settings": _("Changed an expert's record"),
    "review.training_recorded": _("Recorded training or an examination"),
    "review.availability_set": _("Gave availability for a round"),
    "review.commitment_signed": _("Signed the reviewer commitment letter"),
    "review.conflict_declared": _("Declared a conflict of interest"),
    "review.conflict_set": _("Set a conflict of interest"),
    "review.conflict_dismissed": _("Dismissed a conflict of interest"),
    "review.conflicts_derived": _("Derived conflicts of interest from the records"),
    "review.draw_frozen": _("Froze the candidates of an expert draw"),
    "review.draw_made": _("Made an expert draw"),
    "review.draw_answered": _("Answered an invitation from a draw"),
    "review.groups_applied": _("Formed the expert groups"),
    "review.member_added": _("Added an expert to a group"),
    "review.member_removed": _("Took an expert out of a group"),
    "review.leader_set": _("Named a group leader"),
    "review.application_moved": _("Moved an application to another group"),
    "review.application_viewed": _("Read an application as a reviewer"),
    "review.pdf_downloaded": _("Downloaded an application PDF as a reviewer"),
    "review.attachment_downloaded": _("Downloaded an attachment as a reviewer"),
}
