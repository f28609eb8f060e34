"""A round is one edition of a program, moving through its phases in order."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from ..enums import PHASE_ORDER, Cycle, RoundPhase
from .programs import AwardProgram, BilingualName


class Round(BilingualName):
    program = models.ForeignKey(AwardProgram, on_delete=models.PROTECT, related_name="rounds")
    edition = models.PositiveSmallIntegerField(_("edition"), help_text=_("e.g. 2 for 第二届"))
    year = models.PositiveSmallIntegerField(_("year"))
    phase = models.CharField(_("phase"), max_length=32, choices=RoundPhase.choices, default=RoundPhase.SETUP,
                             editable=False)
    applications_open_on = models.DateField(_("applications open on"), null=True, blank=True)
    application_deadline = models.DateTimeField(_("application deadline"))
    recommendation_deadline = models.DateField(_("recommendation deadline"), null=True, blank=True)
    eligibility_deadline = models.DateField(_("eligibility review ends"), null=True, blank=True)
    material_review_deadline = models.DateField(_("material review ends"), null=True, blank=True)
    site_review_deadline = models.DateField(_("site review ends"), null=True, blank=True)
    deliberation_on = models.DateField(_("deliberation meeting"), null=True, blank=True)
    award_ceremony_on = models.DateField(_("award ceremony"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-year", "program"]
        constraints = [models.UniqueConstraint(fields=["program", "edition"], name="round_edition_unique")]
        verbose_name = _("round")
        verbose_name_plural = _("rounds")

    def clean(self):
        if self.applications_open_on and self.application_deadline:
            if self.application_deadline.date() < self.applications_open_on:
                raise ValidationError({"application_deadline": _("The deadline lies before the opening day.")})
        problem = self.cycle_problem()
        if problem:
            raise ValidationError({"year": problem})

    def cycle_problem(self) -> str | None:
        """Why this round breaks its program's cycle, or None.

        Biennial programs (Beijing art. 4 "每两年评选一届") hold rounds at least two years apart;
        annual ones (Anhui art. 4 "每年评审1次") and programs run in approved years (Hangzhou 三(一))
        at most one round a year. Later editions come in later years.
        """
        if not self.program_id or not self.year:
            return None
        others = Round.objects.filter(program_id=self.program_id).exclude(pk=self.pk)
        gap = 2 if self.program.cycle == Cycle.BIENNIAL else 1
        clash = others.filter(year__gt=self.year - gap, year__lt=self.year + gap).order_by("year").first()
        if clash is not None:
            if gap == 2:
                return _("%(program)s is held every two years: edition %(edition)s is in %(year)s, so no other "
                         "round may be held between %(first)s and %(last)s.") % {
                    "program": self.program.name, "edition": clash.edition, "year": clash.year,
                    "first": clash.year - 1, "last": clash.year + 1}
            return _("%(program)s holds one round a year: edition %(edition)s is already in %(year)s.") % {
                "program": self.program.name, "edition": clash.edition, "year": clash.year}
        if self.edition is not None:
            disorder = others.filter(
                models.Q(edition__lt=self.edition, year__gt=self.year)
                | models.Q(edition__gt=self.edition, year__lt=self.year)).order_by("edition").first()
            if disorder is not None:
                return _("Edition %(edition)s is in %(year)s: editions must follow the years in order.") % {
                    "edition": disorder.edition, "year": disorder.year}
        return None

    @property
    def next_phase(self):
        index = PHASE_ORDER.index(RoundPhase(self.phase))
        return PHASE_ORDER[index + 1] if index + 1 < len(PHASE_ORDER) else None

    def get_next_phase_label(self):
        nxt = self.next_phase
        return RoundPhase(nxt).label if nxt else ""

    def deadlines(self):
        """(label, date) pairs for the dashboard, in pipeline order."""
        fields = ["applications_open_on", "application_deadline", "recommendation_deadline",
                  "eligibility_deadline", "material_review_deadline", "site_review_deadline",
                  "deliberation_on", "award_ceremony_on"]
        return [(self._meta.get_field(f).verbose_name, getattr(self, f)) for f in fields if getattr(self, f)]


class PhaseChange(models.Model):
    """History of a round's phases (who opened or closed what, when)."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="phase_changes")
    from_phase = models.CharField(max_length=32, choices=RoundPhase.choices)
    to_phase = models.CharField(max_length=32, choices=RoundPhase.choices)
    actor = models.ForeignKey("award_portal.User", on_delete=models.PROTECT, null=True, related_name="+")
    note = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]


    def __str__(self):
        return f"{self.round}: {self.from_phase} → {self.to_phase}"
