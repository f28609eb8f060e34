"""JSON API of the awards app: a round's approval, decision and certificates; the approval itself;
the public certificate check; the funding ledger and payment decisions; the applicant's own
certificates and payments.

Errors are JSON `{"detail": translated message, "code": code}`: 400 bad input, 403 a role that may
not do this, 404 unknown, 409 a state that forbids it, 429 too many certificate checks. Writes go
through the services, which audit them.
"""

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers, status
from rest_framework import permissions as drf_permissions
from rest_framework.response import Response

from applications.api import PARSERS
from applications.models import Round
from award_portal.api_errors import service_error
from award_portal.middleware import client_ip

from . import approval as approval_services
from . import certificates, funding, permissions, selectors
from .errors import AwardsError
from .models import ApprovedEntry, Certificate, CommendationDecision, Payment

#: A refused service call as JSON (the same statuses in every app).
error = service_error


class CanReadAwards(drf_permissions.BasePermission):
    message = gettext_lazy("Only the review office and supervisors read approvals, decisions and payments.")

    def has_permission(self, request, view):
        return permissions.can_read_awards(request.user)


class CanManageAwards(drf_permissions.BasePermission):
    message = gettext_lazy("Only the review office records approvals and payments.")

    def has_permission(self, request, view):
        if request.method in drf_permissions.SAFE_METHODS:
            return permissions.can_read_awards(request.user)
        return permissions.can_manage_awards(request.user)


class ActsForAnOrganisation(drf_permissions.BasePermission):
    message = gettext_lazy("Only people acting for an organisation have certificates and payments of their own.")

    def has_permission(self, request, view):
        return permissions.has_own_awards(request.user)


class EntrySerializer(serializers.ModelSerializer):
    number = serializers.CharField(source="application.number", read_only=True)
    organization = serializers.CharField(source="application.organization.name", read_only=True)
    tier = serializers.CharField(source="tier.code", read_only=True)
    state = serializers.CharField(source="application.state", read_only=True)

    class Meta:
        model = ApprovedEntry
        fields = ["application", "number", "organization", "tier", "state"]
        read_only_fields = fields


class CertificateSerializer(serializers.ModelSerializer):
    tier = serializers.CharField(source="tier.code", read_only=True)
    round = serializers.IntegerField(source="decision.round_id", read_only=True)
    status = serializers.SerializerMethodField()

    class Meta:
        model = Certificate
        fields = ["id", "number", "organization_name", "tier", "round", "issued_on", "status"]
        read_only_fields = fields

    def get_status(self, obj) -> str:
        return certificates.certificate_status(obj)


class DecisionSerializer(serializers.ModelSerializer):
    class Meta:
        model = CommendationDecision
        fields = ["id", "document_number", "title", "issuer", "issued_on", "published_at", "audit_event_id",
                  "audit_hash"]
        read_only_fields = fields


class RoundAwardsSerializer(serializers.Serializer):
    round = serializers.IntegerField()
    approving_body = serializers.CharField(allow_null=True)
    approved_on = serializers.DateField(allow_null=True)
    conferred_on = serializers.DateField(allow_null=True)
    approved = EntrySerializer(many=True)
    decision = DecisionSerializer(allow_null=True)
    certificates = CertificateSerializer(many=True)


class ApprovalInput(serializers.Serializer):
    approving_body = serializers.CharField(max_length=100)
    approved_on = serializers.DateField()
    document_number = serializers.CharField(max_length=64, required=False, allow_blank=True)
    applications = serializers.ListField(child=serializers.IntegerField(min_value=1), min_length=1, max_length=500)
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True)


def _round_awards(rnd):
    approval = getattr(rnd, "award_approval", None)
    decision = getattr(rnd, "commendation_decision", None)
    return {"round": rnd.pk, "approving_body": approval.approving_body if approval else None,
            "approved_on": approval.approved_on if approval else None,
            "conferred_on": approval.conferred_on if approval else None,
            "approved": list(approval.entries.select_related("application__organization", "tier")) if approval else [],
            "decision": decision, "certificates": list(selectors.certificates_of(rnd))}


class RoundAwards(generics.GenericAPIView):
    """GET: a round's approval, decision and certificates. POST: record the government's approval."""

    permission_classes = [CanManageAwards]
    serializer_class = RoundAwardsSerializer
    parser_classes = PARSERS
    queryset = Round.objects.select_related("program", "award_approval", "commendation_decision")

    def get(self, request, pk):
        return Response(RoundAwardsSerializer(_round_awards(self.get_object())).data)

    @extend_schema(request=ApprovalInput, responses={201: RoundAwardsSerializer})
    def post(self, request, pk):
        rnd = self.get_object()
        data = ApprovalInput(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            approval_services.approval_record(round_id=rnd.pk, actor=request.user,
                                              application_ids=data.validated_data.pop("applications"),
                                              **data.validated_data)
        except AwardsError as exc:
            return error(exc)
        rnd = self.get_queryset().get(pk=rnd.pk)
        return Response(RoundAwardsSerializer(_round_awards(rnd)).data, status=status.HTTP_201_CREATED)


class VerifySerializer(serializers.Serializer):
    status = serializers.CharField()
    number = serializers.CharField(allow_null=True)
    organization = serializers.CharField(allow_null=True)
    tier = serializers.CharField(allow_null=True)
    round = serializers.CharField(allow_null=True)
    issued_on = serializers.DateField(allow_null=True)


class CertificateVerify(generics.GenericAPIView):
    """Public: check a certificate by its code (limited per client, like the page)."""

    permission_classes = [drf_permissions.AllowAny]
    authentication_classes = []
    serializer_class = VerifySerializer

    def get(self, request, code):
        if not certificates.lookup_allowed(client_ip(request) or "unknown"):
            return Response({"detail": _("Too many checks from your address. Please try again in a few minutes."),
                             "code": "throttled"}, status=status.HTTP_429_TOO_MANY_REQUESTS)
        certificate = certificates.certificate_lookup(code)
        if certificate is None:
            return Response({"detail": _("No certificate has this code."), "code": "not_found"},
                            status=status.HTTP_404_NOT_FOUND)
        return Response(VerifySerializer({
            "status": certificates.certificate_status(certificate), "number": certificate.number,
            "organization": certificate.organization_display, "tier": certificate.tier.name,
            "round": certificate.decision.round.name, "issued_on": certificate.issued_on}).data)


class PaymentSerializer(serializers.ModelSerializer):
    program = serializers.CharField(source="program.code", read_only=True)
    organization = serializers.CharField(source="organization.name", read_only=True)

    class Meta:
        model = Payment
        fields = ["id", "program", "organization", "application", "honour", "basis", "line", "entitlement",
                  "deducted", "amount", "status", "approved_on", "paid_on", "recovered_on", "reference"]
        read_only_fields = fields


class PaymentInput(serializers.Serializer):
    program = serializers.IntegerField(min_value=1)
    application = serializers.IntegerField(min_value=1, required=False, allow_null=True)
    honour = serializers.IntegerField(min_value=1, required=False, allow_null=True)
    amount = serializers.DecimalField(max_digits=12, decimal_places=2, min_value=0, required=False, allow_null=True)
    approved_on = serializers.DateField(required=False, allow_null=True)
    note = serializers.CharField(max_length=500, required=False, allow_blank=True)


class PaymentList(generics.ListCreateAPIView):
    """GET: the ledger (office, supervisors). POST: approve a prize or grant (office)."""

    permission_classes = [CanManageAwards]
    serializer_class = PaymentSerializer
    parser_classes = PARSERS

    def get_queryset(self):
        return selectors.payments_ledger()

    @extend_schema(request=PaymentInput, responses={201: PaymentSerializer})
    def post(self, request):
        data = PaymentInput(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        try:
            payment = funding.payment_approve(program_id=v["program"], actor=request.user,
                                              application_id=v.get("application"), honour_id=v.get("honour"),
                                              amount=v.get("amount"), approved_on=v.get("approved_on"),
                                              note=v.get("note", ""))
        except AwardsError as exc:
            return error(exc)
        return Response(PaymentSerializer(payment).data, status=status.HTTP_201_CREATED)


class PaymentStatusInput(serializers.Serializer):
    status = serializers.ChoiceField(choices=[Payment.Status.PAID, Payment.Status.RECOVERED])
    on = serializers.DateField(required=False, allow_null=True)
    reference = serializers.CharField(max_length=100, required=False, allow_blank=True)
    reason = serializers.CharField(max_length=1000, required=False, allow_blank=True)


class PaymentStatus(generics.GenericAPIView):
    """Mark an approved payment paid, or recover it (office)."""

    permission_classes = [CanManageAwards]
    serializer_class = PaymentStatusInput
    parser_classes = PARSERS
    queryset = Payment.objects.all()

    @extend_schema(request=PaymentStatusInput, responses={200: PaymentSerializer})
    def post(self, request, pk):
        payment = get_object_or_404(Payment, pk=pk)
        data = PaymentStatusInput(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        try:
            if v["status"] == Payment.Status.PAID:
                payment = funding.payment_mark_paid(payment_id=payment.pk, actor=request.user, paid_on=v.get("on"),
                                                    reference=v.get("reference", ""))
            else:
                payment = funding.payment_recover(payment_id=payment.pk, actor=request.user,
                                                  recovered_on=v.get("on"), reason=v.get("reason", ""))
        except AwardsError as exc:
            return error(exc)
        return Response(PaymentSerializer(payment).data)


class MineSerializer(serializers.Serializer):
    certificates = CertificateSerializer(many=True)
    payments = PaymentSerializer(many=True)


class Mine(generics.GenericAPIView):
    """The certificates and payments of the organisations the user acts for."""

    permission_classes = [ActsForAnOrganisation]
    serializer_class = MineSerializer

    def get(self, request):
        return Response(MineSerializer({"certificates": list(selectors.certificates_of_user(request.user)),
                                        "payments": list(selectors.payments_of_user(request.user))}).data)
