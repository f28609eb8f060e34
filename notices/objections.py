"""Objections to a notice: received from anyone during the period, verified by the office.

hz2025 §三(三)7: anyone may object within the period "并提供相应的事实、理由及其佐证材料"; the
bureau verifies "自收到材料之日起5个工作日内" and publishes the result. An upheld objection takes
the application off the list: WITHDRAW_AFTER_OBJECTION (owned here) for the proposed winners, the
stage's own negative decision for the material- and site-review lists. The objector follows the
objection with its receipt number and a secret shown once.
"""

import datetime
import hashlib
import hmac
import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from applications.enums import Action, ApplicationState
from applications.uploads import check_upload
from applications.workflow import TransitionError, application_transition
from award_portal.audit import audit_record
from award_portal.notifications import notify
from award_portal.roles import Role
from award_portal.workdays import CalendarYearMissing

from . import cache as page_cache
from .models import NoticeEntry, Objection, ObjectionEvidence, PublicNotice
from .periods import verification_due
from .permissions import can_manage_notices

WITHDRAW_OWNER = "notices.objections.objection_decide"
MAX_FILES = 5
MAX_FILE_MB = 10
#: An upheld objection takes the application off the list through the stage's own transition.
OFF_THE_LIST = {
    ApplicationState.IN_PUBLIC_NOTICE: (Action.WITHDRAW_AFTER_OBJECTION, WITHDRAW_OWNER),
    ApplicationState.IN_MATERIAL_REVIEW: (Action.NOT_ADVANCE, ""),
    ApplicationState.IN_SITE_REVIEW: (Action.NOT_SHORTLIST, ""),
}


class RateLimited(Exception):
    """Too many requests of one kind from one client; `retry_at` says when to come back."""

    def __init__(self, retry_at: datetime.datetime):
        self.retry_at = retry_at
        super().__init__(str(retry_at))

    @property
    def message(self) -> str:
        return _("Too many requests from your address. Please try again after %(time)s.") % {
            "time": date_format(timezone.localtime(self.retry_at), "Y-m-d H:i:s")}


def rate_limit(scope: str, client: str | None, *, limit: int, window: int) -> None:
    """Count one request of `scope` from `client` in a fixed window; raise RateLimited past `limit`."""
    now = timezone.now().timestamp()
    slot = int(now // window)
    key = f"notices:rate:{scope}:{client or 'unknown'}:{slot}"
    cache.add(key, 0, window + 5)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, window + 5)
        count = 1
    if count > limit:
        raise RateLimited(datetime.datetime.fromtimestamp((slot + 1) * window, tz=datetime.UTC))


def _secret_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _new_receipt(now) -> str:
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    while True:
        receipt = f"YY{timezone.localtime(now):%Y%m%d}-" + "".join(secrets.choice(alphabet) for _ in range(6))
        if not Objection.objects.filter(receipt=receipt).exists():
            return receipt


def period_refusal(notice: PublicNotice, now) -> str | None:
    """Why an objection to `notice` may not be lodged at `now`, or None."""
    if now < notice.opens_at:
        return _("The notice period starts on %(start)s; objections are accepted from then.") % {
            "start": date_format(notice.starts_on)}
    if now >= notice.closes_at:
        return _("The notice period ended at %(end)s; objections are no longer accepted.") % {
            "end": date_format(timezone.localtime(notice.last_second), "Y-m-d H:i:s")}
    return None


@transaction.atomic
def objection_submit(*, notice_id: int, entry_id: int, facts: str, reasons: str, contact_name: str,
                     contact: str, files=(), ip: str | None = None, now=None) -> tuple[Objection, str]:
    """Receive one objection; return it and the secret (shown once) that lets its author follow it.

    Side effects: the Objection and its evidence files (checked by content, applications/uploads.py),
    its verification due date in working days, one audit entry `notices.objection_received`
    (no contact details), a notification to the office on commit, the public pages' cache bumped.
    """
    now = now or timezone.now()
    notice = PublicNotice.objects.select_related("round__program").get(pk=notice_id)
    refusal = period_refusal(notice, now)
    if refusal:
        raise ValidationError(refusal)
    entry = NoticeEntry.objects.filter(notice=notice, pk=entry_id).first()
    if entry is None:
        raise ValidationError(_("Choose the organisation on this notice that the objection concerns."))
    files = [f for f in files if f]
    if len(files) > MAX_FILES:
        raise ValidationError(_("At most %(n)s evidence files are accepted.") % {"n": MAX_FILES})
    checked = [(f, check_upload(f, max_bytes=MAX_FILE_MB * 1024 * 1024)) for f in files]
    try:
        due_on = verification_due(timezone.localdate(now), notice.round.program.objection_verification_days)
    except CalendarYearMissing:
        due_on = None  # the office's list says the calendar is missing; the objection is still received
    secret = secrets.token_urlsafe(9)
    objection = Objection.objects.create(
        notice=notice, entry=entry, receipt=_new_receipt(now), secret_hash=_secret_hash(secret),
        facts=facts.strip(), reasons=reasons.strip(), contact_name=contact_name.strip(), contact=contact.strip(),
        client_ip=ip, submitted_at=now, due_on=due_on)
    for upload, info in checked:
        evidence = ObjectionEvidence(objection=objection, name=info["name"], content_type=info["content_type"],
                                     size=info["size"], sha256=info["sha256"])
        evidence.file.save(info["name"], upload, save=False)
        evidence.save()
    audit_record(action="notices.objection_received", obj=objection, actor=None, after={
        "notice": notice.pk, "entry": entry.pk, "application": entry.application_id, "receipt": objection.receipt,
        "due_on": due_on.isoformat() if due_on else None, "files": [i["sha256"] for _f, i in checked]})
    transaction.on_commit(lambda: _tell_the_office(objection))
    page_cache.invalidate_on_commit()
    return objection, secret


def _tell_the_office(objection: Objection):
    link = reverse("notices-objection-review", args=[objection.pk])
    for user in get_user_model().objects.filter(groups__name=Role.OFFICE, is_active=True).distinct():
        def compose():
            subject = _("New objection %(receipt)s to the notice of %(org)s") % {
                "receipt": objection.receipt, "org": objection.entry.organization_name}
            body = _("An objection was received on %(time)s. Verify it by %(due)s.") % {
                "time": date_format(timezone.localtime(objection.submitted_at), "DATETIME_FORMAT"),
                "due": date_format(objection.due_on) if objection.due_on else "—"}
            return subject, body
        notify(user, compose, link=link)


def objection_lookup(*, receipt: str, secret: str) -> Objection | None:
    """The objection with this receipt when the secret matches (constant-time), else None."""
    objection = (Objection.objects.select_related("notice__round", "entry")
                 .filter(receipt=receipt.strip().upper()).first())
    if objection is None or not hmac.compare_digest(objection.secret_hash, _secret_hash(secret.strip())):
        return None
    return objection


@transaction.atomic
def objection_decide(*, objection_id: int, actor, upheld: bool, reasons: str) -> Objection:
    """Record and publish the office's finding on one objection.

    Side effects: the finding (who, when, the published reasons); when upheld, the application is
    taken off the list in the same transaction (WITHDRAW_AFTER_OBJECTION, owned here, or the
    stage's negative decision) with the finding as the recorded reason; one audit entry
    `notices.objection_decided`; the public pages' cache bumped.
    """
    if not can_manage_notices(actor):
        raise PermissionDenied
    objection = Objection.objects.select_for_update().select_related("entry", "notice").get(pk=objection_id)
    if not objection.is_pending:
        raise ValidationError(_("This objection has already been verified (someone may have been faster)."))
    reasons = (reasons or "").strip()
    if not reasons:
        raise ValidationError(_("Give the verification result: it is published with the finding."))
    objection.finding = Objection.Finding.UPHELD if upheld else Objection.Finding.NOT_UPHELD
    objection.finding_reasons = reasons
    objection.decided_by = actor
    objection.decided_at = timezone.now()
    objection.save(update_fields=["finding", "finding_reasons", "decided_by", "decided_at"])
    if upheld:
        _take_off_the_list(objection, actor)
    audit_record(action="notices.objection_decided", obj=objection, actor=actor,
                 before={"finding": Objection.Finding.PENDING},
                 after={"finding": objection.finding, "reasons": reasons, "application": objection.entry.application_id})
    page_cache.invalidate_on_commit()
    return objection


def _take_off_the_list(objection: Objection, actor) -> None:
    application = objection.entry.application
    application.refresh_from_db(fields=["state"])
    step = OFF_THE_LIST.get(application.state)
    if step is None:
        return  # already off the list (withdrawn, disqualified …): the finding stands on record
    action, owner = step
    reason = _("Objection %(receipt)s upheld: %(reasons)s") % {"receipt": objection.receipt,
                                                              "reasons": objection.finding_reasons}
    try:
        application_transition(application_id=application.pk, action=action, actor=actor, reason=reason,
                               expected_state=application.state, owner=owner)
    except TransitionError as exc:
        raise ValidationError(exc.message) from exc


def objection_limits() -> dict:
    return {"limit": getattr(settings, "NOTICES_OBJECTIONS_PER_HOUR", 5), "window": 3600}


def overdue_alert(*, today: datetime.date | None = None) -> int:
    """Tell the office, once per objection, that its verification limit has passed unverified
    (hz2025 §三(三)7: five working days). Idempotent: the claim is a conditional update, so two
    runs never alert twice. Returns how many objections were alerted."""
    today = today or timezone.localdate()
    due = Objection.objects.filter(finding=Objection.Finding.PENDING, due_on__lt=today, overdue_alerted_at=None)
    alerted = 0
    for objection in due.select_related("entry"):
        if not Objection.objects.filter(pk=objection.pk, overdue_alerted_at=None).update(
                overdue_alerted_at=timezone.now()):
            continue  # another run claimed it
        alerted += 1
        link = reverse("notices-objection-review", args=[objection.pk])
        for user in get_user_model().objects.filter(groups__name=Role.OFFICE, is_active=True).distinct():
            def compose(objection=objection):
                subject = _("Objection %(receipt)s is overdue") % {"receipt": objection.receipt}
                body = _("The objection %(receipt)s concerning %(org)s was to be verified by %(due)s. Record the "
                         "finding now.") % {"receipt": objection.receipt, "org": objection.entry.organization_name,
                                            "due": date_format(objection.due_on)}
                return subject, body
            notify(user, compose, link=link)
    return alerted
