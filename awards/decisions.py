"""The commendation decision (表彰决定): recorded and published in one step, after the approval
(Hangzhou 2025 四(二) 市政府…发布表彰决定; Beijing 2020 art. 23).

The publication is an audit entry; its id and hash (the trail's head at that moment) are stored
on the decision and printed on it, so anyone holding the decision can later prove the trail was
not cut short after it (`manage.py verify_audit` finds the entry or reports it missing).
"""

from django.db import transaction
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from award_portal.audit import audit_record

from . import permissions
from .approval import _locked_round, _not_future
from .errors import AwardsError
from .models import Approval, CommendationDecision


def default_title(rnd) -> str:
    return f"{rnd.program.issuing_government}关于表彰{rnd.name_zh}获奖组织的决定"


def default_preamble(rnd) -> str:
    return (f"为推动质量提升和品牌发展，树立质量标杆，{rnd.name_zh}评审工作按照自愿申报、资格审查、材料评审、"
            f"现场评审、审查评议、社会公示、批准表彰的程序依次开展。经评审委员会审议、社会公示，"
            f"{rnd.program.issuing_government}决定，对下列组织授予{rnd.program.name_zh}相应奖项，予以表彰。\n"
            "希望获奖组织珍惜荣誉，发挥示范引领作用，持续追求卓越；各单位要以获奖组织为榜样，"
            "学习先进质量管理方法，不断提升质量管理水平。")


@transaction.atomic
def decision_publish(*, round_id: int, actor, document_number: str, issued_on, title: str = "",
                     issuer: str = "", preamble: str = "") -> CommendationDecision:
    """Record and publish the decision listing the approved winners per tier.

    Side effects: one `CommendationDecision` holding the id and hash of its own audit entry
    `awards.decision_published`.
    """
    if not permissions.can_manage_awards(actor):
        raise AwardsError(_("Only the review office publishes the commendation decision."), "role")
    rnd = _locked_round(round_id)
    approval = Approval.objects.filter(round=rnd).first()
    if approval is None:
        raise AwardsError(_("Record the government's approval first."), "state")
    if CommendationDecision.objects.filter(round=rnd).exists():
        raise AwardsError(_("The commendation decision of this round is already published."), "exists")
    document_number = (document_number or "").strip()
    if not document_number:
        raise AwardsError(_("Give the decision's document number (文号), e.g. 京政发〔2016〕45号."), "input")
    if CommendationDecision.objects.filter(document_number=document_number).exists():
        raise AwardsError(_("Document number %(number)s is already used by another decision.") % {
            "number": document_number}, "input")
    _not_future(issued_on, _("the day of the decision"))
    if issued_on < approval.approved_on:
        raise AwardsError(_("The decision cannot be dated before the approval (%(day)s).") % {
            "day": date_format(approval.approved_on)}, "input")
    decision = CommendationDecision.objects.create(
        round=rnd, approval=approval, document_number=document_number[:64],
        title=((title or "").strip() or default_title(rnd))[:200],
        issuer=((issuer or "").strip() or rnd.program.issuing_government)[:100], issued_on=issued_on,
        preamble=(preamble or "").strip() or default_preamble(rnd), published_by=actor,
        audit_event_id=0, audit_hash="")
    winners = [{"application": e.application.number, "organization": e.application.organization.name,
                "tier": e.tier.code} for e in approval.entries.select_related("application__organization", "tier")]
    event = audit_record(action="awards.decision_published", obj=decision, actor=actor, after={
        "round": rnd.pk, "document_number": decision.document_number, "issued_on": issued_on,
        "title": decision.title, "winners": winners})
    decision.audit_event_id, decision.audit_hash = event.pk, event.hash
    decision.save(update_fields=["audit_event_id", "audit_hash"])
    return decision


def winners_by_tier(decision):
    """[(tier, [entries])] in tier order, for the decision's page and PDF."""
    groups = {}
    for entry in decision.approval.entries.select_related("application__organization", "tier"):
        groups.setdefault(entry.tier, []).append(entry)
    return sorted(groups.items(), key=lambda item: item[0].rank)
