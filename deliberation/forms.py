"""Forms of the deliberation pages. They check the shape of the input; the services check the rules."""

from django import forms
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from award_portal.roles import Role


def committee_users():
    return get_user_model().objects.filter(groups__name=str(Role.COMMITTEE), is_active=True).order_by("username")


class MemberChoice(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return obj.display_name


class ChairChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.display_name


class MeetingForm(forms.Form):
    held_at = forms.DateTimeField(label=_("Date and time"), input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
                                  widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"))
    place = forms.CharField(label=_("Place"), max_length=200)
    members = MemberChoice(label=_("Members called"), queryset=committee_users(),
                           widget=forms.CheckboxSelectMultiple)
    chair = ChairChoice(label=_("Chair"), queryset=committee_users(), required=False)
    quorum_numerator = forms.IntegerField(label=_("Quorum (numerator)"), min_value=1, max_value=99, initial=2)
    quorum_denominator = forms.IntegerField(label=_("Quorum (denominator)"), min_value=1, max_value=99, initial=3)
    office_report = forms.CharField(label=_("The office's report"), widget=forms.Textarea(attrs={"rows": 4}),
                                    required=False)
    supervision_report = forms.CharField(label=_("The supervision group's report"), required=False,
                                         widget=forms.Textarea(attrs={"rows": 4}))
    minutes = forms.CharField(label=_("Minutes"), widget=forms.Textarea(attrs={"rows": 8}), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["members"].queryset = committee_users()
        self.fields["chair"].queryset = committee_users()

    def clean(self):
        data = super().clean()
        num, den = data.get("quorum_numerator"), data.get("quorum_denominator")
        if num and den and num > den:
            self.add_error("quorum_numerator", _("The quorum cannot exceed all the members (e.g. 2/3)."))
        chair, members = data.get("chair"), data.get("members")
        if chair and members is not None and chair not in members:
            self.add_error("chair", _("The chair must be one of the members called."))
        return data

    @staticmethod
    def initial_for(meeting):
        if meeting is None:
            return {"quorum_numerator": 2, "quorum_denominator": 3}
        chair = meeting.members.filter(is_chair=True).first()
        return {
            "held_at": timezone.localtime(meeting.held_at).strftime("%Y-%m-%dT%H:%M"), "place": meeting.place,
            "members": [m.user_id for m in meeting.members.all()], "chair": chair.user_id if chair else None,
            "quorum_numerator": meeting.quorum_numerator, "quorum_denominator": meeting.quorum_denominator,
            "office_report": meeting.office_report, "supervision_report": meeting.supervision_report,
            "minutes": meeting.minutes,
        }


class RecusalForm(forms.Form):
    member = forms.TypedChoiceField(label=_("Member"), coerce=int)
    application = forms.TypedChoiceField(label=_("Application"), coerce=int)
    reason = forms.CharField(label=_("Reason"), max_length=1000)

    def __init__(self, *args, members=(), applications=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].choices = [(m.user_id, m.user.display_name) for m in members]
        self.fields["application"].choices = [(a.pk, a.organization.name) for a in applications]


class VoteCreateForm(forms.Form):
    tier = forms.TypedChoiceField(label=_("Tier"), coerce=int)

    def __init__(self, *args, tiers=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["tier"].choices = [(t.pk, f"{t.name} · {t.get_voting_method_display()}") for t in tiers]
