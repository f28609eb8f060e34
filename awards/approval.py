"""The government's approval of the final list and the conferral of the awards: the owners of
the pipeline's `approve` and `award` transitions (applications/workflow.py).

Both run inside one transaction under the round's row lock: either every chosen application
moves and the record is written, or nothing is (a refused transition, e.g. the notices app's
guard "the proposed-winners notice has not ended", rolls the whole approval back with its reason).
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from applications.enums import Action, ApplicationState
from applications.models import Application, Round
from applications.uploads import check_upload
from applications.workflow import TransitionError, application_transition
from award_portal.audit import audit_record

from . import permissions
from .certificates import certificate_issue
from .errors import AwardsError
from .models import Approval, ApprovedEntry, CommendationDecision

APPROVE_OWNER = "awards.approval.approval_record"
AWARD_OWNER = "awards.approval.award_confer"
SCAN_MAX_BYTES = 20 * 1024 * 1024


def _locked_round(round_id) -> Round:
    try:
        return Round.objects.select_for_update().select_related("program").get(pk=round_id)
    except Round.DoesNotExist:
        raise AwardsError(_("No such round."), "not_found") from None


def _not_future(day, label):
    if day is None:
        raise AwardsError(_("Give the date: %(what)s.") % {"what": label}, "input")
    if day > timezone.localdate():
        raise AwardsError(_("%(what)s lies in the future (%(day)s).") % {"what": label, "day": date_format(day)},
                          "input")


@transaction.atomic
def approval_record(*, round_id: int, actor, approving_body: str, approved_on, application_ids,
                    document_number: str = "", scan=None, note: str = "") -> Approval:
    """Record the government's approval of the listed applications (each with the tier it was
    proposed for) and move each to `approved`.

    Side effects: one `Approval`, one `ApprovedEntry` per application, the `approve` transition of
    each (StateChange + audit `application.approve`), audit `awards.approval_recorded`.
    """
    if not permissions.can_manage_awards(actor):
        raise AwardsError(_("Only the review office records the government's approval."), "role")
    rnd = _locked_round(round_id)
    if Approval.objects.filter(round=rnd).exists():
        raise AwardsError(_("The government's approval of this round is already recorded."), "exists")
    approving_body = (approving_body or "").strip()
    if not approving_body:
        raise AwardsError(_("Name the approving body."), "input")
    _not_future(approved_on, _("the day of the approval"))
    ids = {int(pk) for pk in application_ids}
    if not ids:
        raise AwardsError(_("Choose at least one application on the approved list."), "input")
    applications = list(Application.objects.filter(round=rnd, pk__in=ids).select_related("organization", "tier")
                        .order_by("tier__rank", "number"))
    if len(applications) != len(ids):
        raise AwardsError(_("Some of the chosen applications do not belong to this round."), "input")
    scan_info = {}
    if scan is not None:
        try:
            scan_info = check_upload(scan, max_bytes=SCAN_MAX_BYTES)
        except ValidationError as exc:
            raise AwardsError(" ".join(getattr(exc, "messages", [str(exc)])), "input") from exc
    approval = Approval.objects.create(
        round=rnd, approving_body=approving_body[:100], approved_on=approved_on,
        document_number=(document_number or "").strip()[:64], note=(note or "").strip(), recorded_by=actor,
        scan_name=scan_info.get("name", ""), scan_sha256=scan_info.get("sha256", ""))
    for application in applications:
        if application.tier_id is None:
            raise AwardsError(_("%(org)s has no proposed tier.") % {"org": application.organization.name}, "state")
        try:
            application_transition(application_id=application.pk, action=Action.APPROVE, actor=actor,
                                   owner=APPROVE_OWNER, expected_state=ApplicationState.IN_PUBLIC_NOTICE)
        except TransitionError as exc:
            raise AwardsError(f"{application.organization.name}: {exc.message}", exc.code) from exc
        ApprovedEntry.objects.create(approval=approval, application=application, tier=application.tier)
    if scan is not None:  # stored only once every transition went through (no orphan file on a refusal)
        approval.scan.save(scan_info["name"], scan, save=True)
    audit_record(action="awards.approval_recorded", obj=approval, actor=actor, after={
        "round": rnd.pk, "approving_body": approval.approving_body, "approved_on": approved_on,
        "document_number": approval.document_number, "scan_sha256": approval.scan_sha256,
        "approved": [{"application": a.number, "tier": a.tier.code} for a in applications]})
    return approval


@transaction.atomic
def award_confer(*, round_id: int, actor, conferred_on) -> list:
    """Confer the approved awards (e.g. at the ceremony): `award` on each approved application,
    and one certificate per winner citing the published commendation decision.

    An application disqualified since the approval (Beijing 2020 art. 24) is left out. Side
    effects: the `award` transitions, one `Certificate` each, the approval's conferral fields,
    audit `awards.awards_conferred`. Returns the certificates.
    """
    if not permissions.can_manage_awards(actor):
        raise AwardsError(_("Only the review office confers the awards."), "role")
    rnd = _locked_round(round_id)
    approval = Approval.objects.select_for_update().filter(round=rnd).first()
    if approval is None:
        raise AwardsError(_("Record the government's approval first."), "state")
    if approval.conferred_at is not None:
        raise AwardsError(_("The awards of this round were already conferred on %(day)s.") % {
            "day": date_format(approval.conferred_on)}, "exists")
    decision = CommendationDecision.objects.filter(round=rnd).first()
    if decision is None:
        raise AwardsError(_("Publish the commendation decision first: the certificates cite its document "
                            "number."), "state")
    _not_future(conferred_on, _("the day of the conferral"))
    if conferred_on < approval.approved_on:
        raise AwardsError(_("The awards cannot be conferred before the approval (%(day)s).") % {
            "day": date_format(approval.approved_on)}, "input")
    certificates = []
    for entry in approval.entries.select_related("application__organization", "tier"):
        if entry.application.state != ApplicationState.APPROVED:
            continue
        try:
            application = application_transition(application_id=entry.application_id, action=Action.AWARD,
                                                  actor=actor, owner=AWARD_OWNER,
                                                  expected_state=ApplicationState.APPROVED)
        except TransitionError as exc:
            raise AwardsError(f"{entry.application.organization.name}: {exc.message}", exc.code) from exc
        certificates.append(certificate_issue(application=application, decision=decision, tier=entry.tier,
                                              issued_on=conferred_on))
    if not certificates:
        raise AwardsError(_("No application of the approved list is still approved."), "state")
    approval.conferred_on, approval.conferred_by, approval.conferred_at = conferred_on, actor, timezone.now()
    approval.save(update_fields=["conferred_on", "conferred_by", "conferred_at"])
    audit_record(action="awards.awards_conferred", obj=approval, actor=actor, after={
        "round": rnd.pk, "conferred_on": conferred_on, "decision": decision.document_number,
        "certificates": [c.number for c in certificates]})
    return certificates
