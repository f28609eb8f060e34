"""JSON API of the monitoring app: runs (office), incidents (readers; the winner its own, with its
explanation), revocations (readers) and the winner's self-evaluation reports.

Errors are JSON `{"detail": translated message, "code": code}`: 400 bad input, 403 a role that may
not do this, 404 unknown, 409 a state that forbids it. Writes go through the services, which audit.
"""

from django.db.models import Q
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers, status
from rest_framework import permissions as drf_permissions
from rest_framework.response import Response

from applications.api import PARSERS
from applications.models import AwardProgram
from award_portal.api_errors import service_error

from . import permissions, selectors
from .errors import MonitoringError
from .incidents import incident_close, incident_explain, incident_self_report
from .models import Incident, MonitoringRun, Revocation, SelfEvaluationReport
from .revocation import revocation_approve, revocation_committee_decide, revocation_propose
from .self_evaluation import report_file
from .watch import MonitoringDeferred, monitoring_run

#: A refused service call as JSON (the same statuses in every app).
error = service_error


class CanReadMonitoring(drf_permissions.BasePermission):
    message = gettext_lazy("Only the review office, the committee and supervisors read monitoring.")

    def has_permission(self, request, view):
        return permissions.can_read_monitoring(request.user)


class CanManageMonitoring(drf_permissions.BasePermission):
    message = gettext_lazy("Only the review office runs monitoring and decides incidents.")

    def has_permission(self, request, view):
        return permissions.can_manage_monitoring(request.user)


class ActsForAnOrganisation(drf_permissions.BasePermission):
    message = gettext_lazy("Only people acting for an organisation have awards of their own.")

    def has_permission(self, request, view):
        return bool(permissions.organization_ids_of(request.user))


class RunSerializer(serializers.ModelSerializer):
    program = serializers.CharField(source="program.code", read_only=True)

    class Meta:
        model = MonitoringRun
        fields = ["id", "program", "kind", "record_from", "record_to", "winners", "incidents_opened", "seconds",
                  "created_at"]
        read_only_fields = fields


class IncidentSerializer(serializers.ModelSerializer):
    organization = serializers.CharField(source="application.organization.name", read_only=True)
    program = serializers.CharField(source="application.round.program.code", read_only=True)
    rule = serializers.CharField(source="rule.code", read_only=True, default=None)

    class Meta:
        model = Incident
        fields = ["id", "application", "organization", "program", "source", "kind", "rule", "record_id",
                  "occurred_on", "record_type", "grade", "title", "authority", "document_no", "status",
                  "explanation", "explained_at", "finding", "finding_text", "closed_at", "opened_at"]
        read_only_fields = fields


class RevocationSerializer(serializers.ModelSerializer):
    organization = serializers.CharField(source="application.organization.name", read_only=True)

    class Meta:
        model = Revocation
        fields = ["id", "application", "organization", "incident", "ground", "event_on", "status", "proposed_at",
                  "committee_decided_on", "approving_body", "approval_number", "approved_on", "revoked_at",
                  "audit_event_id", "audit_hash", "funds_recovered", "plaque_returned_on", "certificate_returned_on"]
        read_only_fields = fields


class ReportSerializer(serializers.ModelSerializer):
    organization = serializers.CharField(source="application.organization.name", read_only=True)

    class Meta:
        model = SelfEvaluationReport
        fields = ["id", "application", "organization", "sequence", "covers_year", "due_on", "status", "filed_at"]
        read_only_fields = fields


class RunInput(serializers.Serializer):
    program = serializers.SlugRelatedField(slug_field="code",
                                           queryset=AwardProgram.objects.filter(revocation_window_years__isnull=False))


class Runs(generics.ListAPIView):
    """Monitoring runs (readers); POST runs monitoring for a program now (office)."""

    serializer_class = RunSerializer
    parser_classes = PARSERS

    def get_permissions(self):
        return [CanManageMonitoring()] if self.request.method == "POST" else [CanReadMonitoring()]

    def get_queryset(self):
        return selectors.runs()[:200]

    @extend_schema(request=RunInput, responses={201: RunSerializer})
    def post(self, request):
        data = RunInput(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            run = monitoring_run(program_id=data.validated_data["program"].pk, actor=request.user)
        except MonitoringDeferred as exc:
            return Response({"detail": str(exc), "code": "deferred"}, status=status.HTTP_409_CONFLICT)
        return Response(RunSerializer(run).data, status=status.HTTP_201_CREATED)


class Incidents(generics.ListAPIView):
    """Incidents: every one for readers, its own for a winner's member."""

    serializer_class = IncidentSerializer

    def get_permissions(self):
        return [drf_permissions.IsAuthenticated()]

    def get_queryset(self):
        user = self.request.user
        qs = selectors.incidents().order_by("-opened_at", "-id")
        if not permissions.can_read_monitoring(user):
            qs = qs.filter(application__organization_id__in=permissions.organization_ids_of(user))
        return qs[:500]


class ExplainInput(serializers.Serializer):
    explanation = serializers.CharField(max_length=20000)


class IncidentExplain(generics.GenericAPIView):
    """The winner's written explanation."""

    permission_classes = [ActsForAnOrganisation]
    serializer_class = ExplainInput
    parser_classes = PARSERS
    queryset = Incident.objects.all()

    @extend_schema(request=ExplainInput, responses={200: IncidentSerializer})
    def post(self, request, pk):
        incident = get_object_or_404(Incident, pk=pk)
        data = ExplainInput(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            incident = incident_explain(incident_id=incident.pk, actor=request.user, **data.validated_data)
        except MonitoringError as exc:
            return error(exc)
        return Response(IncidentSerializer(incident).data)


class CloseInput(serializers.Serializer):
    finding = serializers.ChoiceField(choices=Incident.Finding.choices)
    text = serializers.CharField(max_length=20000)


class IncidentClose(generics.GenericAPIView):
    """The office closes an incident with its finding."""

    permission_classes = [CanManageMonitoring]
    serializer_class = CloseInput
    parser_classes = PARSERS
    queryset = Incident.objects.all()

    @extend_schema(request=CloseInput, responses={200: IncidentSerializer})
    def post(self, request, pk):
        incident = get_object_or_404(Incident, pk=pk)
        data = CloseInput(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            incident = incident_close(incident_id=incident.pk, actor=request.user, **data.validated_data)
        except MonitoringError as exc:
            return error(exc)
        return Response(IncidentSerializer(incident).data)


class Revocations(generics.ListAPIView):
    permission_classes = [CanReadMonitoring]
    serializer_class = RevocationSerializer

    def get_queryset(self):
        return selectors.revocations()[:500]


class Reports(generics.ListAPIView):
    """Self-evaluation reports: every one for readers, its own for a winner's member."""

    serializer_class = ReportSerializer

    def get_permissions(self):
        return [drf_permissions.IsAuthenticated()]

    def get_queryset(self):
        user = self.request.user
        qs = selectors.reports().order_by("due_on", "pk")
        if not permissions.can_read_monitoring(user):
            qs = qs.filter(Q(application__organization_id__in=permissions.organization_ids_of(user)))
        return qs[:500]


class FileInput(serializers.Serializer):
    text = serializers.CharField(max_length=100000)


class ReportFile(generics.GenericAPIView):
    """The winner files a due report."""

    permission_classes = [ActsForAnOrganisation]
    serializer_class = FileInput
    parser_classes = PARSERS
    queryset = SelfEvaluationReport.objects.all()

    @extend_schema(request=FileInput, responses={200: ReportSerializer})
    def post(self, request, pk):
        report = get_object_or_404(SelfEvaluationReport, pk=pk)
        data = FileInput(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            report = report_file(report_id=report.pk, actor=request.user, **data.validated_data)
        except MonitoringError as exc:
            return error(exc)
        return Response(ReportSerializer(report).data)


class ProposeInput(serializers.Serializer):
    application = serializers.IntegerField()
    ground = serializers.ChoiceField(choices=Revocation.Ground.choices)
    event_on = serializers.DateField(required=False, allow_null=True)
    proposal = serializers.CharField(max_length=20000)
    incident = serializers.IntegerField(required=False, allow_null=True)


class RevocationPropose(generics.GenericAPIView):
    """The office proposes revoking an award (from an incident or not)."""

    permission_classes = [CanManageMonitoring]
    serializer_class = ProposeInput
    parser_classes = PARSERS

    @extend_schema(request=ProposeInput, responses={201: RevocationSerializer})
    def post(self, request):
        data = ProposeInput(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        try:
            revocation = revocation_propose(application_id=v["application"], actor=request.user, ground=v["ground"],
                                            event_on=v.get("event_on"), proposal=v["proposal"],
                                            incident_id=v.get("incident"))
        except MonitoringError as exc:
            return error(exc)
        return Response(RevocationSerializer(revocation).data, status=status.HTTP_201_CREATED)


class CommitteeInput(serializers.Serializer):
    agreed = serializers.BooleanField()
    decision = serializers.CharField(max_length=20000)
    decided_on = serializers.DateField(required=False, allow_null=True)


class CanRecordCommitteeDecision(drf_permissions.BasePermission):
    message = gettext_lazy("Only the committee or the review office records the committee's decision.")

    def has_permission(self, request, view):
        return permissions.can_record_committee_decision(request.user)


class RevocationCommittee(generics.GenericAPIView):
    """The committee's decision on a proposed revocation."""

    permission_classes = [CanRecordCommitteeDecision]
    serializer_class = CommitteeInput
    parser_classes = PARSERS
    queryset = Revocation.objects.all()

    @extend_schema(request=CommitteeInput, responses={200: RevocationSerializer})
    def post(self, request, pk):
        revocation = get_object_or_404(Revocation, pk=pk)
        data = CommitteeInput(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            revocation = revocation_committee_decide(revocation_id=revocation.pk, actor=request.user,
                                                     **data.validated_data)
        except MonitoringError as exc:
            return error(exc)
        return Response(RevocationSerializer(revocation).data)


class ApproveInput(serializers.Serializer):
    approving_body = serializers.CharField(max_length=100)
    approval_number = serializers.CharField(max_length=64, required=False, allow_blank=True, default="")
    approved_on = serializers.DateField()
    announcement = serializers.CharField(max_length=20000)


class RevocationApprove(generics.GenericAPIView):
    """The government's approval: the award is revoked, announced and its payments recovered."""

    permission_classes = [CanManageMonitoring]
    serializer_class = ApproveInput
    parser_classes = PARSERS
    queryset = Revocation.objects.all()

    @extend_schema(request=ApproveInput, responses={200: RevocationSerializer})
    def post(self, request, pk):
        revocation = get_object_or_404(Revocation, pk=pk)
        data = ApproveInput(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            revocation = revocation_approve(revocation_id=revocation.pk, actor=request.user, **data.validated_data)
        except MonitoringError as exc:
            return error(exc)
        return Response(RevocationSerializer(revocation).data)


class SelfReportInput(serializers.Serializer):
    application = serializers.IntegerField()
    occurred_on = serializers.DateField()
    title = serializers.CharField(max_length=300)
    description = serializers.CharField(max_length=20000)


class IncidentReport(generics.GenericAPIView):
    """A winner reports an incident of its own (bj2020 art. 27)."""

    permission_classes = [ActsForAnOrganisation]
    serializer_class = SelfReportInput
    parser_classes = PARSERS

    @extend_schema(request=SelfReportInput, responses={201: IncidentSerializer})
    def post(self, request):
        data = SelfReportInput(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        try:
            incident = incident_self_report(application_id=v["application"], actor=request.user,
                                            occurred_on=v["occurred_on"], title=v["title"],
                                            description=v["description"])
        except MonitoringError as exc:
            return error(exc)
        return Response(IncidentSerializer(incident).data, status=status.HTTP_201_CREATED)
