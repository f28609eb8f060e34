"""Training courses and on-site coaching sessions (000: 培训课程, 现场指导诊断、定制化辅导): create
one, enrol an organisation's people (under the course's lock, so two enrolments cannot both take
the last place), and record attendance. Every write is audited."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from applications.models import Organization
from award_portal.audit import audit_record

from . import permissions
from .campaigns import _date
from .errors import CultivationError
from .models import Campaign, Course, Enrolment


@transaction.atomic
def course_create(*, actor, kind, topic, held_on, place, trainer, capacity, campaign_id=None,
                  host_credit_code="") -> Course:
    """Side effects: one `Course`, audit `cultivation.course_created`."""
    if not permissions.can_manage_cultivation(actor):
        raise CultivationError(_("Only the review office organises courses and coaching."), "role")
    if kind not in Course.Kind.values:
        raise CultivationError(_("Choose a training course or an on-site coaching session."), "input")
    topic, place, trainer = ((v or "").strip() for v in (topic, place, trainer))
    if not (topic and place and trainer):
        raise CultivationError(_("Give the topic, the place and the trainer or coach."), "input")
    try:
        capacity = int(capacity)
    except (TypeError, ValueError):
        capacity = 0
    if not 1 <= capacity <= 10000:
        raise CultivationError(_("Give the capacity as a number of people between 1 and 10000."), "input")
    held_on = _date(held_on, _("the date"))
    campaign = None
    if campaign_id:
        campaign = Campaign.objects.filter(pk=campaign_id).first()
        if campaign is None:
            raise CultivationError(_("No such campaign."), "input")
    host = None
    if (host_credit_code or "").strip():
        host = Organization.objects.filter(credit_code=host_credit_code.strip().upper()).first()
        if host is None:
            raise CultivationError(_("No organisation is registered with this credit code."), "input")
    if kind == Course.Kind.COACHING and host is None:
        raise CultivationError(_("On-site coaching takes place at an organisation: give its credit code."), "input")
    course = Course.objects.create(kind=kind, topic=topic[:200], held_on=held_on, place=place[:200],
                                   trainer=trainer[:200], capacity=capacity, campaign=campaign, host=host,
                                   created_by=actor)
    audit_record(action="cultivation.course_created", obj=course, actor=actor, after={
        "kind": kind, "topic": course.topic, "held_on": held_on, "place": course.place, "trainer": course.trainer,
        "capacity": capacity, "campaign": campaign.pk if campaign else None,
        "host": host.credit_code if host else None})
    return course


@transaction.atomic
def enrol(*, course_id, organization_id, person, actor) -> Enrolment:
    """Enrol one person of an organisation. Side effects: one `Enrolment`, audit `cultivation.enrolled`."""
    course = Course.objects.select_for_update().filter(pk=course_id).first()
    if course is None:
        raise CultivationError(_("No such course."), "not_found")
    organization = Organization.objects.filter(pk=organization_id).first()
    if organization is None:
        raise CultivationError(_("No such organisation."), "input")
    if not permissions.can_enrol(actor, course, organization.pk):
        if permissions.acts_for(actor, organization.pk):
            raise CultivationError(_("This course has already taken place."), "state")
        raise CultivationError(_("Only the review office or the organisation itself enrols its people."), "role")
    person = (person or "").strip()
    if not person:
        raise CultivationError(_("Give the participant's name."), "input")
    if course.enrolments.filter(organization=organization, person=person[:100]).exists():
        raise CultivationError(_("%(person)s is already enrolled.") % {"person": person}, "exists")
    if course.enrolments.count() >= course.capacity:
        raise CultivationError(_("The course is full (%(n)s places).") % {"n": course.capacity}, "full")
    enrolment = Enrolment.objects.create(course=course, organization=organization, person=person[:100],
                                         enrolled_by=actor)
    audit_record(action="cultivation.enrolled", obj=enrolment, actor=actor, after={
        "course": course.pk, "organization": organization.credit_code, "person": enrolment.person})
    return enrolment


@transaction.atomic
def attendance_record(*, course_id, actor, attendance: dict) -> int:
    """Record who attended: `{enrolment_id: "attended" | "absent"}`. Only on or after the day.
    Side effects: audit `cultivation.attendance_recorded` (one entry for the course). Returns the count."""
    if not permissions.can_manage_cultivation(actor):
        raise CultivationError(_("Only the review office records attendance."), "role")
    course = Course.objects.select_for_update().filter(pk=course_id).first()
    if course is None:
        raise CultivationError(_("No such course."), "not_found")
    if course.held_on > timezone.localdate():
        raise CultivationError(_("Attendance is recorded once the course has taken place."), "state")
    allowed = {Enrolment.Attendance.ATTENDED, Enrolment.Attendance.ABSENT}
    rows = {e.pk: e for e in course.enrolments.all()}
    changes = {}
    for key, value in attendance.items():
        try:
            pk = int(key)
        except (TypeError, ValueError):
            pk = None
        if pk not in rows or value not in allowed:
            raise CultivationError(_("Mark each participant as attended or absent."), "input")
        if rows[pk].attendance != value:
            changes[pk] = (rows[pk].attendance, value)
            rows[pk].attendance = value
            rows[pk].save(update_fields=["attendance"])
    if changes:
        audit_record(action="cultivation.attendance_recorded", obj=course, actor=actor,
                     before={str(pk): old for pk, (old, _new) in changes.items()},
                     after={str(pk): new for pk, (_old, new) in changes.items()})
    return len(changes)
