"""What the notices hold back in the pipeline (registered from NoticesConfig.ready).

A list that must be noticed cannot move on before its notice period has ended and the
objections to it are decided (bj2016 art. 21–22: the list is noticed, then submitted for approval;
hz2025 §三(三)7–8): guards on the transitions that take a listed application past its notice
(advance to site review, shortlist, approve) and blockers of the round's phase.
"""

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from applications.enums import NoticeStage
from applications.models import Application
from applications.phase_guards import NOTICE_PHASES

from .models import NoticeEntry, Objection
from .publication import LEAVING_ACTIONS, STAGE_STATES


def _hold(notice, pending: int) -> str | None:
    if timezone.now() < notice.closes_at:
        return _("The notice “%(stage)s” runs until %(end)s (%(days)s working days).") % {
            "stage": notice.get_stage_display(), "end": date_format(notice.ends_on), "days": notice.working_days}
    if pending:
        return _("%(n)s objection(s) to the notice “%(stage)s” are not yet verified.") % {
            "n": pending, "stage": notice.get_stage_display()}
    return None


def notice_guard(stage: str):
    """A guard for the transition that takes an application of `stage`'s list past its notice."""
    def guard(application, **_kw):
        if not application.round.program.notice_stages.filter(stage=stage, working_days__gt=0).exists():
            return None
        entry = (NoticeEntry.objects.filter(application=application, notice__stage=stage,
                                            notice__round_id=application.round_id)
                 .select_related("notice").first())
        if entry is None:
            return _("The list “%(stage)s” must be published for public notice first.") % {
                "stage": NoticeStage(stage).label}
        pending = Objection.objects.filter(entry=entry, finding=Objection.Finding.PENDING).count()
        return _hold(entry.notice, pending)
    guard.__name__ = f"notice_passed({stage})"
    return guard


GUARDS = {LEAVING_ACTIONS[stage]: notice_guard(stage) for stage in NoticeStage.values}


def notice_blockers(rnd) -> list[str]:
    """Why the round's notices hold its current phase: unpublished with applications to list,
    still running, or with undecided objections (applications.phase_guards hook)."""
    reasons = []
    notices = {n.stage: n for n in rnd.notices.all()}
    for row in rnd.program.notice_stages.all():
        if NOTICE_PHASES.get(row.stage) != rnd.phase or not row.working_days:
            continue
        notice = notices.get(row.stage)
        if notice is None:
            if Application.objects.filter(round=rnd, state=STAGE_STATES[row.stage]).exists():
                reasons.append(_("The list “%(stage)s” has not been published for public notice yet.") % {
                    "stage": row.get_stage_display()})
            continue
        pending = notice.objections.filter(finding=Objection.Finding.PENDING).count()
        reason = _hold(notice, pending)
        if reason:
            reasons.append(reason)
    return reasons
