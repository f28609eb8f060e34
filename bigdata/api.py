"""JSON API: imports (upload a file), runs (start, progress) and flags (read, decide)."""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError
from rest_framework import permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from applications.models import AwardProgram
from award_portal.roles import Role, can_read_everything, has_role, is_office

from . import screening, services
from .models import Flag, ImportBatch, PublicRecord, RecordSource, Run


class CanReadBigData(permissions.BasePermission):
    def has_permission(self, request, view):
        user = request.user
        if not user.is_authenticated or not (can_read_everything(user) or has_role(user, Role.GUIDANCE)):
            return False
        return request.method in permissions.SAFE_METHODS or is_office(user)


class ImportBatchSerializer(serializers.ModelSerializer):
    source = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = ImportBatch
        fields = ["id", "source", "file_name", "encoding", "status", "message", "rows_total", "rows_imported",
                  "rows_duplicate", "rows_rejected", "matched_by_code", "matched_by_name", "unmatched", "seconds"]
        read_only_fields = fields


class ImportInput(serializers.Serializer):
    source = serializers.SlugRelatedField(slug_field="code", queryset=RecordSource.objects.all())
    file = serializers.FileField()
    accept_partial = serializers.BooleanField(required=False, default=False)


class ImportBatchViewSet(viewsets.ReadOnlyModelViewSet):
    permission_classes = [CanReadBigData]
    serializer_class = ImportBatchSerializer
    queryset = ImportBatch.objects.select_related("source")
    parser_classes = [MultiPartParser, FormParser]

    def create(self, request):
        data = ImportInput(data=request.data)
        data.is_valid(raise_exception=True)
        upload = data.validated_data["file"]
        batch = services.records_import(source=data.validated_data["source"], data=upload.read(),
                                        file_name=upload.name, actor=request.user,
                                        accept_partial=data.validated_data["accept_partial"])
        body = ImportBatchSerializer(batch).data
        body["rejected_rows"] = list(batch.rejected_rows.values("row_number", "reason")[:1000])
        code = status.HTTP_201_CREATED if batch.status == ImportBatch.Status.IMPORTED else status.HTTP_400_BAD_REQUEST
        return Response(body, status=code)


class RunSerializer(serializers.ModelSerializer):
    program = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = Run
        fields = ["id", "kind", "program", "version", "reference_date", "status", "progress", "chunks_done",
                  "chunks_total", "organizations", "flags_count", "seconds", "message"]
        read_only_fields = fields


class RunInput(serializers.Serializer):
    program = serializers.SlugRelatedField(slug_field="code", queryset=AwardProgram.objects.all())
    kind = serializers.ChoiceField(choices=Run.Kind.choices, default=Run.Kind.SCREENING)
    reference_date = serializers.DateField(required=False, allow_null=True)


class RunViewSet(viewsets.ReadOnlyModelViewSet):
    permission_classes = [CanReadBigData]
    serializer_class = RunSerializer
    queryset = Run.objects.select_related("program")

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


class FlagSerializer(serializers.ModelSerializer):
    organization = serializers.StringRelatedField()
    credit_code = serializers.CharField(source="organization.credit_code", read_only=True)
    rule = serializers.SlugRelatedField(slug_field="code", read_only=True)
    evidence = RecordSerializer(source="records", many=True, read_only=True)

    class Meta:
        model = Flag
        fields = ["id", "run", "organization", "credit_code", "rule", "outcome", "record_count", "first_on",
                  "last_on", "decision", "decision_reason", "evidence"]
        read_only_fields = fields


class DecisionInput(serializers.Serializer):
    decision = serializers.ChoiceField(choices=[Flag.Decision.CONFIRMED, Flag.Decision.DISMISSED])
    reason = serializers.CharField()


class FlagViewSet(viewsets.ReadOnlyModelViewSet):
    permission_classes = [CanReadBigData]
    serializer_class = FlagSerializer

    def get_queryset(self):
        flags = Flag.objects.select_related("organization", "rule").prefetch_related("records").order_by("id")
        for key in ("run", "decision", "outcome"):
            if self.request.query_params.get(key):
                flags = flags.filter(**{key: self.request.query_params[key]})
        return flags

    @action(detail=True, methods=["post"], serializer_class=DecisionInput)
    def decide(self, request, pk=None):
        data = DecisionInput(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            flag = screening.flag_decide(flag_id=self.get_object().pk, actor=request.user, **data.validated_data)
        except DjangoPermissionDenied:
            return Response({"detail": "forbidden"}, status=status.HTTP_403_FORBIDDEN)
        except ValidationError as exc:
            return Response({"detail": exc.messages}, status=status.HTTP_400_BAD_REQUEST)
        return Response(FlagSerializer(flag).data)
