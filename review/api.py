"""JSON API of the review app: the pool, an expert's own profile and assignments, draws, groups,
conflict declarations and the draw number.

Who may do what is asked of `permissions.py` and `access.py`, never of group names. Errors are
JSON `{"detail": translated message, "code": code}`: 400 bad input, 403 a role that may not do
this, 404 an object the user may not see (an expert gets 404 for every application outside their
groups, exactly as if it did not exist), 409 a state that forbids it. Writes go through the
services (`conflicts.conflict_declare`, `draws.draw_run`), which audit them.
"""

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers, status
from rest_framework import permissions as drf_permissions
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from applications.api import PARSERS
from applications.models import Application, Round

from . import access, conflicts, draws, permissions
from .experts import expert_of, pool_search, qualified_experts
from .models import (
    DrawnExpert,
    Employment,
    Expert,
    ExpertDraw,
    ExpertGroup,
    GroupApplication,
    GroupMember,
    Stage,
    TrainingRecord,
)


def error(message, code, http_status) -> Response:
    return Response({"detail": str(message), "code": code}, status=http_status)


# --- Permission classes ---------------------------------------------------------------------


class CanReadPool(drf_permissions.BasePermission):
    """The office, supervisors and the expert technical guidance group (permissions.can_read_pool)."""

    message = gettext_lazy("Only the office, supervisors and the expert technical guidance group read the "
                           "expert pool, draws and groups.")

    def has_permission(self, request, view):
        return permissions.can_read_pool(request.user)


class CanReplayDraw(drf_permissions.BasePermission):
    """The office and supervisors check a draw by replaying it."""

    message = gettext_lazy("Only the office and supervisors replay a draw.")

    def has_permission(self, request, view):
        return permissions.can_manage_pool(request.user) or permissions.can_run_draw(request.user)


class CanRunDraw(drf_permissions.BasePermission):
    """Only a supervisor enters the number that seeds a draw (permissions.can_run_draw)."""

    message = gettext_lazy("Only a supervisor enters the number that seeds the draw.")

    def has_permission(self, request, view):
        return permissions.can_run_draw(request.user)


class HasExpertProfile(drf_permissions.BasePermission):
    """A user with an expert profile (their own data only)."""

    message = gettext_lazy("Only an expert of the pool has this page.")

    def has_permission(self, request, view):
        return expert_of(request.user) is not None


# --- Serializers ----------------------------------------------------------------------------


class EmploymentSerializer(serializers.ModelSerializer):
    class Meta:
        model = Employment
        fields = ["id", "employer", "credit_code", "position", "started_on", "ended_on"]
        read_only_fields = fields


class TrainingRecordSerializer(serializers.ModelSerializer):
    class Meta:
        model = TrainingRecord
        fields = ["id", "kind", "held_on", "title", "passed", "score"]
        read_only_fields = fields


class ExpertListSerializer(serializers.ModelSerializer):
    class Meta:
        model = Expert
        fields = ["id", "name", "name_en", "title", "expertise", "region_code", "shared", "status", "can_lead"]
        read_only_fields = fields


class ExpertSerializer(serializers.ModelSerializer):
    employments = EmploymentSerializer(many=True, read_only=True)
    training_records = TrainingRecordSerializer(many=True, read_only=True)
    qualified = serializers.SerializerMethodField()

    class Meta:
        model = Expert
        fields = ["id", "name", "name_en", "email", "phone", "title", "expertise", "qualifications", "region_code",
                  "shared", "status", "status_reason", "can_lead", "qualified", "employments", "training_records",
                  "created_at"]
        read_only_fields = fields

    def get_qualified(self, obj) -> bool:
        return qualified_experts().filter(pk=obj.pk).exists()


class ExpertFilter(serializers.Serializer):
    q = serializers.CharField(required=False, allow_blank=True, max_length=100)
    section = serializers.RegexField(r"^[A-Ta-t]$", required=False, allow_blank=True)
    status = serializers.ChoiceField(choices=Expert.Status.choices, required=False, allow_blank=True)
    region = serializers.RegexField(r"^[0-9]{1,6}$", required=False, allow_blank=True)
    qualified = serializers.BooleanField(required=False, default=False)


class AssignmentSerializer(serializers.ModelSerializer):
    """An application as its reviewer's list shows it: no material, only what identifies it."""

    title = serializers.CharField(source="__str__", read_only=True)
    organization = serializers.CharField(source="organization.name", read_only=True)
    round = serializers.IntegerField(source="round_id", read_only=True)
    round_name = serializers.CharField(source="round.__str__", read_only=True)
    stage = serializers.SerializerMethodField()
    group = serializers.SerializerMethodField()

    class Meta:
        model = Application
        fields = ["id", "number", "title", "organization", "round", "round_name", "stage", "group"]
        read_only_fields = fields

    def _stage(self, obj):
        return access.STAGE_OF_PHASE.get(obj.round.phase)

    def get_stage(self, obj) -> str | None:
        return self._stage(obj)

    def get_group(self, obj) -> int | None:
        link = (GroupApplication.objects.filter(application=obj, stage=self._stage(obj))
                .select_related("group").first())
        return link.group.number if link else None


class DrawnExpertSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="expert.name", read_only=True)

    class Meta:
        model = DrawnExpert
        fields = ["expert", "name", "position", "response", "responded_at"]
        read_only_fields = fields


class DrawListSerializer(serializers.ModelSerializer):
    candidates_count = serializers.SerializerMethodField()

    class Meta:
        model = ExpertDraw
        fields = ["id", "round", "stage", "status", "replaces", "candidates_count", "candidates_sha256", "frozen_at",
                  "drawn_at", "algorithm"]
        read_only_fields = fields

    def get_candidates_count(self, obj) -> int:
        return len(obj.candidates or [])


class DrawSerializer(serializers.ModelSerializer):
    frozen_by = serializers.StringRelatedField()
    public_input_by = serializers.StringRelatedField()
    drawn = DrawnExpertSerializer(many=True, read_only=True)

    class Meta:
        model = ExpertDraw
        fields = ["id", "round", "stage", "status", "replaces", "constraints", "candidates", "candidates_sha256",
                  "frozen_at", "frozen_by", "public_input", "public_input_by", "seed", "algorithm", "result",
                  "drawn_at", "drawn"]
        read_only_fields = fields


class ReplaySerializer(serializers.Serializer):
    draw = serializers.IntegerField()
    hash_matches = serializers.BooleanField()
    sha256 = serializers.CharField()
    result = serializers.ListField(child=serializers.IntegerField())
    result_matches = serializers.BooleanField()
    algorithm_matches = serializers.BooleanField()


class DrawRunInput(serializers.Serializer):
    public_input = serializers.CharField(max_length=64, help_text="A number of 1 to 18 digits.")


class GroupMemberSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="expert.name", read_only=True)

    class Meta:
        model = GroupMember
        fields = ["expert", "name", "is_leader"]
        read_only_fields = fields


class GroupApplicationSerializer(serializers.ModelSerializer):
    number = serializers.CharField(source="application.number", read_only=True)
    organization = serializers.CharField(source="application.organization.name", read_only=True)

    class Meta:
        model = GroupApplication
        fields = ["application", "number", "organization"]
        read_only_fields = fields


class GroupSerializer(serializers.ModelSerializer):
    members = GroupMemberSerializer(many=True, read_only=True)
    applications = GroupApplicationSerializer(source="assignments", many=True, read_only=True)

    class Meta:
        model = ExpertGroup
        fields = ["id", "round", "stage", "number", "members", "applications"]
        read_only_fields = fields


class ConflictInput(serializers.Serializer):
    detail = serializers.CharField(max_length=2000, help_text="What the conflict is.")


class ConflictSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    organization = serializers.CharField(source="organization.name")
    source = serializers.CharField()
    reason = serializers.CharField()
    detail = serializers.CharField()
    created_at = serializers.DateTimeField()


# --- The pool -------------------------------------------------------------------------------


@extend_schema(parameters=[ExpertFilter])
class ExpertList(generics.ListAPIView):
    """The expert pool with the office's search and filters (pool readers)."""

    permission_classes = [CanReadPool]
    serializer_class = ExpertListSerializer

    def get_queryset(self):
        filters = ExpertFilter(data=self.request.query_params)
        filters.is_valid(raise_exception=True)
        return pool_search(**{k: v for k, v in filters.validated_data.items() if v not in ("", None)}) \
            .order_by("name", "pk")


class ExpertDetail(generics.RetrieveAPIView):
    """One expert of the pool, with employers and training and examination records (pool readers)."""

    permission_classes = [CanReadPool]
    serializer_class = ExpertSerializer
    queryset = Expert.objects.prefetch_related("employments", "training_records")


# --- The expert's own -----------------------------------------------------------------------


class Me(generics.RetrieveAPIView):
    """The signed-in expert's own profile."""

    permission_classes = [HasExpertProfile]
    serializer_class = ExpertSerializer

    def get_object(self):
        return expert_of(self.request.user)


class MyAssignments(generics.ListAPIView):
    """The applications the signed-in expert reviews now (their groups, the round's current stage,
    commitment signed, no conflict): identification only, no material."""

    permission_classes = [HasExpertProfile]
    serializer_class = AssignmentSerializer

    def get_queryset(self):
        return access.reviewable_applications(self.request.user).order_by("number")


class MyAssignment(generics.RetrieveAPIView):
    """One application the signed-in expert reviews; 404 for every other."""

    permission_classes = [HasExpertProfile]
    serializer_class = AssignmentSerializer

    def get_queryset(self):
        return access.reviewable_applications(self.request.user)


class ConflictDeclare(generics.GenericAPIView):
    """The signed-in expert declares a conflict of interest with the organisation of an application
    of one of their groups (before or after signing; after assignment it takes effect at once: the
    expert leaves the group and loses access). 404 for an application outside their groups."""

    permission_classes = [HasExpertProfile]
    serializer_class = ConflictInput
    parser_classes = PARSERS

    @extend_schema(request=ConflictInput, responses={201: ConflictSerializer})
    def post(self, request, pk):
        expert = expert_of(request.user)
        application = (Application.objects.filter(pk=pk, review_assignments__group__members__expert=expert)
                       .select_related("organization").first()) if str(pk).isdigit() else None
        if application is None:
            raise NotFound(_("No such application among those of your groups."))
        data = ConflictInput(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            conflict = conflicts.conflict_declare(expert=expert, organization_id=application.organization_id,
                                                  detail=data.validated_data["detail"], actor=request.user)
        except conflicts.ConflictError as exc:
            return error(exc.message, "invalid", status.HTTP_400_BAD_REQUEST)
        return Response(ConflictSerializer(conflict).data, status=status.HTTP_201_CREATED)


# --- Draws ----------------------------------------------------------------------------------


def _round(round_id) -> Round:
    return get_object_or_404(Round, pk=round_id)


class DrawList(generics.ListAPIView):
    """The draws of a round, newest first (pool readers)."""

    permission_classes = [CanReadPool]
    serializer_class = DrawListSerializer

    def get_queryset(self):
        return ExpertDraw.objects.filter(round=_round(self.kwargs["round_id"])).order_by("-frozen_at", "-pk")


class DrawDetail(generics.RetrieveAPIView):
    """A draw with everything needed to check it: constraints, the frozen candidate list and its
    hash, the number entered, the seed, the algorithm version and the result (pool readers)."""

    permission_classes = [CanReadPool]
    serializer_class = DrawSerializer
    queryset = ExpertDraw.objects.select_related("frozen_by", "public_input_by").prefetch_related("drawn__expert")


class DrawReplay(generics.RetrieveAPIView):
    """Recompute the hash and the result from the recorded inputs (office and supervisors)."""

    permission_classes = [CanReplayDraw]
    serializer_class = ReplaySerializer
    queryset = ExpertDraw.objects.all()

    def retrieve(self, request, *args, **kwargs):
        draw = self.get_object()
        return Response({"draw": draw.pk, **draws.draw_replay(draw)})


class DrawRun(generics.GenericAPIView):
    """The supervisor enters the number that, with the frozen list's hash, seeds the draw."""

    permission_classes = [CanRunDraw]
    serializer_class = DrawRunInput
    parser_classes = PARSERS
    queryset = ExpertDraw.objects.all()

    STATUS_OF = {"role": status.HTTP_403_FORBIDDEN, "input": status.HTTP_400_BAD_REQUEST,
                 "state": status.HTTP_409_CONFLICT, "tampered": status.HTTP_409_CONFLICT}

    @extend_schema(request=DrawRunInput, responses={200: DrawSerializer})
    def post(self, request, pk):
        draw = self.get_object()
        data = DrawRunInput(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            draw = draws.draw_run(draw_id=draw.pk, public_input=data.validated_data["public_input"],
                                  actor=request.user)
        except draws.DrawError as exc:
            return error(exc.message, exc.code, self.STATUS_OF.get(exc.code, status.HTTP_400_BAD_REQUEST))
        draw = DrawDetail.queryset.get(pk=draw.pk)
        return Response(DrawSerializer(draw).data)


# --- Groups ---------------------------------------------------------------------------------


@extend_schema(parameters=[OpenApiParameter("stage", str, OpenApiParameter.PATH, enum=Stage.values)])
class GroupList(generics.ListAPIView):
    """The expert groups of a round's stage with their members and applications (pool readers)."""

    permission_classes = [CanReadPool]
    serializer_class = GroupSerializer
    pagination_class = None

    def list(self, request, *args, **kwargs):
        if kwargs["stage"] not in Stage.values:
            return error(_("Unknown review stage."), "invalid", status.HTTP_400_BAD_REQUEST)
        return super().list(request, *args, **kwargs)

    def get_queryset(self):
        return (ExpertGroup.objects.filter(round=_round(self.kwargs["round_id"]), stage=self.kwargs["stage"])
                .prefetch_related("members__expert", "assignments__application__organization")
                .order_by("number"))



# --- Scorecards -----------------------------------------------------------------------------


class ScorecardItemInput(serializers.Serializer):
    percent = serializers.IntegerField(required=False, allow_null=True, min_value=0, max_value=100)
    strengths = serializers.CharField(required=False, allow_blank=True, trim_whitespace=False, max_length=5000)
    opportunities = serializers.CharField(required=False, allow_blank=True, trim_whitespace=False, max_length=5000)


class ScorecardInput(serializers.Serializer):
    version = serializers.IntegerField()
    items = serializers.DictField(child=ScorecardItemInput(), required=False)
    overall_comment = serializers.CharField(required=False, allow_blank=True, trim_whitespace=False,
                                            max_length=10000)


class ScorecardSubmitInput(serializers.Serializer):
    version = serializers.IntegerField()


def _scorecard_body(card) -> dict:
    from . import scoring

    rows = scoring.item_scores(card)
    result = scoring.totals(rows, card.application.round.program.criteria.total_points)
    return {
        "id": card.pk, "application": card.application_id, "stage": card.stage, "status": card.status,
        "version": card.version, "overall_comment": card.overall_comment, "submitted_at": card.submitted_at,
        "total": str(result["overall"]),
        "categories": [{"id": k, "points": str(v)} for k, v in result["categories"].items()],
        "items": [{"item": row.item_id, "number": row.item.number, "name": row.item.name,
                   "item_type": row.item.item_type, "max_points": row.item.points, "percent": row.percent,
                   "points": None if row.percent is None else str(scoring.points(row.percent, row.item.points)),
                   "strengths": row.strengths, "opportunities": row.opportunities} for row in rows],
    }


def _scoring_error(exc) -> Response:
    if exc.code == "stale":
        return Response({"detail": exc.message, "code": "stale", "current": exc.current}, status=status.HTTP_409_CONFLICT)
    if exc.code in ("locked", "stage"):
        return error(exc.message, exc.code, status.HTTP_409_CONFLICT)
    if exc.code in ("forbidden", "not_found"):
        raise NotFound(_("No such application among those of your groups."))
    return Response({"detail": exc.message, "code": exc.code, "fields": exc.fields},
                    status=status.HTTP_400_BAD_REQUEST)


class ScorecardMixin:
    permission_classes = [HasExpertProfile]
    parser_classes = PARSERS

    def scorecard(self, request, pk):
        from . import scoring

        application = access.reviewable_applications(request.user).filter(pk=pk).first() \
            if str(pk).isdigit() else None
        if application is None:
            raise NotFound(_("No such application among those of your groups."))
        expert = expert_of(request.user)
        try:
            card = scoring.scorecard_for(expert, application)
        except scoring.ScoringError as exc:
            return expert, None, _scoring_error(exc)
        card.application = application
        return expert, card, None


class ScorecardDetail(ScorecardMixin, generics.GenericAPIView):
    """The signed-in expert's scorecard of an assigned application in the current stage (created
    on first read). PUT names the version it was read at: a stale one answers 409 with the stored
    values; a submitted scorecard answers 409 "locked". 404 for an application outside their groups."""

    serializer_class = ScorecardInput

    @extend_schema(responses={200: dict})
    def get(self, request, pk):
        expert, card, refused = self.scorecard(request, pk)
        return refused or Response(_scorecard_body(card))

    @extend_schema(request=ScorecardInput, responses={200: dict, 409: dict})
    def put(self, request, pk):
        from . import scoring

        expert, card, refused = self.scorecard(request, pk)
        if refused:
            return refused
        data = ScorecardInput(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            card = scoring.scorecard_save(scorecard_id=card.pk, expert=expert, version=data.validated_data["version"],
                                          items=data.validated_data.get("items") or {},
                                          overall_comment=data.validated_data.get("overall_comment"))
        except scoring.ScoringError as exc:
            return _scoring_error(exc)
        return Response(_scorecard_body(card))


class ScorecardSubmit(ScorecardMixin, generics.GenericAPIView):
    """Submit (lock) the scorecard: every item scored, the version the stored one."""

    serializer_class = ScorecardSubmitInput

    @extend_schema(request=ScorecardSubmitInput, responses={200: dict, 409: dict})
    def post(self, request, pk):
        from . import scoring

        expert, card, refused = self.scorecard(request, pk)
        if refused:
            return refused
        data = ScorecardSubmitInput(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            card = scoring.scorecard_submit(scorecard_id=card.pk, expert=expert, version=data.validated_data["version"])
        except scoring.ScoringError as exc:
            return _scoring_error(exc)
        return Response(_scorecard_body(card))
