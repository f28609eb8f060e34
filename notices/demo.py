"""Demo data of the notices app.

* The Beijing 2016 round's proposed winners are noticed from 2016-11-11 for 5 working days
  (bj2016 art. 21) through `notice_publish` (`historical_notice`, called from applications.demo's
  replay); the Hangzhou 2023 round's three lists likewise, 7 working days each (hz2025 §三(三)):
  material review from 2023-07-31, site review from 2023-08-14, proposed winners from 2023-11-06.
* Beijing's 6th edition (2024) is left in public notice: its proposed winners were noticed from
  2024-11-18 to 2024-11-22; one objection was verified and not upheld (its result published),
  another is still open for the office to verify on /notices/office/.
"""

import datetime

from django.core.files.base import ContentFile
from django.utils import timezone

from applications.demo import (
    DEMO_PDF,
    _approve_all_rules,
    _at,
    _redate,
    _round,
    _walk,
    demo_authority,
    submitted_application,
)
from applications.enums import Action, NoticeStage, RoundPhase
from applications.models import AwardProgram, Round
from applications.routing import round_date
from applications.services import round_set_phase_for_demo
from award_portal.demo import ensure_user
from award_portal.roles import Role

from .models import Objection, PublicNotice
from .objections import objection_decide, objection_submit
from .publication import notice_publish

A = Action
D = datetime.date


def historical_notice(rnd, office, stage, starts_on):
    """A closed round's list of `stage` on notice from `starts_on`, for the program's working days
    (replayed history, called from applications.demo's `replay_closed_round`): e.g. the Beijing
    2016 proposed winners from Friday 2016-11-11 to 2016-11-17."""
    return notice_publish(round_id=rnd.pk, stage=stage, actor=office, starts_on=starts_on, historical=True,
                          note_zh="公示期间，任何单位和个人对公示名单有异议的，可向评审办书面反映。",
                          note_en="Anyone objecting to the list may write to the review office during the notice.")


BEIJING_2024 = [  # name, English name, section, division, tier rank or None (not proposed)
    ("北京中关村智能制造股份有限公司", "Zhongguancun Intelligent Manufacturing Co., Ltd.", "C", "39", 1),
    ("北京亦庄生物医药有限公司", "Yizhuang Biopharmaceutical Co., Ltd.", "C", "27", 1),
    ("北京通州城市运行服务有限公司", "Tongzhou Urban Operation Services Co., Ltd.", "N", "78", 2),
    ("北京昌平能源科技有限公司", "Changping Energy Technology Co., Ltd.", "D", "44", None),
]


def _spans_2024():
    return {
        RoundPhase.APPLICATIONS_OPEN: (_at(D(2024, 6, 3)), _at(D(2024, 7, 15), 16)),
        RoundPhase.RECOMMENDATION: (_at(D(2024, 7, 16)), _at(D(2024, 7, 31), 17)),
        RoundPhase.ELIGIBILITY: (_at(D(2024, 8, 1)), _at(D(2024, 8, 23), 17)),
        RoundPhase.MATERIAL_REVIEW: (_at(D(2024, 8, 26)), _at(D(2024, 9, 27), 17)),
        RoundPhase.SITE_REVIEW: (_at(D(2024, 9, 30)), _at(D(2024, 10, 31), 17)),
        RoundPhase.DELIBERATION: (_at(D(2024, 11, 4)), _at(D(2024, 11, 15), 17)),
        RoundPhase.PUBLIC_NOTICE: (_at(D(2024, 11, 18)), _at(D(2024, 11, 18), 10)),
    }


def load():
    office = ensure_user("office", Role.OFFICE, "王评审办", "office@example.cn", staff=True)
    _beijing_sixth_edition(office)


def _beijing_sixth_edition(office):
    import random

    program = AwardProgram.objects.get(code="beijing")
    rnd = _round(program, 6, 2024, "第六届北京市人民政府质量管理奖", "6th Beijing Municipal Government Quality Management Award",
                 timezone.now() + datetime.timedelta(days=365), D(2024, 6, 3))
    if rnd.phase != RoundPhase.SETUP:
        return
    rng = random.Random(2024)
    recommender = ensure_user("recommender", Role.RECOMMENDER, "赵推荐", "recommender@example.cn")
    authority = demo_authority(program, on=round_date(rnd))
    authority.members.add(recommender)
    tiers = {t.rank: t for t in program.tiers.all()}
    rnd = round_set_phase_for_demo(rnd, RoundPhase.APPLICATIONS_OPEN)
    entries = [(submitted_application(rng, rnd, name, "110108", "bj6-", authority=authority, name_en=name_en,
                                      section=section, division=division, registered=D(2003, 5, 1)),
                tiers.get(rank) if rank else None)
               for name, name_en, section, division, rank in BEIJING_2024]
    rnd = round_set_phase_for_demo(rnd, RoundPhase.RECOMMENDATION)
    for app, _tier in entries:
        _walk(app, lambda a: recommender, [A.RECOMMEND])
    rnd = round_set_phase_for_demo(rnd, RoundPhase.ELIGIBILITY)
    for app, _tier in entries:
        _approve_all_rules(app, office)
        _walk(app, lambda a: office, [A.MARK_ELIGIBLE])
    rnd = round_set_phase_for_demo(rnd, RoundPhase.MATERIAL_REVIEW)
    for app, _tier in entries:
        _walk(app, lambda a: office, [A.START_MATERIAL_REVIEW, A.ADVANCE_TO_SITE_REVIEW])
    rnd = round_set_phase_for_demo(rnd, RoundPhase.SITE_REVIEW)
    for app, _tier in entries:
        _walk(app, lambda a: office, [A.SHORTLIST])
    rnd = round_set_phase_for_demo(rnd, RoundPhase.DELIBERATION)
    from deliberation.demo import decide_for_demo

    decide_for_demo(rnd, office, {app.pk: tier for app, tier in entries}, held_at=_at(D(2024, 11, 14), 9))
    rnd = round_set_phase_for_demo(rnd, RoundPhase.PUBLIC_NOTICE)
    notice = notice_publish(round_id=rnd.pk, stage=NoticeStage.PROPOSED_WINNERS, actor=office,
                            starts_on=D(2024, 11, 18), historical=True,
                            note_zh="公示期间，任何单位和个人对公示名单有异议的，可通过本平台提出并提供事实、理由及佐证材料。",
                            note_en="Anyone objecting to the list may lodge an objection here, with facts, reasons and evidence.")
    _objections(notice, office)
    Round.objects.filter(pk=rnd.pk).update(
        application_deadline=_at(D(2024, 7, 15), 17), recommendation_deadline=D(2024, 7, 31),
        eligibility_deadline=D(2024, 8, 23), material_review_deadline=D(2024, 9, 27),
        site_review_deadline=D(2024, 10, 31), deliberation_on=D(2024, 11, 14))
    _redate(rnd, _spans_2024())


def _objections(notice, office):
    """One objection verified and not upheld (result published), one still open."""
    first, second = list(notice.entries.order_by("position"))[:2]
    verified, _secret = objection_submit(
        notice_id=notice.pk, entry_id=first.pk, now=_at(D(2024, 11, 19), 10, 12),
        facts="该企业2023年曾因产品抽检不合格被通报。", reasons="不符合“近三年无重大质量问题”的申报条件。",
        contact_name="张先生", contact="13900000001",
        files=[ContentFile(DEMO_PDF, name="抽检通报截图.pdf")])
    objection_decide(objection_id=verified.pk, actor=office, upheld=False,
                     reasons="经核查，该次抽检不合格系一般性标签标识问题，企业已按期整改，不属于重大质量问题，异议不成立。")
    Objection.objects.filter(pk=verified.pk).update(decided_at=_at(D(2024, 11, 21), 15))
    objection_submit(
        notice_id=notice.pk, entry_id=second.pk, now=_at(D(2024, 11, 22), 16, 40),
        facts="据反映，该企业申报材料中所列研发投入数据与其年报数据不一致。", reasons="申报材料可能不实。",
        contact_name="匿名群众", contact="tip@example.cn",
        files=[ContentFile(DEMO_PDF, name="年报摘录.pdf")])
    PublicNotice.objects.filter(pk=notice.pk).update(published_at=_at(D(2024, 11, 18), 9))
