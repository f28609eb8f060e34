"""The recommendation of winners to the China Quality Award with priority (second Beijing
edition, 2016: 获得市政府质量管理奖…并优先推荐参评中国质量奖), recorded and printed as a letter."""

from django.db import transaction
from django.utils.translation import gettext as _

from applications.enums import ApplicationState
from applications.models import Application
from award_portal.audit import audit_record

from . import permissions
from .approval import _locked_round, _not_future
from .errors import AwardsError
from .models import CqaRecommendation

DEFAULT_ADDRESSEE = "中国质量奖评选表彰委员会办公室"


def default_body(rnd) -> str:
    return (f"根据{rnd.program.name_zh}的有关规定，获得{rnd.program.name_zh}的组织优先推荐参评中国质量奖。"
            f"经{rnd.program.issuing_government}批准，现将{rnd.name_zh}获奖组织中的下列组织优先推荐参评中国质量奖，"
            "请予审核。")


@transaction.atomic
def cqa_recommend(*, round_id: int, actor, document_number: str, sent_on, application_ids,
                  addressee: str = "", sender: str = "", body: str = "") -> CqaRecommendation:
    """Record the letter recommending the listed winners (awarded in this round).

    Side effects: one `CqaRecommendation`, audit `awards.cqa_recommended`.
    """
    if not permissions.can_manage_awards(actor):
        raise AwardsError(_("Only the review office records a recommendation to the China Quality Award."), "role")
    rnd = _locked_round(round_id)
    document_number = (document_number or "").strip()
    if not document_number:
        raise AwardsError(_("Give the letter's document number."), "input")
    _not_future(sent_on, _("the letter's date"))
    ids = {int(pk) for pk in application_ids}
    if not ids:
        raise AwardsError(_("Choose at least one winner to recommend."), "input")
    winners = list(Application.objects.filter(round=rnd, pk__in=ids, state=ApplicationState.AWARDED)
                   .select_related("organization").order_by("tier__rank", "number"))
    if len(winners) != len(ids):
        raise AwardsError(_("Only winners of this round whose award stands can be recommended."), "input")
    recommendation = CqaRecommendation.objects.create(
        round=rnd, document_number=document_number[:64], addressee=((addressee or "").strip() or DEFAULT_ADDRESSEE)[:200],
        sender=((sender or "").strip() or rnd.program.issuing_government)[:200], sent_on=sent_on, body=(body or "").strip() or default_body(rnd), recorded_by=actor)
    recommendation.applications.set(winners)
    audit_record(action="awards.cqa_recommended", obj=recommendation, actor=actor, after={
        "round": rnd.pk, "document_number": recommendation.document_number, "addressee": recommendation.addressee,
        "sent_on": sent_on, "applications": [a.number for a in winners]})
    return recommendation
