"""Read-only admin of the deliberation: every write goes through meetings.py and voting.py (audited).
Ballots are listed without any ordering that could follow the order of casting."""

from django.contrib import admin

from .models import Ballot, Candidate, Meeting, MeetingMember, Recusal, Vote, VoterRoll


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class MemberInline(admin.TabularInline):
    model = MeetingMember
    extra = 0
    can_delete = False
    readonly_fields = ["user", "present", "is_chair"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Meeting)
class MeetingAdmin(ReadOnly):
    list_display = ["round", "held_at", "place", "chair_signed_at", "supervisor_signed_at", "concluded_at"]
    list_select_related = ["round"]
    inlines = [MemberInline]


@admin.register(Recusal)
class RecusalAdmin(ReadOnly):
    list_display = ["meeting", "member", "application", "recorded_at"]
    list_select_related = ["meeting__round", "member", "application"]


class CandidateInline(admin.TabularInline):
    model = Candidate
    extra = 0
    can_delete = False
    readonly_fields = ["application", "position", "final_score", "yes", "no", "abstain", "recused", "outcome",
                       "resolution", "resolution_reason"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Vote)
class VoteAdmin(ReadOnly):
    list_display = ["meeting", "number", "tier", "method", "places", "status", "ballots_counted"]
    list_select_related = ["meeting__round", "tier"]
    inlines = [CandidateInline]


@admin.register(VoterRoll)
class VoterRollAdmin(ReadOnly):
    list_display = ["vote", "member", "has_voted"]
    list_select_related = ["vote__tier", "member"]


@admin.register(Ballot)
class BallotAdmin(ReadOnly):
    list_display = ["receipt_hash", "vote"]
    list_select_related = ["vote__tier"]
    ordering = ["receipt_hash"]
