"""The deliberation's guards on the pipeline's `propose` (registered from apps.py): the floor and
the vote are rules of the transition table, not habits of the office."""

from django.utils.translation import gettext as _

from .models import Candidate, Vote
from .voting import floor_problem


def score_floor_met(application, **_kw):
    """Anhui art. 11: a winner scores at least the program's floor (600 of 1000)."""
    return floor_problem(application)



def carried_by_signed_vote(application, tier=None, **_kw):
    """A closed vote of the round's meeting, signed by its chair and a supervisor, carried the
    application into this tier (Beijing art. 21 评审委员会审议确定; Hangzhou 三(三)6 投票表决)."""
    if tier is None:
        return None  # the table's own tier check speaks
    carried = Candidate.objects.filter(
        application=application, outcome=Candidate.Outcome.ELECTED, vote__tier=tier,
        vote__status=Vote.Status.CLOSED, vote__meeting__round_id=application.round_id,
        vote__meeting__chair_signed_at__isnull=False, vote__meeting__supervisor_signed_at__isnull=False).exists()
    if not carried:
        return _("No signed vote of the award committee carried %(organization)s into %(tier)s.") % {
            "organization": application.organization.name, "tier": tier.name}
    return None
