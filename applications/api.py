"""JSON API. `state` is read-only everywhere; transitions go through the transition service."""


from django.utils.translation import gettext_lazy as _
from rest_framework import permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ParseError
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from . import selectors, workflow
from .models import Application, AwardProgram, Round, StateChange, Tier

#: How deep a JSON body may nest. No input of the API nests at all; a deeper body is refused
#: with 400 before any serializer sees it (Python's parser itself gives up, with a server error,
#: at about a thousand levels).
JSON_MAX_DEPTH = 32


def json_depth(value) -> int:
    """The nesting depth of parsed JSON, without recursion."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict | list):
            deepest = max(deepest, depth)
            stack.extend((child, depth + 1) for child in (item.values() if isinstance(item, dict) else item))
    return deepest


class BoundedJSONParser(JSONParser):
    """JSON whose nesting is bounded: too deep a body is a 400 (ParseError), never a 500."""

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError(_("The JSON body is nested too deeply.")) from None
        if json_depth(data) > JSON_MAX_DEPTH:
            raise ParseError(_("The JSON body is nested too deeply."))
        return data


#: The parsers of every viewset that accepts a body.
PARSERS = [BoundedJSONParser, FormParser, MultiPartParser]


class TierSerializer(serializers.ModelSerializer):
    class Meta:
        model = Tier
        fields = ["id", "code", "name_zh", "name_en", "rank", "quota", "prize_amount", "prize_is_cap",
                  "voting_method"]


class ProgramSerializer(serializers.ModelSerializer):
    tiers = TierSerializer(many=True, read_only=True)
    notice_stages = serializers.SerializerMethodField()

    class Meta:
        model = AwardProgram
        fields = ["id", "code", "name_zh", "name_en", "issuing_government", "cycle", "score_floor",
                  "expert_weight", "bigdata_weight", "reapply_wait_editions", "reapply_wait_years",
                  "revocation_window_years", "objection_verification_days", "tiers", "notice_stages"]

    def get_notice_stages(self, obj) -> dict:
        return {s.stage: s.working_days for s in obj.notice_stages.all()}


class ProgramViewSet(viewsets.ReadOnlyModelViewSet):
    """Public: the programs and their configuration."""

    permission_classes = [permissions.AllowAny]
    serializer_class = ProgramSerializer
    queryset = AwardProgram.objects.prefetch_related("tiers", "notice_stages")


class RoundSerializer(serializers.ModelSerializer):
    class Meta:
        model = Round
        fields = ["id", "program", "edition", "year", "name_zh", "name_en", "phase", "application_deadline"]
        read_only_fields = fields


class StateChangeSerializer(serializers.ModelSerializer):
    actor = serializers.StringRelatedField()

    class Meta:
        model = StateChange
        fields = ["action", "from_state", "to_state", "actor", "role", "reason", "created_at"]


class ApplicationSerializer(serializers.ModelSerializer):
    organization = serializers.StringRelatedField()
    round = serializers.StringRelatedField()
    timeline = StateChangeSerializer(source="state_changes", many=True, read_only=True)

    class Meta:
        model = Application
        fields = ["id", "number", "round", "organization", "state", "tier", "recommender", "submitted_at",
                  "feedback", "timeline"]
        read_only_fields = fields


class TransitionInput(serializers.Serializer):
    action = serializers.ChoiceField(choices=list(workflow.TRANSITIONS))
    reason = serializers.CharField(required=False, allow_blank=True, default="")
    tier = serializers.PrimaryKeyRelatedField(queryset=Tier.objects.all(), required=False, allow_null=True)
    expected_state = serializers.CharField(required=False, allow_blank=True)


class ApplicationViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = ApplicationSerializer
    parser_classes = PARSERS

    def get_queryset(self):
        return selectors.applications_visible_to(self.request.user).prefetch_related("state_changes__actor")

    @action(detail=True, methods=["post"], serializer_class=TransitionInput)
    def transition(self, request, pk=None):
        application = self.get_object()
        data = TransitionInput(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            application = workflow.application_transition(
                application_id=application.pk, action=data.validated_data["action"], actor=request.user,
                reason=data.validated_data["reason"], tier=data.validated_data.get("tier"),
                expected_state=data.validated_data.get("expected_state") or None)
        except workflow.TransitionError as exc:
            code = status.HTTP_403_FORBIDDEN if exc.code == "role" else status.HTTP_409_CONFLICT
            return Response({"detail": exc.message, "code": exc.code}, status=code)
        return Response(ApplicationSerializer(application).data)


class RoundViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = RoundSerializer

    def get_queryset(self):
        return selectors.rounds_visible_to(self.request.user)
