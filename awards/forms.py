"""Forms of the awards pages. They only parse and validate what was typed; the services decide."""

from django import forms
from django.utils.translation import gettext_lazy as _

from applications.models import Organization

from .models import HonourKind

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ApprovalForm(forms.Form):
    approving_body = forms.CharField(label=_("Approving body"), max_length=100)
    approved_on = forms.DateField(label=_("Approved on"), widget=DATE)
    document_number = forms.CharField(label=_("Document number of the approval"), max_length=64, required=False)
    applications = forms.TypedMultipleChoiceField(label=_("Approved list"), coerce=int,
                                                  widget=forms.CheckboxSelectMultiple)
    scan = forms.FileField(label=_("Scan of the approval (optional)"), required=False)
    note = forms.CharField(label=_("Note"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, candidates=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["applications"].choices = [
            (a.pk, f"{a.tier.name if a.tier_id else '—'} · {a.number} {a.organization.name}") for a in candidates]


class DecisionForm(forms.Form):
    document_number = forms.CharField(label=_("Document number (文号)"), max_length=64,
                                      help_text=_("e.g. 京政发〔2016〕45号"))
    issued_on = forms.DateField(label=_("Issued on"), widget=DATE)
    issuer = forms.CharField(label=_("Issuing government"), max_length=100)
    title = forms.CharField(label=_("Title"), max_length=200)
    preamble = forms.CharField(label=_("Text before the list of winners"), max_length=5000,
                               widget=forms.Textarea(attrs={"rows": 6}))


class ConferForm(forms.Form):
    conferred_on = forms.DateField(label=_("Conferred on"), widget=DATE,
                                   help_text=_("The day of the ceremony, printed on the certificates."))


class CqaForm(forms.Form):
    document_number = forms.CharField(label=_("Document number of the letter"), max_length=64)
    sent_on = forms.DateField(label=_("Dated"), widget=DATE)
    addressee = forms.CharField(label=_("Addressed to"), max_length=200)
    sender = forms.CharField(label=_("Sent by"), max_length=200)
    body = forms.CharField(label=_("Text of the letter"), max_length=5000, widget=forms.Textarea(attrs={"rows": 5}))
    applications = forms.TypedMultipleChoiceField(label=_("Winners recommended"), coerce=int,
                                                  widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, winners=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["applications"].choices = [(a.pk, f"{a.tier.name} · {a.organization.name}") for a in winners]


class PaymentApproveForm(forms.Form):
    program = forms.IntegerField(widget=forms.HiddenInput)
    application = forms.IntegerField(required=False, widget=forms.HiddenInput)
    honour = forms.IntegerField(required=False, widget=forms.HiddenInput)
    amount = forms.CharField(label=_("Amount (yuan)"), max_length=20, required=False)
    approved_on = forms.DateField(label=_("Approved on"), widget=DATE, required=False)
    note = forms.CharField(label=_("Note"), max_length=500, required=False)


class PaymentStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("New status"), choices=[("paid", _("Paid")), ("recovered", _("Recovered"))])
    on = forms.DateField(label=_("On"), widget=DATE, required=False)
    reference = forms.CharField(label=_("Payment reference"), max_length=100, required=False)
    reason = forms.CharField(label=_("Reason for the recovery"), max_length=1000, required=False)


class HonourForm(forms.Form):
    credit_code = forms.CharField(label=_("Unified social credit code"), max_length=18)
    kind = forms.ChoiceField(label=_("Honour"), choices=HonourKind.choices)
    year = forms.IntegerField(label=_("Year"), min_value=1990, max_value=2100)
    reference = forms.CharField(label=_("Document or source"), max_length=200, required=False)

    def clean_credit_code(self):
        code = self.cleaned_data["credit_code"].strip().upper()
        org = Organization.objects.filter(credit_code=code).first()
        if org is None:
            raise forms.ValidationError(_("No organisation with this code is registered in the portal."))
        self.organization = org
        return code


class VerifyForm(forms.Form):
    code = forms.CharField(label=_("Verification code"), max_length=40)
