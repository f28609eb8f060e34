"""JSON API of the notices app: published notices with their lists (public, like the pages) and,
for the office and supervisors, the objections with their verification status.

Objections are lodged through the public page (its file checks, rate limit and receipt); the
API reads. Writes would go through the same services (notices.publication, notices.objections).
"""

from django.utils.translation import gettext_lazy
from rest_framework import generics, serializers
from rest_framework import permissions as drf_permissions

from . import selectors
from .models import NoticeEntry, Objection, PublicNotice
from .permissions import can_read_objections


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
