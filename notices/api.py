"""JSON API of the notices app: published notices with their lists (public, like the pages); for
the office and supervisors the objections with their verification status; for the office
publishing a round's notice and recording a finding, through the same services as the pages
(notices.publication, notices.objections).

Objections are lodged through the public page (its file checks, rate limit and receipt). Errors
are JSON `{"detail": message}`: 400 bad input or a refusal of the service, 403 a role that may
not do this.
"""

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy
from rest_framework import generics, serializers, status
from rest_framework import permissions as drf_permissions
from rest_framework.response import Response

from applications.api import PARSERS
from applications.enums import NoticeStage
from applications.models import Round

from . import selectors
from .models import NoticeEntry, Objection, PublicNotice
from .objections import objection_decide
from .permissions import can_manage_notices, can_read_objections
from .publication import notice_publish


class NoticeEntrySerializer(serializers.ModelSerializer):
    class Meta:
        model = NoticeEntry
        fields = ["id", "position", "organization_name", "organization_name_en", "tier_name_zh", "tier_name_en"]


class NoticeVerificationSerializer(serializers.ModelSerializer):
    organization_name = serializers.CharField(source="entry.organization_name")

    class Meta:
        model = Objection
        fields = ["receipt", "organization_name", "finding", "finding_reasons", "decided_at"]


class NoticeSerializer(serializers.ModelSerializer):
    round = serializers.CharField(source="round.name")
    program = serializers.CharField(source="round.program.code")
    entries = NoticeEntrySerializer(many=True, read_only=True)
    verification_results = NoticeVerificationSerializer(source="decided_objections", many=True, read_only=True)

    class Meta:
        model = PublicNotice
        fields = ["id", "round", "program", "stage", "working_days", "starts_on", "ends_on", "closes_at",
                  "published_at", "audit_event_id", "audit_hash", "entries", "verification_results"]


class NoticeObjectionSerializer(serializers.ModelSerializer):
    notice = serializers.IntegerField(source="notice_id")
    organization_name = serializers.CharField(source="entry.organization_name")

    class Meta:
        model = Objection
        fields = ["id", "receipt", "notice", "organization_name", "submitted_at", "due_on", "finding",
                  "finding_reasons", "decided_at"]


class CanReadObjections(drf_permissions.BasePermission):
    message = gettext_lazy("Only the office and supervisors read objections.")

    def has_permission(self, request, view):
        return can_read_objections(request.user)


class NoticeList(generics.ListAPIView):
    """Published notices, newest first (public)."""

    serializer_class = NoticeSerializer
    permission_classes = [drf_permissions.AllowAny]

    def get_queryset(self):
        return selectors.with_entries(PublicNotice.objects.all()).order_by("-starts_on", "-id")


class NoticeDetail(generics.RetrieveAPIView):
    serializer_class = NoticeSerializer
    permission_classes = [drf_permissions.AllowAny]

    def get_queryset(self):
        return selectors.with_entries(PublicNotice.objects.all())


class ObjectionList(generics.ListAPIView):
    """Every objection with its status and due date (office and supervisors)."""

    serializer_class = NoticeObjectionSerializer
    permission_classes = [drf_permissions.IsAuthenticated, CanReadObjections]

    def get_queryset(self):
        return selectors.objections_for_office()


class CanManageNotices(drf_permissions.BasePermission):
    message = gettext_lazy("Only the review office publishes notices and records findings.")

    def has_permission(self, request, view):
        return can_manage_notices(request.user)


class PublishInput(serializers.Serializer):
    stage = serializers.ChoiceField(choices=NoticeStage.choices)
    starts_on = serializers.DateField(required=False)
    note_zh = serializers.CharField(required=False, allow_blank=True, max_length=5000)
    note_en = serializers.CharField(required=False, allow_blank=True, max_length=5000)


class FindingInput(serializers.Serializer):
    upheld = serializers.BooleanField()
    reasons = serializers.CharField(max_length=5000)


def _refused(exc: ValidationError) -> Response:
    return Response({"detail": " ".join(exc.messages)}, status=status.HTTP_400_BAD_REQUEST)


class NoticePublish(generics.GenericAPIView):
    """Publish the round's list for a stage (the proposed winners go on public notice)."""

    serializer_class = PublishInput
    permission_classes = [drf_permissions.IsAuthenticated, CanManageNotices]
    parser_classes = PARSERS
    queryset = Round.objects.all()

    def post(self, request, pk):
        data = PublishInput(data=request.data)
        data.is_valid(raise_exception=True)
        rnd = get_object_or_404(Round, pk=pk)
        try:
            notice = notice_publish(round_id=rnd.pk, actor=request.user, **data.validated_data)
        except ValidationError as exc:
            return _refused(exc)
        notice = selectors.with_entries(PublicNotice.objects.filter(pk=notice.pk)).get()
        return Response(NoticeSerializer(notice).data, status=status.HTTP_201_CREATED)


class ObjectionDecide(generics.GenericAPIView):
    """Record and publish the finding on one objection (an upheld one takes the organisation off the list)."""

    serializer_class = FindingInput
    permission_classes = [drf_permissions.IsAuthenticated, CanManageNotices]
    parser_classes = PARSERS
    queryset = Objection.objects.all()

    def post(self, request, pk):
        data = FindingInput(data=request.data)
        data.is_valid(raise_exception=True)
        objection = get_object_or_404(Objection, pk=pk)
        try:
            objection = objection_decide(objection_id=objection.pk, actor=request.user, **data.validated_data)
        except ValidationError as exc:
            return _refused(exc)
        return Response(NoticeObjectionSerializer(objection).data)
