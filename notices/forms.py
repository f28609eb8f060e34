"""Forms of the notices pages. Everything typed is kept when a form comes back with an error."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from applications.enums import NoticeStage

from .objections import MAX_FILE_MB, MAX_FILES


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data if d]
        return [single(data, initial)] if data else []


class ObjectionForm(forms.Form):
    entry = forms.TypedChoiceField(label=_("Organisation objected to"), coerce=int)
    facts = forms.CharField(label=_("Facts"), widget=forms.Textarea(attrs={"rows": 5}), max_length=5000)
    reasons = forms.CharField(label=_("Reasons"), widget=forms.Textarea(attrs={"rows": 5}), max_length=5000)
    evidence = MultipleFileField(
        label=_("Evidence files"), required=False,
        help_text=_("Up to %(n)s files of at most %(mb)s MB each: PDF, PNG, JPEG or Office documents.") % {
            "n": MAX_FILES, "mb": MAX_FILE_MB})
    contact_name = forms.CharField(label=_("Your name"), max_length=100)
    contact = forms.CharField(label=_("Telephone or e-mail"), max_length=200,
                              help_text=_("The office uses it only to ask about the objection; it is not published."))

    def __init__(self, *args, notice, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["entry"].choices = [("", "—")] + [
            (e.pk, e.name) for e in notice.entries.all()]


class StatusForm(forms.Form):
    receipt = forms.CharField(label=_("Receipt number"), max_length=32)
    secret = forms.CharField(label=_("Secret"), max_length=64, widget=forms.PasswordInput(render_value=True))


class TrailCheckForm(forms.Form):
    entry_id = forms.IntegerField(label=_("Audit entry number"), min_value=1, max_value=2**62)
    entry_hash = forms.RegexField(label=_("Audit hash"), regex=r"^\s*[0-9a-fA-F]{64}\s*$", max_length=80,
                                  error_messages={"invalid": _("A hash is 64 characters 0–9 and a–f, as printed on the notice.")})


class PublishForm(forms.Form):
    stage = forms.ChoiceField(label=_("List"), choices=NoticeStage.choices)
    starts_on = forms.DateField(label=_("First day of the notice"), widget=forms.DateInput(attrs={"type": "date"}))
    note_zh = forms.CharField(label=_("Note (Chinese)"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    note_en = forms.CharField(label=_("Note (English)"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, stages=None, **kwargs):
        kwargs.setdefault("initial", {"starts_on": timezone.localdate()})
        super().__init__(*args, **kwargs)
        if stages is not None:
            self.fields["stage"].choices = [(s.stage, s.get_stage_display()) for s in stages]


class FindingForm(forms.Form):
    finding = forms.ChoiceField(label=_("Finding"), widget=forms.RadioSelect, choices=[
        ("not_upheld", _("Not upheld")), ("upheld", _("Upheld: take the organisation off the list"))])
    reasons = forms.CharField(label=_("Verification result (published)"), widget=forms.Textarea(attrs={"rows": 5}),
                              max_length=5000)
