"""JSON API of the cultivation app: campaigns and their progress (public when the campaign is),
courses (list, create), attendance, methods adopted, and an organisation's own enrolments.

Errors are JSON `{"detail": translated message, "code": code}`: 400 bad input, 403 a role that may
not do this, 404 unknown, 409 a state that forbids it. Writes go through the services, which audit.
"""

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers, status
from rest_framework import permissions as drf_permissions
from rest_framework.response import Response
from rest_framework.views import APIView

from award_portal.api_errors import service_error

from . import campaigns as campaign_services
from . import courses as course_services
from . import permissions, selectors
from .errors import CultivationError
from .models import Campaign, Course, Enrolment, Method, TrackedOrganization

#: A refused service call as JSON (the same statuses in every app).
error = service_error


class CanReadCultivation(drf_permissions.BasePermission):
    message = gettext_lazy("Only the review office and supervisors read cultivation records.")

    def has_permission(self, request, view):
        if request.method in drf_permissions.SAFE_METHODS:
            return permissions.can_read_cultivation(request.user)
        return permissions.can_manage_cultivation(request.user)


class CanManageCultivation(drf_permissions.BasePermission):
    message = gettext_lazy("Only the review office manages cultivation.")

    def has_permission(self, request, view):
        return permissions.can_manage_cultivation(request.user)


class ActsForAnOrganisation(drf_permissions.BasePermission):
    message = gettext_lazy("Only people acting for an organisation have enrolments of their own.")

    def has_permission(self, request, view):
        return permissions.has_own_cultivation(request.user)


class CampaignSerializer(serializers.ModelSerializer):
    name = serializers.CharField(read_only=True)
    program = serializers.CharField(source="program.code", read_only=True)
    tracked = serializers.IntegerField(source="n_tracked", read_only=True)

    class Meta:
        model = Campaign
        fields = ["id", "name", "name_zh", "name_en", "program", "starts_on", "ends_on", "target_cultivated",
                  "target_adopting", "is_public", "tracked"]


class CourseSerializer(serializers.ModelSerializer):
    enrolled = serializers.IntegerField(source="n_enrolled", read_only=True)
    attended = serializers.IntegerField(source="n_attended", read_only=True)
    host = serializers.CharField(source="host.credit_code", read_only=True, default=None)

    class Meta:
        model = Course
        fields = ["id", "kind", "topic", "held_on", "place", "trainer", "capacity", "campaign", "host", "enrolled",
                  "attended"]


class EnrolmentSerializer(serializers.ModelSerializer):
    course = CourseSerializer(read_only=True)
    organization = serializers.CharField(source="organization.name", read_only=True)

    class Meta:
        model = Enrolment
        fields = ["id", "course", "organization", "person", "attendance"]


class CourseInput(serializers.Serializer):
    kind = serializers.ChoiceField(choices=Course.Kind.choices, default=Course.Kind.COURSE)
    topic = serializers.CharField(max_length=200)
    held_on = serializers.DateField()
    place = serializers.CharField(max_length=200)
    trainer = serializers.CharField(max_length=200)
    capacity = serializers.IntegerField(min_value=1, max_value=10000)
    campaign = serializers.IntegerField(required=False, allow_null=True, min_value=1, max_value=2**31 - 1)
    host = serializers.CharField(required=False, allow_blank=True, max_length=18)


class AttendanceInput(serializers.Serializer):
    attendance = serializers.DictField(child=serializers.ChoiceField(choices=[
        Enrolment.Attendance.ATTENDED, Enrolment.Attendance.ABSENT]), allow_empty=False)


class MethodInput(serializers.Serializer):
    method = serializers.ChoiceField(choices=Method.choices)
    adopted_on = serializers.DateField()


class MethodOutput(serializers.Serializer):
    id = serializers.IntegerField()
    method = serializers.CharField()
    adopted_on = serializers.DateField()


def invalid(serializer) -> Response:
    first = next(iter(serializer.errors.values()), [""])
    detail = first[0] if isinstance(first, list) and first else str(first)
    return Response({"detail": str(detail), "code": "input", "errors": serializer.errors},
                    status=status.HTTP_400_BAD_REQUEST)


class CampaignList(generics.ListAPIView):
    permission_classes = [CanReadCultivation]
    serializer_class = CampaignSerializer

    def get_queryset(self):
        return selectors.campaigns()


class CampaignProgress(APIView):
    """Public for a public campaign: figures only."""

    permission_classes = [drf_permissions.AllowAny]

    @extend_schema(responses={200: dict})
    def get(self, request, pk):
        campaign = get_object_or_404(Campaign, pk=pk)
        if not permissions.can_see_progress(request.user, campaign):
            raise Http404
        return Response({"campaign": campaign.pk, "name": campaign.name, **selectors.campaign_progress(campaign)})


class CourseList(generics.ListCreateAPIView):
    permission_classes = [CanReadCultivation]
    serializer_class = CourseSerializer

    def get_queryset(self):
        return selectors.courses()

    @extend_schema(request=CourseInput, responses={201: CourseSerializer})
    def create(self, request, *args, **kwargs):
        form = CourseInput(data=request.data)
        if not form.is_valid():
            return invalid(form)
        d = form.validated_data
        try:
            course = course_services.course_create(
                actor=request.user, kind=d["kind"], topic=d["topic"], held_on=d["held_on"], place=d["place"],
                trainer=d["trainer"], capacity=d["capacity"], campaign_id=d.get("campaign"),
                host_credit_code=d.get("host") or "")
        except CultivationError as exc:
            return error(exc)
        return Response(CourseSerializer(selectors.courses().get(pk=course.pk)).data, status=status.HTTP_201_CREATED)


class Attendance(APIView):
    """POST {"attendance": {"<enrolment id>": "attended" | "absent"}}."""

    permission_classes = [CanManageCultivation]

    @extend_schema(request=AttendanceInput, responses={200: dict})
    def post(self, request, pk):
        get_object_or_404(Course, pk=pk)
        form = AttendanceInput(data=request.data)
        if not form.is_valid():
            return error(CultivationError(gettext_lazy("Mark each participant as attended or absent."), "input"))
        try:
            changed = course_services.attendance_record(course_id=pk, actor=request.user,
                                                        attendance=form.validated_data["attendance"])
        except CultivationError as exc:
            return error(exc)
        return Response({"changed": changed})


class MethodAdd(APIView):
    """POST {"method": "qc_circle", "adopted_on": "2026-05-01"} by the office or the organisation."""

    permission_classes = [drf_permissions.IsAuthenticated]

    @extend_schema(request=MethodInput, responses={201: MethodOutput})
    def post(self, request, pk):
        tracked = get_object_or_404(TrackedOrganization, pk=pk)
        if not permissions.can_record_method(request.user, tracked):
            return error(CultivationError(gettext_lazy(
                "Only the review office or the organisation itself records its methods."), "role"))
        form = MethodInput(data=request.data)
        if not form.is_valid():
            return invalid(form)
        try:
            adoption = campaign_services.method_adopt(tracked_id=pk, actor=request.user,
                                                      method=form.validated_data["method"],
                                                      adopted_on=form.validated_data["adopted_on"])
        except CultivationError as exc:
            return error(exc)
        return Response({"id": adoption.pk, "method": adoption.method, "adopted_on": adoption.adopted_on},
                        status=status.HTTP_201_CREATED)


class Mine(generics.ListAPIView):
    permission_classes = [ActsForAnOrganisation]
    serializer_class = EnrolmentSerializer

    def get_queryset(self):
        return selectors.own_enrolments(self.request.user)
