"""Forms of the public expert application and of the expert's own pages."""

import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from applications.forms import DATE, GBT4754_SECTIONS


class ExpertApplyForm(forms.Form):
    """Anyone may apply to join the expert pool; the office decides (review.experts.expert_apply)."""

    name = forms.CharField(label=_("Name"), max_length=100)
    name_en = forms.CharField(label=_("Name in English"), max_length=100, required=False)
    email = forms.EmailField(label=_("E-mail"))
    phone = forms.CharField(label=_("Phone"), max_length=32, required=False)
    title = forms.CharField(label=_("Professional title"), max_length=100, required=False)
    expertise = forms.MultipleChoiceField(label=_("Fields of expertise (GB/T 4754 sections)"),
                                          choices=GBT4754_SECTIONS, widget=forms.CheckboxSelectMultiple)
    region_code = forms.CharField(label=_("Region code"), max_length=6, min_length=6,
                                  help_text=_("The six-digit administrative division code, e.g. 110105."))
    qualifications = forms.CharField(label=_("Qualifications"), max_length=4000, required=False,
                                     widget=forms.Textarea(attrs={"rows": 4}))
    employer = forms.CharField(label=_("Current employer"), max_length=200, required=False)
    employer_credit_code = forms.CharField(label=_("Employer's unified social credit code"), max_length=18,
                                           required=False)
    employed_since = forms.DateField(label=_("Employed since"), required=False, widget=DATE)

    def clean_region_code(self):
        code = self.cleaned_data["region_code"].strip()
        if not re.fullmatch(r"\d{6}", code):
            raise ValidationError(_("Enter the six-digit region code."))
        return code

    def clean_employer_credit_code(self):
        code = self.cleaned_data["employer_credit_code"].strip().upper()
        if code:
            from applications import uscc

            try:
                code = uscc.validate(code)
            except uscc.CreditCodeError as exc:
                raise ValidationError(str(exc)) from exc
        return code

    def clean(self):
        data = super().clean()
        if (data.get("employer_credit_code") or data.get("employed_since")) and not data.get("employer"):
            self.add_error("employer", _("Name the employer."))
        return data


class CommitmentForm(forms.Form):
    accept = forms.BooleanField(label=_("I have read and accept the commitment letter"), required=True)


class AvailabilityForm(forms.Form):
    available = forms.TypedChoiceField(label=_("Available for this round"),
                                       choices=[("1", _("Available")), ("0", _("Not available"))],
                                       coerce=lambda v: v == "1", widget=forms.RadioSelect)
    note = forms.CharField(label=_("Note"), max_length=200, required=False)


class ConflictForm(forms.Form):
    organization = forms.TypedChoiceField(label=_("Organisation"), coerce=int, choices=())
    detail = forms.CharField(label=_("What the conflict is"), max_length=2000,
                             widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, organizations=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].choices = [("", "—")] + [(org.pk, org.name) for org in organizations]


class DrawAnswerForm(forms.Form):
    answer = forms.ChoiceField(choices=[("accept", _("Accept")), ("decline", _("Decline"))])
    reason = forms.CharField(label=_("Reason for declining"), max_length=300, required=False)
