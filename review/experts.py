"""The expert pool: recruitment, approval, training and examination, suspension, commitment letters.

Only an expert who is in the pool (approved, not suspended or struck) and has passed an
examination can be drawn or assigned (`is_qualified`, the one predicate the draw, the proposal
and manual changes ask). Misconduct ends a reviewer's role with a written reason (Beijing 2020
draft art. 25).
"""

import hashlib

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from award_portal.audit import audit_record
from award_portal.roles import Role

from .models import Availability, Employment, Expert, ReviewerCommitment, TrainingRecord


class ExpertError(Exception):
    def __init__(self, message, code="invalid"):
        super().__init__(message)
        self.message = message
        self.code = code


S = Expert.Status

#: The reviewer commitment letter (000: confidentiality, no gifts or banquets, recusal). The
#: Chinese text binds; the English is a reading aid. Its hash is stored with each signature.
COMMITMENT_ZH = (
    "本人自愿担任本届政府质量奖评审专家，郑重承诺：\n"
    "一、遵守评审工作纪律，依据评价准则独立、客观、公正地评审，不受任何单位和个人干扰；\n"
    "二、对申报材料、评审过程和评审结果严格保密，不复制、不外传、不用于评审以外的任何目的；\n"
    "三、不接受申报组织及相关人员的礼品、礼金、宴请和其他利益；\n"
    "四、与申报组织存在任职、咨询、辅导、亲属等利害关系的，主动申报并回避；\n"
    "五、违反上述承诺的，接受取消评审资格等处理。"
)
COMMITMENT_EN = gettext_lazy(
    "I serve as a reviewer of this round of the government quality award and solemnly undertake:\n"
    "1. to follow the review discipline and review independently, objectively and fairly by the criteria, "
    "free from interference by any organisation or person;\n"
    "2. to keep the application material, the review process and its results strictly confidential, and "
    "not to copy, pass on or use them for anything but the review;\n"
    "3. to accept no gifts, money, banquets or other benefits from applicants or people connected with them;\n"
    "4. to declare and recuse myself where I have an employment, consulting, coaching, family or other "
    "interest in an applicant;\n"
    "5. to accept the loss of my reviewer status and other measures if I break these undertakings.")
COMMITMENT_SHA256 = hashlib.sha256(COMMITMENT_ZH.encode()).hexdigest()


def passed_examination_q():
    return Exists(TrainingRecord.objects.filter(expert=OuterRef("pk"), kind=TrainingRecord.Kind.EXAMINATION,
                                                passed=True))


def qualified_experts():
    """Experts who may be drawn or assigned: in the pool and examined."""
    return Expert.objects.filter(status=S.ACTIVE).filter(passed_examination_q())


def is_qualified(expert: Expert) -> bool:
    return qualified_experts().filter(pk=expert.pk).exists()


def qualification_problem(expert: Expert) -> str | None:
    if expert.status != S.ACTIVE:
        return _("%(name)s is not in the pool (%(status)s).") % {"name": expert.name,
                                                                 "status": expert.get_status_display()}
    if not expert.training_records.filter(kind=TrainingRecord.Kind.EXAMINATION, passed=True).exists():
        return _("%(name)s has not passed the examination.") % {"name": expert.name}
    return None


def _clean_expertise(expertise: str) -> str:
    letters = "".join(sorted({c for c in (expertise or "").upper() if "A" <= c <= "T"}))
    if not letters:
        raise ExpertError(_("Choose at least one field of expertise."))
    return letters


@transaction.atomic
def expert_apply(*, name: str, email: str, expertise: str, region_code: str, phone: str = "", title: str = "",
                 qualifications: str = "", employer: str = "", employer_credit_code: str = "",
                 employed_since=None, name_en: str = "") -> Expert:
    """A person applies to join the pool through the public form; the office decides."""
    email = email.strip().lower()
    if Expert.objects.filter(email=email).exists():
        raise ExpertError(_("An application or an expert with this e-mail address already exists."), "duplicate")
    expert = Expert.objects.create(name=name.strip(), name_en=name_en.strip(), email=email, phone=phone,
                                   title=title, expertise=_clean_expertise(expertise), region_code=region_code,
                                   qualifications=qualifications, status=S.APPLIED)
    if employer:
        Employment.objects.create(expert=expert, employer=employer, credit_code=employer_credit_code.strip().upper(),
                                  started_on=employed_since or timezone.localdate())
    audit_record(action="review.expert_applied", obj=expert, after={"email": email, "expertise": expert.expertise})
    return expert


@transaction.atomic
def expert_invite(*, actor, name: str, email: str, expertise: str, region_code: str, **fields) -> Expert:
    """The office adds a person to the pool directly (an invitation); approval follows as usual."""
    expert = expert_apply(name=name, email=email, expertise=expertise, region_code=region_code, **fields)
    audit_record(action="review.expert_invited", obj=expert, actor=actor, after={"email": expert.email})
    return expert


def _locked(expert_id) -> Expert:
    return Expert.objects.select_for_update().get(pk=expert_id)


def _set_status(expert, status, actor, reason, action):
    before = {"status": expert.status}
    expert.status = status
    expert.status_reason = reason
    expert.save(update_fields=["status", "status_reason"])
    audit_record(action=action, obj=expert, actor=actor, before=before, after={"status": status, "reason": reason})


@transaction.atomic
def expert_approve(*, expert_id: int, actor, base_url: str = "") -> Expert:
    """Admit an applicant to the pool: an account with the expert role and a link to set a password."""
    expert = _locked(expert_id)
    if expert.status != S.APPLIED:
        raise ExpertError(_("Only an application awaiting approval can be approved."), "state")
    User = get_user_model()
    if expert.user_id is None:
        user = User.objects.filter(username=expert.email).first()
        if user is None:
            user = User(username=expert.email, email=expert.email, first_name=expert.name[:150])
            user.set_unusable_password()
            user.save()
        expert.user = user
        expert.save(update_fields=["user"])
    expert.user.groups.add(Group.objects.get(name=Role.EXPERT))
    _set_status(expert, S.ACTIVE, actor, "", "review.expert_approved")
    user = expert.user
    link = (base_url or getattr(settings, "PORTAL_BASE_URL", "")).rstrip("/") + reverse(
        "password_reset_confirm", args=[urlsafe_base64_encode(force_bytes(user.pk)),
                                        default_token_generator.make_token(user)])
    transaction.on_commit(lambda: send_mail(
        _("You are in the expert pool of the Quality Award Portal"),
        _("Your application to the expert pool was approved. Set your password here: %(link)s") % {"link": link},
        None, [expert.email], fail_silently=True))
    return expert


@transaction.atomic
def expert_decline(*, expert_id: int, actor, reason: str) -> Expert:
    expert = _locked(expert_id)
    if expert.status != S.APPLIED:
        raise ExpertError(_("Only an application awaiting approval can be declined."), "state")
    if not reason.strip():
        raise ExpertError(_("Give the reason."), "reason")
    _set_status(expert, S.DECLINED, actor, reason.strip(), "review.expert_declined")
    return expert


@transaction.atomic
def expert_suspend(*, expert_id: int, actor, reason: str, strike: bool = False) -> Expert:
    """Suspend (or strike) an expert for misconduct (art. 25): they leave every group at once."""
    from .assignment import expert_leave_all_groups

    expert = _locked(expert_id)
    if not reason.strip():
        raise ExpertError(_("Give the written reason (art. 25 requires one)."), "reason")
    if expert.status not in (S.ACTIVE, S.SUSPENDED):
        raise ExpertError(_("Only an expert in the pool can be suspended or struck."), "state")
    target = S.STRUCK if strike else S.SUSPENDED
    _set_status(expert, target, actor, reason.strip(),
                "review.expert_struck" if strike else "review.expert_suspended")
    expert_leave_all_groups(expert, actor=actor, reason=reason.strip())
    return expert


@transaction.atomic
def expert_reinstate(*, expert_id: int, actor, reason: str) -> Expert:
    expert = _locked(expert_id)
    if expert.status != S.SUSPENDED:
        raise ExpertError(_("Only a suspended expert can be reinstated; a struck expert stays out."), "state")
    if not reason.strip():
        raise ExpertError(_("Give the reason."), "reason")
    _set_status(expert, S.ACTIVE, actor, reason.strip(), "review.expert_reinstated")
    return expert


@transaction.atomic
def training_record(*, expert_id: int, actor, kind: str, held_on, title: str, passed: bool,
                    score: int | None = None) -> TrainingRecord:
    expert = _locked(expert_id)
    if kind not in TrainingRecord.Kind.values:
        raise ExpertError(_("Unknown kind of record."))
    record = TrainingRecord.objects.create(expert=expert, kind=kind, held_on=held_on, title=title.strip(),
                                           passed=passed, score=score, recorded_by=actor)
    audit_record(action="review.training_recorded", obj=expert, actor=actor,
                 after={"kind": kind, "held_on": str(held_on), "title": title, "passed": passed, "score": score})
    return record


@transaction.atomic
def availability_set(*, expert: Expert, round_id: int, available: bool, note: str = "") -> Availability:
    row, _created = Availability.objects.update_or_create(expert=expert, round_id=round_id,
                                                          defaults={"available": available, "note": note[:200]})
    audit_record(action="review.availability_set", obj=expert, after={"round": round_id, "available": available})
    return row


def has_signed(expert: Expert, round_id: int) -> bool:
    return ReviewerCommitment.objects.filter(expert=expert, round_id=round_id).exists()


@transaction.atomic
def commitment_sign(*, expert: Expert, round_id: int, ip: str | None = None) -> ReviewerCommitment:
    """Sign the round's reviewer commitment letter (once; signing again changes nothing)."""
    row, created = ReviewerCommitment.objects.get_or_create(
        expert=expert, round_id=round_id,
        defaults={"text_sha256": COMMITMENT_SHA256, "signed_at": timezone.now(), "ip": ip})
    if created:
        audit_record(action="review.commitment_signed", obj=expert,
                     after={"round": round_id, "text_sha256": COMMITMENT_SHA256})
    return row


def expert_of(user) -> Expert | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return Expert.objects.filter(user=user).first()


def pool_search(*, q: str = "", section: str = "", status: str = "", region: str = "", qualified: bool = False):
    """The office's pool search (name, e-mail, employer, qualifications) with filters."""
    qs = Expert.objects.all()
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(name_en__icontains=q) | Q(email__icontains=q)
                       | Q(qualifications__icontains=q) | Q(employments__employer__icontains=q)).distinct()
    if section:
        qs = qs.filter(expertise__contains=section.upper()[:1])
    if status:
        qs = qs.filter(status=status)
    if region:
        qs = qs.filter(region_code__startswith=region)
    if qualified:
        qs = qs.filter(status=S.ACTIVE).filter(passed_examination_q())
    return qs


@transaction.atomic
def expert_settings_set(*, expert_id: int, actor, expertise: str, shared: bool, can_lead: bool) -> Expert:
    """The office sets an expert's fields, pool sharing and whether they may lead a group. Groups
    already formed are not changed: the next proposal uses the new values."""
    expert = _locked(expert_id)
    before = {"expertise": expert.expertise, "shared": expert.shared, "can_lead": expert.can_lead}
    expert.expertise = _clean_expertise(expertise)
    expert.shared = bool(shared)
    expert.can_lead = bool(can_lead)
    expert.save(update_fields=["expertise", "shared", "can_lead"])
    audit_record(action="review.expert_settings", obj=expert, actor=actor, before=before,
                 after={"expertise": expert.expertise, "shared": expert.shared, "can_lead": expert.can_lead})
    return expert
