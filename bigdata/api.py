"""JSON API: imports (upload a file), runs (start, progress) and flags (read, decide).

Each viewset names the predicates of permissions.py that allow reading it and writing to it.
"""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import permissions as drf_permissions
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from applications.api import PARSERS
from applications.models import AwardProgram, Round

from . import permissions, screening, services
from .models import FigureMismatch, Flag, ImportBatch, PublicRecord, RecordSource, Run, ScreeningRule


class BigDataPermission(drf_permissions.BasePermission):
    """The view's `read_allowed` predicate for reads, its `write_allowed` for every other method."""

    def has_permission(self, request, view):
        user = request.user
        if not user.is_authenticated:
            return False
        if request.method in drf_permissions.SAFE_METHODS:
            return view.read_allowed(user)
        return view.write_allowed(user)


class ImportBatchSerializer(serializers.ModelSerializer):
    source = serializers.SlugRelatedField(slug_field="code", read_only=True)
    message = serializers.CharField(source="message_text", read_only=True)

    class Meta:
        model = ImportBatch
        fields = ["id", "source", "file_name", "encoding", "status", "message", "message_code", "message_params",
                  "rows_total", "rows_imported", "rows_duplicate", "rows_rejected", "matched_by_code",
                  "matched_by_name", "unmatched", "seconds"]
        read_only_fields = fields


class ImportInput(serializers.Serializer):
    source = serializers.SlugRelatedField(slug_field="code", queryset=RecordSource.objects.all())
    file = serializers.FileField()
    accept_partial = serializers.BooleanField(required=False, default=False)


class ImportBatchViewSet(viewsets.ReadOnlyModelViewSet):
    permission_classes = [BigDataPermission]
    serializer_class = ImportBatchSerializer
    queryset = ImportBatch.objects.select_related("source")
    parser_classes = [MultiPartParser, FormParser]
    read_allowed = staticmethod(permissions.can_read_bigdata)
    write_allowed = staticmethod(permissions.can_import)

    def create(self, request):
        data = ImportInput(data=request.data)
        data.is_valid(raise_exception=True)
        upload = data.validated_data["file"]
        batch = services.records_import_queued(source=data.validated_data["source"], data=upload.read(),
                                               file_name=upload.name, actor=request.user,
                                               accept_partial=data.validated_data["accept_partial"])
        body = ImportBatchSerializer(batch).data
        body["rejected_rows"] = [{"row_number": row.row_number, "code": row.code, "reason": row.reason_text}
                                 for row in batch.rejected_rows.all()[:1000]]
        # 202 while a worker imports it (poll the batch); 201 or 400 once it is done (eager Celery).
        code = {ImportBatch.Status.RUNNING: status.HTTP_202_ACCEPTED,
                ImportBatch.Status.IMPORTED: status.HTTP_201_CREATED}.get(batch.status, status.HTTP_400_BAD_REQUEST)
        return Response(body, status=code)


class RunSerializer(serializers.ModelSerializer):
    """`organizations`: the organisations the run covers (a run of a round: its applicants)."""

    program = serializers.SlugRelatedField(slug_field="code", read_only=True)
    message = serializers.CharField(source="message_text", read_only=True)

    class Meta:
        model = Run
        fields = ["id", "kind", "program", "round", "all_organizations", "version", "reference_date", "status",
                  "progress", "chunks_done", "chunks_total", "organizations", "flags_count", "seconds", "message",
                  "message_code", "message_params"]
        read_only_fields = fields


class RunInput(serializers.Serializer):
    """A run of a program; with `round` (an id), of that round's applicants only, as of its
    application deadline unless `reference_date` is given (`program` may then be left out)."""

    program = serializers.SlugRelatedField(slug_field="code", queryset=AwardProgram.objects.all(), required=False)
    round = serializers.PrimaryKeyRelatedField(queryset=Round.objects.select_related("program"), required=False,
                                               allow_null=True)
    kind = serializers.ChoiceField(choices=Run.Kind.choices, default=Run.Kind.SCREENING)
    reference_date = serializers.DateField(required=False, allow_null=True)

    def validate(self, data):
        rnd = data.get("round")
        if rnd is not None:
            if data.get("program") not in (None, rnd.program):
                raise serializers.ValidationError({"round": _("The round belongs to another program.")})
            data["program"] = rnd.program
            if data.get("reference_date") is None:
                data["reference_date"] = timezone.localtime(rnd.application_deadline).date()
        if data.get("program") is None:
            raise serializers.ValidationError({"program": _("Choose a program or a round.")})
        return data


class RunViewSet(viewsets.ReadOnlyModelViewSet):
    permission_classes = [BigDataPermission]
    serializer_class = RunSerializer
    queryset = Run.objects.select_related("program", "round")
    read_allowed = staticmethod(permissions.can_read_screening)
    write_allowed = staticmethod(permissions.can_run)
    parser_classes = PARSERS

    def create(self, request):
        data = RunInput(data=request.data)
        data.is_valid(raise_exception=True)
        run = services.run_start(actor=request.user, **data.validated_data)
        return Response(RunSerializer(run).data, status=status.HTTP_201_CREATED)


class RecordSerializer(serializers.ModelSerializer):
    class Meta:
        model = PublicRecord
        fields = ["id", "source_record_id", "record_type", "credit_code", "org_name", "occurred_on", "removed_on",
                  "severity", "amount_10k", "grade", "title", "authority", "document_no"]


class FigureMismatchSerializer(serializers.ModelSerializer):
    source = serializers.CharField(source="record.source.code", read_only=True)
    source_record_id = serializers.CharField(source="record.source_record_id", read_only=True)

    class Meta:
        model = FigureMismatch
        fields = ["year", "figure", "declared", "recorded", "record", "source", "source_record_id", "application"]
        read_only_fields = fields


class FlagSerializer(serializers.ModelSerializer):
    organization = serializers.StringRelatedField()
    credit_code = serializers.CharField(source="organization.credit_code", read_only=True)
    rule = serializers.SlugRelatedField(slug_field="code", read_only=True)
    articles = serializers.ListField(source="rule.articles", child=serializers.CharField(), read_only=True)
    evidence = RecordSerializer(source="records", many=True, read_only=True)
    figure_mismatches = FigureMismatchSerializer(many=True, read_only=True)

    class Meta:
        model = Flag
        fields = ["id", "run", "organization", "credit_code", "rule", "articles", "outcome", "record_count",
                  "first_on", "last_on", "decision", "decision_reason", "evidence", "figure_mismatches"]
        read_only_fields = fields


class FlagFilter(serializers.Serializer):
    run = serializers.IntegerField(required=False, min_value=1, max_value=2**63 - 1)  # a bigint id
    decision = serializers.ChoiceField(choices=Flag.Decision.choices, required=False)
    outcome = serializers.ChoiceField(choices=ScreeningRule.Outcome.choices, required=False)


class DecisionInput(serializers.Serializer):
    decision = serializers.ChoiceField(choices=[Flag.Decision.CONFIRMED, Flag.Decision.DISMISSED])
    reason = serializers.CharField()


class FlagViewSet(viewsets.ReadOnlyModelViewSet):
    permission_classes = [BigDataPermission]
    serializer_class = FlagSerializer
    read_allowed = staticmethod(permissions.can_read_screening)
    write_allowed = staticmethod(permissions.can_decide)
    parser_classes = PARSERS

    def get_queryset(self):
        flags = (Flag.objects.select_related("organization", "rule")
                 .prefetch_related("records", "figure_mismatches__record__source").order_by("id"))
        if self.action != "list":
            return flags
        filters = FlagFilter(data=self.request.query_params)
        filters.is_valid(raise_exception=True)
        return flags.filter(**filters.validated_data)

    @action(detail=True, methods=["post"], serializer_class=DecisionInput)
    def decide(self, request, pk=None):
        """409 for a flag of a superseded run (decide it in the newest run), 400 for bad input."""
        data = DecisionInput(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            flag = screening.flag_decide(flag_id=self.get_object().pk, actor=request.user, **data.validated_data)
        except DjangoPermissionDenied:
            return Response({"detail": "forbidden"}, status=status.HTTP_403_FORBIDDEN)
        except ValidationError as exc:
            conflict = getattr(exc, "code", None) == "superseded"
            return Response({"detail": exc.messages, "code": getattr(exc, "code", None)},
                            status=status.HTTP_409_CONFLICT if conflict else status.HTTP_400_BAD_REQUEST)
        return Response(FlagSerializer(flag).data)
