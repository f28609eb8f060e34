"""Forms of the office's review pages: pool search, invitation, the expert's record, draws, groups.

The forms check only shape (a date is a date, a number a number); the rules live in the services
(`experts`, `conflicts`, `draws`, `assignment`), whose refusals the views attach to these forms so
that what the user typed stays on the page.
"""

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from applications.forms import GBT4754_SECTIONS
from applications.models import Organization

from .models import Conflict, Expert, Stage, TrainingRecord

#: GB/T 4754 sections A–T (T: international organisations, absent from the applicants' list).
SECTIONS = [*GBT4754_SECTIONS, ("T", _("T International organisations"))]
SECTION_LETTERS = [code for code, _label in SECTIONS]
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class PoolSearchForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100,
                        widget=forms.TextInput(attrs={"placeholder": _("Name, e-mail, employer or qualification")}))
    section = forms.ChoiceField(label=_("Field of expertise"), required=False,
                                choices=[("", _("Any field"))] + SECTIONS)
    status = forms.ChoiceField(label=_("Status"), required=False, choices=[("", _("Any status"))] + Expert.Status.choices)
    region = forms.RegexField(label=_("Region code starts with"), required=False, regex=r"^\d{1,6}$", max_length=6,
                              widget=forms.TextInput(attrs={"placeholder": "11", "inputmode": "numeric"}))
    qualified = forms.BooleanField(label=_("Only experts who may be drawn"), required=False)


class InviteForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    name_en = forms.CharField(label=_("Name in English"), max_length=100, required=False)
    email = forms.EmailField(label=_("E-mail"))
    phone = forms.CharField(label=_("Phone"), max_length=32, required=False)
    title = forms.CharField(label=_("Professional title"), max_length=100, required=False)
    expertise = forms.MultipleChoiceField(label=_("Fields of expertise (GB/T 4754 sections)"), choices=SECTIONS,
                                          widget=forms.CheckboxSelectMultiple)
    region_code = forms.RegexField(label=_("Region code"), regex=r"^\d{6}$", max_length=6,
                                   help_text=_("Six digits, e.g. 110105."))
    qualifications = forms.CharField(label=_("Qualifications"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    employer = forms.CharField(label=_("Current employer"), max_length=200, required=False)
    employer_credit_code = forms.CharField(label=_("Employer's credit code"), max_length=18, required=False)
    employed_since = forms.DateField(label=_("Employed since"), required=False, widget=DATE)

    def service_kwargs(self) -> dict:
        data = dict(self.cleaned_data)
        data["expertise"] = "".join(data["expertise"])
        return data


class ReasonForm(forms.Form):
    """A written reason; emptiness is refused by the service, whose message the page shows."""

    reason = forms.CharField(label=_("Reason"), required=False, max_length=2000,
                             widget=forms.Textarea(attrs={"rows": 2}))


class SuspendForm(ReasonForm):
    strike = forms.BooleanField(label=_("Strike from the pool (permanent)"), required=False)


class SettingsForm(forms.Form):
    expertise = forms.MultipleChoiceField(label=_("Fields of expertise (GB/T 4754 sections)"), choices=GBT4754_SECTIONS,
                                          widget=forms.CheckboxSelectMultiple)
    shared = forms.BooleanField(label=_("Shared with partner regions"), required=False)
    can_lead = forms.BooleanField(label=_("May lead a group"), required=False)


class TrainingForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=TrainingRecord.Kind.choices)
    held_on = forms.DateField(label=_("Date"), widget=DATE)
    title = forms.CharField(label=_("Course or examination"), max_length=200)
    passed = forms.BooleanField(label=_("Passed"), required=False, initial=True)
    score = forms.IntegerField(label=_("Score"), required=False, min_value=0, max_value=1000)


class ConflictForm(forms.Form):
    organization = forms.CharField(label=_("Organisation (name or credit code)"), max_length=200)
    reason = forms.ChoiceField(label=_("Reason"), choices=Conflict.Reason.choices)
    detail = forms.CharField(label=_("Detail"), required=False, max_length=2000,
                             widget=forms.Textarea(attrs={"rows": 2}))

    def clean_organization(self):
        text = self.cleaned_data["organization"].strip()
        exact = Organization.objects.filter(credit_code=text.upper()).first()
        if exact is not None:
            return exact
        matches = list(Organization.objects.filter(Q(name__icontains=text) | Q(credit_code__istartswith=text))
                       .order_by("name")[:6])
        if not matches:
            raise forms.ValidationError(_("No organisation has this name or credit code."))
        exact_name = [o for o in matches if o.name == text]
        if len(exact_name) == 1:
            return exact_name[0]
        if len(matches) > 1:
            names = "; ".join(f"{o.name} ({o.credit_code})" for o in matches[:5])
            raise forms.ValidationError(_("Several organisations match: %(names)s. Enter the credit code.") % {
                "names": names})
        return matches[0]


class FreezeForm(forms.Form):
    stage = forms.ChoiceField(label=_("Stage"), choices=Stage.choices)
    count = forms.IntegerField(label=_("Experts to draw"), min_value=1, max_value=1000, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for code, label in SECTIONS:
            self.fields[f"min_{code}"] = forms.IntegerField(label=label, required=False, min_value=0, max_value=100)

    def per_section(self) -> dict:
        return {code: self.cleaned_data.get(f"min_{code}") or 0 for code in SECTION_LETTERS
                if self.cleaned_data.get(f"min_{code}")}

    def _section_fields(self, filled: bool):
        return [self[f"min_{code}"] for code in SECTION_LETTERS if bool(self[f"min_{code}"].value()) == filled]

    @property
    def filled_section_fields(self):
        """The per-section minimums with a value (prefilled or typed)."""
        return self._section_fields(True)

    @property
    def empty_section_fields(self):
        return self._section_fields(False)

    @property
    def main_fields(self):
        return [self["stage"], self["count"]]


class DrawNumberForm(forms.Form):
    public_input = forms.CharField(label=_("Number (1 to 18 digits)"), max_length=18, required=False,
                                   widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}))


class RespondForm(forms.Form):
    accept = forms.TypedChoiceField(label=_("Answer"), coerce=lambda v: v == "1",
                                    choices=[("1", _("Accepted")), ("0", _("Declined"))])
    reason = forms.CharField(label=_("Reason for declining"), required=False, max_length=300)


class ProposeForm(forms.Form):
    PANEL, QUALIFIED = "panel", "qualified"
    source = forms.ChoiceField(label=_("Experts to group"), choices=[
        (PANEL, _("The panel drawn for this stage (experts who accepted)")),
        (QUALIFIED, _("Every qualified expert of the program's region and partner regions"))])


class AddMemberForm(forms.Form):
    expert = forms.TypedChoiceField(label=_("Expert"), coerce=int)
    leader = forms.BooleanField(label=_("Group leader"), required=False)

    def __init__(self, *args, experts=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.set_experts(experts)

    def set_experts(self, experts):
        self.fields["expert"].choices = [("", "—")] + [(e.pk, f"{e.name} · {e.expertise} · {e.region_code}")
                                                        for e in experts]


class MoveApplicationForm(forms.Form):
    application = forms.IntegerField(widget=forms.HiddenInput)
    group = forms.TypedChoiceField(label=_("Move to"), coerce=int)

    def __init__(self, *args, groups=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["group"].choices = [(g.pk, str(g)) for g in groups]
