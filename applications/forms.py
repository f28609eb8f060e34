"""The application form, step by step. Forms validate; services (drafts.py) save and apply."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from award_portal.i18n import localized

from . import routing, uscc
from .eligibility import rule_citation
from .enums import LegalForm
from .models import Organization
from .models.organizations import MujuGrade
from .size_class import SizeIndustry  # noqa: F401  (documented choices for industry)

STEPS = [
    ("basic", _("Basic information")),
    ("declarations", _("Eligibility declarations")),
    ("figures", _("Key figures")),
    ("report", _("Self-assessment report")),
    ("attachments", _("Evidence attachments")),
    ("commitment", _("Commitment letter")),
    ("review", _("Review and submit")),
]
STEP_KEYS = [key for key, _label in STEPS]

ORG_FIELDS = ["address", "legal_form", "registered_on", "industry_section", "industry_division", "employees",
              "revenue_10k", "assets_10k", "muju_grade", "muju_year", "strategic_industry",
              "excellence_model_since", "contact_name", "contact_phone", "contact_email"]

GBT4754_SECTIONS = [
    ("A", _("A Agriculture, forestry, animal husbandry and fishery")), ("B", _("B Mining")),
    ("C", _("C Manufacturing")), ("D", _("D Electricity, heat, gas and water production and supply")),
    ("E", _("E Construction")), ("F", _("F Wholesale and retail trade")),
    ("G", _("G Transport, storage and postal services")), ("H", _("H Accommodation and catering")),
    ("I", _("I Information transmission, software and information technology services")), ("J", _("J Finance")),
    ("K", _("K Real estate")), ("L", _("L Leasing and business services")),
    ("M", _("M Scientific research and technical services")),
    ("N", _("N Water conservancy, environment and public facilities management")),
    ("O", _("O Residential, repair and other services")), ("P", _("P Education")),
    ("Q", _("Q Health and social work")), ("R", _("R Culture, sports and entertainment")),
    ("S", _("S Public administration, social security and social organisations")),
]
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")

#: The largest value of the PositiveIntegerField columns the counts land in (PostgreSQL
#: `integer`): a larger number is refused by the form instead of by the database.
MAX_INT_COLUMN = 2_147_483_647
#: The longest value a field without its own max_length (numbers, dates, choices, e-mail) may
#: carry into a draft: every valid value of those fields is far shorter.
RAW_VALUE_MAX_CHARS = 320
#: The whole typed draft of an application (every step, as stored JSON), so the draft and the
#: application PDF built from it stay bounded whatever is posted.
DRAFT_MAX_BYTES = 1_000_000


class OrganizationForm(forms.ModelForm):
    """Self-registration of an organisation (and its profile on the basic-information step)."""

    industry_section = forms.ChoiceField(label=_("Industry (GB/T 4754 section)"), choices=GBT4754_SECTIONS)

    class Meta:
        model = Organization
        fields = ["credit_code", "name", "name_en", "registered_on", "legal_form", "address", "industry_section",
                  "industry_division", "contact_name", "contact_phone", "contact_email"]
        widgets = {"registered_on": DATE}

    def clean_credit_code(self):
        raw = self.cleaned_data["credit_code"]
        try:
            code = uscc.validate(raw)
        except uscc.CreditCodeError as exc:
            raise ValidationError(str(exc)) from exc
        existing = Organization.objects.filter(credit_code=code).first()
        if existing is not None:
            raise ValidationError(
                _("%(name)s is already registered with this code. Ask its administrator to invite you "
                  "(Organisation → Invite a colleague) instead of registering it again.")
                % {"name": existing.name})
        return code


class RecommenderField(forms.ModelChoiceField):
    """The recommending authority: offers only those the organisation may report to
    (`applications.routing`); a refused one is named with the reason instead of "not a valid choice"."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.organization = None
        self.program = None
        self.on = None  # the round's day (routing.round_date); None: today

    def to_python(self, value):
        try:
            return super().to_python(value)
        except ValidationError:
            refused = self._refused(value)
            if refused is not None:
                raise ValidationError(routing.recommender_refusal(self.organization, refused, self.program, self.on),
                                      code="routing") from None
            raise

    def _refused(self, value):
        if self.program is None or self.organization is None:
            return None
        try:
            pk = int(str(value)) if str(value).isascii() else None  # "²" passes isdigit() but is no id
        except ValueError:
            return None
        if pk is None or not 0 < pk < 2**31:
            return None
        return self.program.recommenders.filter(pk=pk).first()


class BasicInfoForm(forms.Form):
    tier_applied = forms.ModelChoiceField(label=_("Tier applied for"), queryset=None, required=False)
    recommender = RecommenderField(
        label=_("Recommending authority"), queryset=None, required=False,
        help_text=_("Your industry authority, or the authority of the place where you are registered (its district's "
                    "market-supervision bureau, its city's government): another district's or city's authority cannot "
                    "recommend you."))
    address = forms.CharField(label=_("Registered address"), max_length=300)
    legal_form = forms.ChoiceField(label=_("Legal form"), choices=LegalForm.choices)
    registered_on = forms.DateField(label=_("Registration date"), widget=DATE)
    industry_section = forms.ChoiceField(label=_("Industry (GB/T 4754 section)"), choices=GBT4754_SECTIONS)
    industry_division = forms.CharField(label=_("Industry division (2–4 digits)"), max_length=4, required=False)
    employees = forms.IntegerField(label=_("Employees"), min_value=0, max_value=MAX_INT_COLUMN)
    revenue_10k = forms.DecimalField(label=_("Operating revenue last year (10k yuan)"), min_value=0,
                                     max_digits=14, decimal_places=2)
    assets_10k = forms.DecimalField(label=_("Total assets (10k yuan)"), min_value=0, max_digits=14,
                                    decimal_places=2)
    muju_grade = forms.ChoiceField(label=_("亩均效益 grade (manufacturers)"),
                                   choices=[("", "—")] + list(MujuGrade.choices), required=False)
    muju_year = forms.IntegerField(label=_("亩均效益 year"), required=False, min_value=2000, max_value=2100)
    strategic_industry = forms.CharField(label=_("Strategic industry (if any)"), max_length=64, required=False)
    excellence_model_since = forms.DateField(label=_("Performance-excellence model practised since"),
                                             required=False, widget=DATE)
    contact_name = forms.CharField(label=_("Contact person"), max_length=100)
    contact_phone = forms.CharField(label=_("Contact phone"), max_length=32)
    contact_email = forms.EmailField(label=_("Contact e-mail"), max_length=254)  # the model's column

    def __init__(self, *args, program, organization=None, on=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["tier_applied"].queryset = program.tiers.all()
        recommender = self.fields["recommender"]
        recommender.program, recommender.organization, recommender.on = program, organization, on
        recommender.queryset = (program.recommenders.all() if organization is None
                                else routing.allowed_recommenders(program, organization, on=on))
        recommender.required = program.requires_recommendation
        self.fields["tier_applied"].required = program.tiers.count() > 1


def declaration_rules(program):
    return [r for r in program.eligibility_rules.filter(active=True, kind="declaration") if r.params.get("key")]


def declaration_text(rule) -> str:
    """What the applicant declares, in the reader's language: the Chinese text of the measures
    (binding, and what the PDF and the eligibility rule quote), or the rule's English rendering."""
    return localized(rule.params.get("text") or rule.description_zh, rule.description_en)


class DeclarationsForm(forms.Form):
    YES_NO = [("yes", _("Yes, this is true")), ("no", _("No"))]

    def __init__(self, *args, program, **kwargs):
        super().__init__(*args, **kwargs)
        for rule in declaration_rules(program):
            self.fields[rule.params["key"]] = forms.ChoiceField(
                label=declaration_text(rule), choices=self.YES_NO, widget=forms.RadioSelect,
                help_text=rule_citation(rule))


FIGURE_FIELDS = [
    ("revenue_10k", _("Operating revenue (10k yuan)"), True),
    ("profit_10k", _("Total profit (10k yuan)"), True),
    ("tax_10k", _("Tax paid (10k yuan)"), True),
    ("employees", _("Employees"), True),
    ("rd_spend_10k", _("R&D spend (10k yuan)"), False),
    ("quality_indicator", _("Key quality indicator"), False),
]


def figure_years(application):
    """The three full years before the round's year."""
    return [application.round.year - 3, application.round.year - 2, application.round.year - 1]


class KeyFiguresForm(forms.Form):
    def __init__(self, *args, years, **kwargs):
        super().__init__(*args, **kwargs)
        self.years = years
        for year in years:
            for name, label, required in FIGURE_FIELDS:
                key = f"{name}_{year}"
                if name == "employees":
                    field = forms.IntegerField(min_value=0, max_value=MAX_INT_COLUMN, required=required)
                elif name == "quality_indicator":
                    field = forms.CharField(max_length=200, required=False)
                else:
                    # profit may be negative (a loss); the others may not
                    field = forms.DecimalField(max_digits=14, decimal_places=2, required=required,
                                               min_value=None if name == "profit_10k" else 0)
                field.label = f"{year} {label}"
                self.fields[key] = field

    def rows(self):
        """(year, [bound fields]) for a table layout."""
        return [(year, [self[f"{name}_{year}"] for name, _l, _r in FIGURE_FIELDS]) for year in self.years]


def report_field_name(category) -> str:
    return "cat_" + category.number.replace(".", "_")


def category_label(category) -> str:
    return _("%(number)s %(name)s (%(points)s points)") % {
        "number": category.number, "name": category.name, "points": category.points}


def report_max_chars(category) -> int:
    return max(2000, category.points * 100)


REPORT_MIN_CHARS = 200


class ReportForm(forms.Form):
    def __init__(self, *args, categories, **kwargs):
        super().__init__(*args, **kwargs)
        for category in categories:
            limit = report_max_chars(category)
            self.fields[report_field_name(category)] = forms.CharField(
                label=category_label(category), required=False,
                max_length=limit, widget=forms.Textarea(attrs={"rows": 8, "data-maxlength": limit,
                                                               "data-minlength": REPORT_MIN_CHARS}),
                help_text=_("%(min)s–%(max)s characters") % {"min": REPORT_MIN_CHARS, "max": limit})


class CommitmentForm(forms.Form):
    signer_name = forms.CharField(label=_("Name of the signer (legal representative or authorised person)"),
                                  max_length=100)
    signer_title = forms.CharField(label=_("Position"), max_length=100)
    accept = forms.BooleanField(label=_("I have read the commitment letter and accept it on behalf of the "
                                        "organisation."))


def raw_value_limit(field) -> int:
    """How many characters of a field a draft keeps: its own max_length, else the generic cap."""
    return getattr(field, "max_length", None) or RAW_VALUE_MAX_CHARS


class AttachmentForm(forms.Form):
    file = forms.FileField(label=_("File"))
    description = forms.CharField(label=_("Description"), max_length=200, required=False)
