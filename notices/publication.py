"""Publishing a notice: the list of the stage, its period, the audit head it carries.

`notice_publish` owns START_NOTICE: publishing the proposed winners (bj2016 art. 21, hz2025
§三(三)7 "初选授奖组织名单") is what puts those applications on public notice, so the state and the
published list cannot disagree.
"""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from applications.enums import Action, ApplicationState, NoticeStage
from applications.models import Application, Round
from applications.phase_guards import NOTICE_PHASES
from applications.workflow import TransitionError, application_transition
from award_portal.audit import audit_record
from award_portal.workdays import CalendarYearMissing

from . import cache
from .models import NoticeEntry, PublicNotice
from .periods import calendar_refusal, notice_period
from .permissions import can_manage_notices

PUBLISH_OWNER = "notices.publication.notice_publish"

#: The state of the applications a stage's notice lists.
STAGE_STATES = {
    NoticeStage.MATERIAL_REVIEW_LIST: ApplicationState.IN_MATERIAL_REVIEW,
    NoticeStage.SITE_REVIEW_LIST: ApplicationState.IN_SITE_REVIEW,
    NoticeStage.PROPOSED_WINNERS: ApplicationState.PROPOSED,
}

#: The transition that takes a listed application past its notice (guarded by notices.guards).
LEAVING_ACTIONS = {
    NoticeStage.MATERIAL_REVIEW_LIST: Action.ADVANCE_TO_SITE_REVIEW,
    NoticeStage.SITE_REVIEW_LIST: Action.SHORTLIST,
    NoticeStage.PROPOSED_WINNERS: Action.APPROVE,
}


def publishable_stages(rnd: Round) -> list:
    """The program's notice stages that run in the round's current phase and are not yet published."""
    done = {n.stage for n in rnd.notices.all()}  # prefetched on the office page
    return [s for s in rnd.program.notice_stages.all()
            if NOTICE_PHASES.get(s.stage) == rnd.phase and s.stage not in done and s.working_days]


@transaction.atomic
def notice_publish(*, round_id: int, stage: str, actor, starts_on: datetime.date | None = None,
                   note_zh: str = "", note_en: str = "", historical: bool = False) -> PublicNotice:
    """Publish the round's list for `stage`.

    Side effects: one PublicNotice with its entries (names frozen); for the proposed winners,
    START_NOTICE on each listed application; one audit entry `notices.notice_published` whose id
    and hash the notice keeps; the public pages' cache is invalidated on commit.
    `historical` lets replayed history (the demo's 2016 round) start in the past.
    """
    if not can_manage_notices(actor):
        raise PermissionDenied
    rnd = Round.objects.select_for_update().select_related("program").get(pk=round_id)
    row = rnd.program.notice_stages.filter(stage=stage).first()
    if row is None or not row.working_days:
        raise ValidationError(_("This program publishes no notice at that stage."))
    if NOTICE_PHASES.get(stage) != rnd.phase:
        raise ValidationError(_("The notice “%(stage)s” is published while the round is in “%(phase)s”.") % {
            "stage": row.get_stage_display(), "phase": NOTICE_PHASES[stage].label})
    if rnd.notices.filter(stage=stage).exists():
        raise ValidationError(_("This notice has already been published."))
    today = timezone.localdate()
    starts_on = starts_on or today
    if starts_on < today and not historical:
        raise ValidationError(_("A notice cannot start in the past."))
    applications = list(Application.objects.filter(round=rnd, state=STAGE_STATES[stage])
                        .select_related("organization", "tier").order_by("tier__rank", "organization__name", "pk"))
    if not applications:
        raise ValidationError(_("No application is in the state this notice lists (“%(state)s”).") % {
            "state": ApplicationState(STAGE_STATES[stage]).label})
    try:
        ends_on, closes_at = notice_period(starts_on, row.working_days)
    except CalendarYearMissing as exc:
        raise calendar_refusal(exc) from exc
    notice = PublicNotice.objects.create(
        round=rnd, stage=stage, working_days=row.working_days, starts_on=starts_on, ends_on=ends_on,
        closes_at=closes_at, published_by=actor, note_zh=note_zh, note_en=note_en,
        published_at=timezone.now() if not historical else timezone.make_aware(
            datetime.datetime.combine(starts_on, datetime.time(9))))
    NoticeEntry.objects.bulk_create([
        NoticeEntry(notice=notice, application=a, position=i, organization_name=a.organization.name,
                    organization_name_en=a.organization.name_en,
                    tier_name_zh=a.tier.name_zh if a.tier else "", tier_name_en=a.tier.name_en if a.tier else "")
        for i, a in enumerate(applications, start=1)])
    if stage == NoticeStage.PROPOSED_WINNERS:
        for application in applications:
            try:
                application_transition(application_id=application.pk, action=Action.START_NOTICE, actor=actor,
                                       expected_state=ApplicationState.PROPOSED, owner=PUBLISH_OWNER)
            except TransitionError as exc:
                raise ValidationError(f"{application.organization.name}: {exc.message}") from exc
    event = audit_record(action="notices.notice_published", obj=notice, actor=actor, after={
        "round": rnd.pk, "stage": stage, "starts_on": starts_on.isoformat(), "ends_on": ends_on.isoformat(),
        "working_days": row.working_days, "applications": [a.pk for a in applications]})
    PublicNotice.objects.filter(pk=notice.pk).update(audit_event_id=event.pk, audit_hash=event.hash)
    notice.audit_event_id, notice.audit_hash = event.pk, event.hash
    cache.invalidate_on_commit()
    return notice
