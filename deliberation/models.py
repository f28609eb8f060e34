"""The committee's deliberation: one meeting per round, its attendance and recusals, votes per tier
and the ballots, kept apart from the roll of who has voted.

Secret ballot (Hangzhou 三(三)6 无记名投票): `Ballot` has no foreign key to a user, no timestamp and
no sequential id (a random UUID), and its table is re-written in random order when the vote
closes; `VoterRoll` records who has voted, never what. docs/architecture.md, "Deliberation and
voting", states the design and its limits.
"""

import math
import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from applications.enums import VotingMethod
from applications.models import Application, Round, Tier


class Meeting(models.Model):
    """The committee's meeting on a round (Beijing 2020 art. 21 评审委员会审议; Hangzhou 三(三)6 评审组
    召开全体会议，听取市市场监管局和评审工作监督小组情况汇报; Anhui art. 19)."""

    round = models.OneToOneField(Round, on_delete=models.PROTECT, related_name="deliberation_meeting",
                                 verbose_name=_("round"))
    held_at = models.DateTimeField(_("date and time"))
    place = models.CharField(_("place"), max_length=200)
    # The measures name no quorum; two thirds of the members is the assumption (rules register).
    quorum_numerator = models.PositiveSmallIntegerField(_("quorum numerator"), default=2)
    quorum_denominator = models.PositiveSmallIntegerField(_("quorum denominator"), default=3)
    office_report = models.TextField(_("the office's report"), blank=True)
    supervision_report = models.TextField(_("the supervision group's report"), blank=True)
    minutes = models.TextField(_("minutes"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    #: SHA-256 of the minutes and every tally as signed; both signatures are over this digest.
    signed_digest = models.CharField(max_length=64, blank=True)
    chair_signed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                        related_name="+", verbose_name=_("signed by the chair"))
    chair_signed_at = models.DateTimeField(null=True, blank=True)
    supervisor_signed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True,
                                             blank=True, related_name="+", verbose_name=_("co-signed by the supervisor"))
    supervisor_signed_at = models.DateTimeField(null=True, blank=True)
    concluded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("deliberation meeting")
        verbose_name_plural = _("deliberation meetings")
        constraints = [
            models.CheckConstraint(condition=Q(quorum_denominator__gt=0) & Q(quorum_numerator__gt=0)
                                   & Q(quorum_numerator__lte=models.F("quorum_denominator")),
                                   name="meeting_quorum_fraction"),
        ]

    def __str__(self):
        return f"{self.round}: {timezone.localtime(self.held_at):%Y-%m-%d}"

    @property
    def signed(self) -> bool:
        return self.chair_signed_at is not None and self.supervisor_signed_at is not None

    @property
    def frozen(self) -> bool:
        """Once anyone signed, the record is what they signed: nothing changes any more."""
        return self.chair_signed_at is not None or self.supervisor_signed_at is not None

    def quorum_for(self, members: int) -> int:
        return math.ceil(members * self.quorum_numerator / self.quorum_denominator)


class MeetingMember(models.Model):
    """A committee member called to the meeting, whether present, and who chairs it."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                             verbose_name=_("member"))
    present = models.BooleanField(_("present"), default=False)
    is_chair = models.BooleanField(_("chair"), default=False)

    class Meta:
        ordering = ["-is_chair", "user__username"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "user"], name="meeting_member_unique"),
            models.UniqueConstraint(fields=["meeting"], condition=Q(is_chair=True), name="meeting_one_chair"),
        ]
        verbose_name = _("meeting member")
        verbose_name_plural = _("meeting members")

    def __str__(self):
        return str(self.user)


class Recusal(models.Model):
    """A member stands aside on one application (conflict of interest): no ballot line for it."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="recusals")
    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("member"))
    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("application"))
    reason = models.TextField(_("reason"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["meeting", "member", "application"], name="recusal_unique")]
        verbose_name = _("recusal")
        verbose_name_plural = _("recusals")

    def __str__(self):
        return f"{self.member} / {self.application_id}"


class Vote(models.Model):
    """One vote on one tier, by the tier's method; a runoff settles a tie of an earlier vote."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Prepared")
        OPEN = "open", _("Open for voting")
        CLOSED = "closed", _("Closed")

    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="votes")
    number = models.PositiveSmallIntegerField(_("number"))
    tier = models.ForeignKey(Tier, on_delete=models.PROTECT, related_name="+", verbose_name=_("tier"))
    method = models.CharField(_("voting method"), max_length=16, choices=VotingMethod.choices)
    #: The vote whose tie this runoff settles.
    runoff_of = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="runoffs")
    places = models.PositiveSmallIntegerField(_("places to fill"))
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.DRAFT)
    opened_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    #: Members present when the vote opened.
    electorate = models.PositiveSmallIntegerField(null=True, blank=True)
    #: SHA-256 over the sorted receipt hashes of the counted ballots (secret ballot), published.
    ballots_digest = models.CharField(max_length=64, blank=True)
    ballots_counted = models.PositiveSmallIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["meeting", "number"]
        constraints = [models.UniqueConstraint(fields=["meeting", "number"], name="vote_number_unique")]
        verbose_name = _("vote")
        verbose_name_plural = _("votes")

    def __str__(self):
        return f"{self.number}. {self.tier.name}"

    @property
    def secret(self) -> bool:
        return self.method == VotingMethod.SECRET_BALLOT


class Candidate(models.Model):
    """An application on a vote's list, with its score when the list was made, its tally and outcome."""

    class Outcome(models.TextChoices):
        PENDING = "pending", _("Not counted yet")
        ELECTED = "elected", _("Carried")
        NOT_ELECTED = "not_elected", _("Not carried")
        TIED = "tied", _("Tied: to be resolved")

    class Resolution(models.TextChoices):
        NONE = "", _("—")
        RUNOFF = "runoff", _("Further vote")
        DECISION = "decision", _("Recorded decision of the committee")

    vote = models.ForeignKey(Vote, on_delete=models.PROTECT, related_name="candidates")
    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="+")
    position = models.PositiveSmallIntegerField()
    final_score = models.DecimalField(_("final score"), max_digits=7, decimal_places=2, null=True, blank=True)
    yes = models.PositiveSmallIntegerField(_("in favour"), null=True, blank=True)
    no = models.PositiveSmallIntegerField(_("against"), null=True, blank=True)
    abstain = models.PositiveSmallIntegerField(_("abstentions"), null=True, blank=True)
    recused = models.PositiveSmallIntegerField(_("recused"), default=0)
    outcome = models.CharField(_("outcome"), max_length=16, choices=Outcome.choices, default=Outcome.PENDING)
    resolution = models.CharField(_("tie resolved by"), max_length=16, choices=Resolution.choices, blank=True)
    resolution_reason = models.TextField(_("reason for the decision"), blank=True)

    class Meta:
        ordering = ["vote", "position"]
        constraints = [models.UniqueConstraint(fields=["vote", "application"], name="candidate_unique")]
        verbose_name = _("candidate")
        verbose_name_plural = _("candidates")

    def __str__(self):
        return f"{self.vote}: {self.application_id}"


class VoterRoll(models.Model):
    """Who may vote in a secret ballot and whether they have: never what, never when."""

    vote = models.ForeignKey(Vote, on_delete=models.PROTECT, related_name="roll")
    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    has_voted = models.BooleanField(default=False)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["vote", "member"], name="voter_roll_unique")]
        verbose_name = _("voter roll entry")
        verbose_name_plural = _("voter roll")

    def __str__(self):
        return f"{self.vote}: {self.member}"


class Ballot(models.Model):
    """One anonymous ballot: no voter, no time, no sequence. `receipt_hash` is SHA-256 of the vote
    and the receipt code shown once to the voter; `choices` maps candidate id → yes/no/abstain
    (a recused member's line is stored as an abstention so that every ballot has the same shape)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    vote = models.ForeignKey(Vote, on_delete=models.PROTECT, related_name="ballots")
    receipt_hash = models.CharField(max_length=64, unique=True)
    choices = models.JSONField()

    class Meta:
        verbose_name = _("ballot")
        verbose_name_plural = _("ballots")

    def __str__(self):
        return str(self.receipt_hash[:12])
