"""An organisation's application to one round, its history and its eligibility results."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from award_portal.i18n import localized
from award_portal.roles import Role

from ..enums import Action, ApplicationState, RuleOutcome
from .organizations import Organization
from .programs import EligibilityRule, Recommender, Tier
from .rounds import Round


class Application(models.Model):
    round = models.ForeignKey(Round, on_delete=models.PROTECT, related_name="applications")
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="applications")
    number = models.CharField(_("application number"), max_length=32, unique=True)
    # Written only by applications.workflow.application_transition.
    state = models.CharField(_("state"), max_length=32, choices=ApplicationState.choices,
                             default=ApplicationState.DRAFT, editable=False, db_index=True)
    tier_applied = models.ForeignKey(Tier, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                     verbose_name=_("tier applied for"))
    tier = models.ForeignKey(Tier, on_delete=models.PROTECT, null=True, blank=True, related_name="applications",
                             verbose_name=_("tier proposed or awarded"), editable=False)
    recommender = models.ForeignKey(Recommender, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="applications", verbose_name=_("recommending authority"))
    declarations = models.JSONField(_("eligibility declarations"), default=dict, blank=True)
    draft_data = models.JSONField(_("form as typed"), default=dict, blank=True, editable=False,
                                  help_text="Raw values per step, saved as typed, so nothing entered is lost.")
    snapshot = models.JSONField(_("organisation data at submission"), default=dict, blank=True, editable=False)
    feedback = models.TextField(_("feedback to the applicant"), blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True, editable=False)
    state_changed_at = models.DateTimeField(_("state changed at"), null=True, blank=True, editable=False)
    version = models.PositiveIntegerField(default=1, editable=False,
                                          help_text="Optimistic lock for draft editing in several tabs.")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["round", "number"]
        constraints = [
            models.UniqueConstraint(fields=["round", "organization"], name="one_application_per_round"),
        ]
        verbose_name = _("application")
        verbose_name_plural = _("applications")

    def __str__(self):
        return f"{self.number} {self.organization.name}"


class StateChange(models.Model):
    """One transition of an application: the timeline. Written by the transition service only."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="state_changes")
    action = models.CharField(max_length=32, choices=Action.choices)
    from_state = models.CharField(max_length=32, choices=ApplicationState.choices)
    to_state = models.CharField(max_length=32, choices=ApplicationState.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    role = models.CharField(max_length=32, blank=True)
    reason = models.TextField(blank=True)
    tier = models.ForeignKey(Tier, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("state change")
        verbose_name_plural = _("state changes")

    def __str__(self):
        return f"{self.application_id}: {self.from_state} → {self.to_state}"

    @property
    def role_label(self):
        return Role(self.role).label if self.role in Role.values else self.role


class RuleResult(models.Model):
    """The outcome of one eligibility rule for one application, and the office's decision on it."""

    class Decision(models.TextChoices):
        PENDING = "", _("Not decided")
        CONFIRMED = "confirmed", _("Confirmed: the condition is not met")
        OVERRIDDEN = "overridden", _("Overridden: the condition is met")

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="rule_results")
    rule = models.ForeignKey(EligibilityRule, on_delete=models.PROTECT, related_name="results")
    outcome = models.CharField(_("outcome"), max_length=16, choices=RuleOutcome.choices)
    reason = models.TextField(_("reason"))
    reason_en = models.TextField(_("reason (English)"), blank=True)
    evaluated_at = models.DateTimeField(auto_now=True)
    decision = models.CharField(_("office decision"), max_length=16, choices=Decision.choices, blank=True,
                                default=Decision.PENDING)
    decision_reason = models.TextField(_("reason for the decision"), blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["application", "rule__order", "rule_id"]
        constraints = [models.UniqueConstraint(fields=["application", "rule"], name="rule_result_unique")]
        verbose_name = _("eligibility result")
        verbose_name_plural = _("eligibility results")


    def __str__(self):
        return f"{self.rule}: {self.outcome}"
    @property
    def reason_text(self) -> str:
        """The reason in the reader's language (both are written when the rule is evaluated)."""
        return localized(self.reason, self.reason_en)

    @property
    def effective_outcome(self):
        """The outcome after the office's decision on a failing or doubtful result."""
        if self.decision == self.Decision.OVERRIDDEN:
            return RuleOutcome.PASS
        if self.decision == self.Decision.CONFIRMED:
            return RuleOutcome.FAIL
        return self.outcome
