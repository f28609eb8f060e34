"""Forms of the monitoring pages: they parse what was typed; the services decide."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from applications.models import AwardProgram

from .models import Incident, Revocation

DATE = forms.DateInput(attrs={"type": "date"})


class RunForm(forms.Form):
    program = forms.ModelChoiceField(AwardProgram.objects.filter(revocation_window_years__isnull=False),
                                     label=_("Program"))


class ExplainForm(forms.Form):
    explanation = forms.CharField(label=_("Written explanation"), widget=forms.Textarea(attrs={"rows": 6}),
                                  max_length=20000)


class SelfReportForm(forms.Form):
    occurred_on = forms.DateField(label=_("Date of the incident"), widget=DATE)
    title = forms.CharField(label=_("Summary"), max_length=300)
    description = forms.CharField(label=_("What happened, its consequences and what you did"),
                                  widget=forms.Textarea(attrs={"rows": 6}), max_length=20000)


class RecordIncidentForm(SelfReportForm):
    kind = forms.ChoiceField(label=_("Kind"), choices=Incident.Kind.choices)
    description = forms.CharField(label=_("Description"), widget=forms.Textarea(attrs={"rows": 4}),
                                  max_length=20000, required=False)


class CloseForm(forms.Form):
    finding = forms.ChoiceField(label=_("Finding"), choices=Incident.Finding.choices)
    text = forms.CharField(label=_("The office's finding"), widget=forms.Textarea(attrs={"rows": 4}),
                           max_length=20000)


class ProposeForm(forms.Form):
    ground = forms.ChoiceField(label=_("Ground"), choices=Revocation.Ground.choices)
    event_on = forms.DateField(label=_("Date of the accident or of the fraud's discovery"), widget=DATE,
                               required=False)
    proposal = forms.CharField(label=_("Proposal and reasons"), widget=forms.Textarea(attrs={"rows": 5}),
                               max_length=20000)


class CommitteeForm(forms.Form):
    agreed = forms.TypedChoiceField(label=_("Decision"), coerce=lambda v: v == "yes",
                                    choices=[("yes", _("Agreed to revoke")), ("no", _("Rejected"))])
    decided_on = forms.DateField(label=_("Decided on"), widget=DATE, initial=timezone.localdate)
    decision = forms.CharField(label=_("The committee's decision"), widget=forms.Textarea(attrs={"rows": 4}),
                               max_length=20000)


class ApproveForm(forms.Form):
    approving_body = forms.CharField(label=_("Approving government"), max_length=100)
    approval_number = forms.CharField(label=_("Document number of the approval"), max_length=64, required=False)
    approved_on = forms.DateField(label=_("Approved on"), widget=DATE)
    announcement = forms.CharField(label=_("Public announcement"), widget=forms.Textarea(attrs={"rows": 6}),
                                   max_length=20000)


class ReturnsForm(forms.Form):
    plaque_returned_on = forms.DateField(label=_("Plaque returned on"), widget=DATE, required=False)
    certificate_returned_on = forms.DateField(label=_("Certificate returned on"), widget=DATE, required=False)


class ReportForm(forms.Form):
    text = forms.CharField(label=_("Self-evaluation report"), widget=forms.Textarea(attrs={"rows": 12}),
                           max_length=100000)


class SpotCheckForm(forms.Form):
    program = forms.ModelChoiceField(AwardProgram.objects.filter(self_evaluation_interval_years__isnull=False),
                                     label=_("Program"))
    year = forms.IntegerField(label=_("Reports due in"), min_value=1990, max_value=2100)
    size = forms.IntegerField(label=_("Sample size"), min_value=1, max_value=1000)
    public_input = forms.CharField(label=_("Public input of the draw"), max_length=200)
