"""JSON API of the deliberation: the read side (rounds, a meeting with its votes and tallies, a
vote with its candidates and published receipt fingerprints), casting a secret ballot, and the
public receipt check.

Who may do what is asked of `permissions.py`. Errors are JSON `{"detail": translated message,
"code": code}`: 400 bad input, 403 not allowed, 404 unknown, 409 a state that forbids it (vote
closed, already voted). Casting goes through `voting.ballot_cast`, which locks the roll.
"""

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers, status
from rest_framework import permissions as drf_permissions
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle
from rest_framework.views import APIView

from applications.api import PARSERS
from applications.models import Round

from . import permissions, selectors, voting
from .meetings import DeliberationError
from .models import Candidate, Meeting, Vote


def error(message, code, http_status) -> Response:
    return Response({"detail": str(message), "code": code}, status=http_status)


class CanUseDeliberation(drf_permissions.BasePermission):
    def has_permission(self, request, view):
        return permissions.can_use_deliberation(request.user)


class CandidateOut(serializers.ModelSerializer):
    organization = serializers.CharField(source="application.organization.name")
    tally = serializers.SerializerMethodField()

    class Meta:
        model = Candidate
        fields = ["application", "organization", "position", "final_score", "tally", "outcome", "resolution",
                  "resolution_reason"]

    def get_tally(self, obj) -> dict | None:
        if obj.vote.status != Vote.Status.CLOSED:
            return None
        return {"yes": obj.yes, "no": obj.no, "abstain": obj.abstain, "recused": obj.recused}


class VoteOut(serializers.ModelSerializer):
    tier = serializers.CharField(source="tier.code")
    candidates = CandidateOut(many=True, read_only=True)
    runoff_of = serializers.IntegerField(source="runoff_of.number", default=None)

    class Meta:
        model = Vote
        fields = ["id", "number", "tier", "method", "places", "status", "runoff_of", "electorate", "opened_at",
                  "closed_at", "ballots_counted", "ballots_digest", "candidates"]


class MeetingOut(serializers.ModelSerializer):
    members = serializers.SerializerMethodField()
    recusals = serializers.SerializerMethodField()
    votes = VoteOut(many=True, read_only=True)

    class Meta:
        model = Meeting
        fields = ["id", "round", "held_at", "place", "quorum_numerator", "quorum_denominator", "office_report",
                  "supervision_report", "minutes", "members", "recusals", "votes", "signed_digest",
                  "chair_signed_at", "supervisor_signed_at", "concluded_at"]

    def get_members(self, obj) -> list:
        return [{"user": m.user_id, "name": m.user.display_name, "present": m.present, "chair": m.is_chair}
                for m in obj.members.select_related("user")]

    def get_recusals(self, obj) -> list:
        return [{"member": r.member_id, "application": r.application_id, "reason": r.reason}
                for r in obj.recusals.all()]


class RoundOut(serializers.ModelSerializer):
    name = serializers.CharField()
    program = serializers.CharField(source="program.code")
    finalists = serializers.IntegerField()
    meeting = serializers.IntegerField(source="deliberation_meeting.pk", default=None)

    class Meta:
        model = Round
        fields = ["id", "name", "program", "year", "phase", "finalists", "meeting"]


class RoundList(generics.ListAPIView):
    """Rounds in site review or deliberation, and rounds with a meeting, that the user may read."""

    permission_classes = [CanUseDeliberation]
    serializer_class = RoundOut
    pagination_class = None

    def get_queryset(self):
        return selectors.rounds_for(self.request.user)


class MeetingDetail(APIView):
    permission_classes = [CanUseDeliberation]

    @extend_schema(responses=MeetingOut)
    def get(self, request, round_pk):
        rnd = get_object_or_404(Round, pk=round_pk)
        if not permissions.can_read_round(request.user, rnd):
            raise PermissionDenied
        meeting = get_object_or_404(Meeting.objects.prefetch_related(
            "votes__tier", "votes__runoff_of", "votes__candidates__application__organization", "recusals"), round=rnd)
        return Response(MeetingOut(meeting).data)


class VoteDetail(APIView):
    """A vote with its candidates (tally once closed) and the published receipt fingerprints."""

    permission_classes = [CanUseDeliberation]

    @extend_schema(responses=VoteOut)
    def get(self, request, pk):
        vote = get_object_or_404(Vote.objects.select_related("meeting__round", "tier", "runoff_of"), pk=pk)
        if not permissions.can_read_round(request.user, vote.meeting.round):
            raise PermissionDenied
        data = VoteOut(vote).data
        data["receipt_hashes"] = voting.published_hashes(vote)
        data["may_cast"] = permissions.can_cast(request.user, vote)
        return Response(data)


class BallotIn(serializers.Serializer):
    choices = serializers.DictField(child=serializers.ChoiceField(choices=voting.CHOICES),
                                    help_text="{candidate id: yes | no | abstain}")


class BallotCast(APIView):
    """Cast a secret ballot; the answer holds the receipt, shown once and stored nowhere."""

    permission_classes = [drf_permissions.IsAuthenticated]
    parser_classes = PARSERS

    @extend_schema(request=BallotIn, responses={201: dict})
    def post(self, request, pk):
        vote = get_object_or_404(Vote, pk=pk)
        if not permissions.on_roll(request.user, vote):
            return error(_("Only the members present when the vote opened vote in it."), "role",
                         status.HTTP_403_FORBIDDEN)
        body = BallotIn(data=request.data)
        if not body.is_valid():
            return error(_("Mark every candidate: in favour, against or abstain."), "invalid",
                         status.HTTP_400_BAD_REQUEST)
        try:
            receipt = voting.ballot_cast(vote_id=vote.pk, actor=request.user, choices=body.validated_data["choices"])
        except DeliberationError as exc:
            code = "invalid" if exc.field else "state"
            return error(exc.message, code, status.HTTP_400_BAD_REQUEST if exc.field else status.HTTP_409_CONFLICT)
        response = Response({"receipt": receipt, "vote": vote.pk}, status=status.HTTP_201_CREATED)
        response["Cache-Control"] = "no-store"
        return response


class ReceiptIn(serializers.Serializer):
    receipt = serializers.CharField(max_length=60)


class ReceiptThrottle(AnonRateThrottle):
    rate = "30/min"


class ReceiptCheck(APIView):
    """Public: whether the ballot of a receipt was counted (never its content)."""

    permission_classes = [drf_permissions.AllowAny]
    authentication_classes = []
    throttle_classes = [ReceiptThrottle]
    parser_classes = PARSERS

    @extend_schema(request=ReceiptIn, responses={200: dict})
    def post(self, request):
        body = ReceiptIn(data=request.data)
        if not body.is_valid():
            return error(_("Give the receipt."), "invalid", status.HTTP_400_BAD_REQUEST)
        answer = voting.receipt_check(body.validated_data["receipt"])
        out = {"status": answer["status"]}
        if "hash" in answer:
            out.update({"hash": answer["hash"], "vote": answer["vote"].pk, "ballots_counted": answer["ballots_counted"],
                        "ballots_digest": answer["ballots_digest"]})
        return Response(out)
