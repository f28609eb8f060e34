"""Demo data: the real 2nd Beijing round (closed, with its winners and nominees), a closed
Hangzhou 2023 round of clearly synthetic organisations (示范…), and open rounds of other programs
with synthetic organisations at several states.

The closed rounds are replayed through the real pipeline (`replay_closed_round`: the same
transition services as in production, with each program's notices, votes and approval), so
their timelines and audit trails are genuine; their dates are then set back to 2016 and 2023
(`_redate`: every phase change, state change, submission and recommendation inside the phase
it happened in). The current rounds get the same treatment relative to today: an open round
opened weeks ago and its deadline lies ahead; the round in eligibility review has its deadlines
behind it. Recommending authorities are those that existed at the round's time
(`routing.round_date`): the 2016 round is recommended by 北京市经济和信息化委员会, the predecessor
of today's 经济和信息化局.
"""

import datetime
import random

from django.core.files.base import ContentFile
from django.utils import timezone

from award_portal.demo import ensure_user
from award_portal.roles import Role

from . import drafts, uscc
from . import forms as step_forms
from .drafts import application_submit
from .enums import PHASE_ORDER, Action, LegalForm, NoticeStage, RoundPhase
from .models import (
    Application,
    Attachment,
    AwardProgram,
    Certification,
    CommitmentLetter,
    Membership,
    Organization,
    PhaseChange,
    Recommendation,
    Recommender,
    Round,
    RuleResult,
    StateChange,
)
from .program_fixtures import load_all_programs
from .recommendation import recommendation_endorse, recommendation_return
from .routing import recommender_allowed, round_date
from .services import (
    application_create,
    eligibility_evaluate,
    round_save,
    round_set_phase_for_demo,
    rule_result_decide,
    system_office_user,
)
from .workflow import application_transition

A = Action

BEIJING_WINNERS = [
    ("首都航天机械有限公司", "Capital Aerospace Machinery Corporation", "C", "3742"),
    ("北京银行股份有限公司", "Bank of Beijing Co., Ltd.", "J", "6621"),
    ("拜耳医药保健有限公司", "Bayer HealthCare Co., Ltd.", "C", "2720"),
    ("北京中关村软件园发展有限责任公司", "Beijing Zhongguancun Software Park Development Co., Ltd.", "L", "7221"),
    ("华润双鹤药业股份有限公司", "China Resources Double Crane Pharmaceutical Co., Ltd.", "C", "2720"),
]
BEIJING_NOMINEES = [
    ("北京城建三建设发展有限公司", "Beijing No. 3 Construction Engineering Co., Ltd.", "E", "4700"),
    ("北京菜市口百货股份有限公司", "Beijing Caishikou Department Store Co., Ltd.", "F", "5245"),
    ("北京北辰实业股份有限公司国家会议中心", "Beijing Beichen Industrial Co., Ltd. National Conference Center", "L", "7284"),
    ("北京二商王致和食品有限公司", "Beijing No. 2 Wangzhihe Food Co., Ltd.", "C", "1469"),
    ("中国石化润滑油有限公司", "Sinopec Lubricant Co., Ltd.", "C", "2511"),
]

SYNTHETIC_NAMES = [
    "杭州西子智能装备有限公司", "杭州钱塘新材料科技股份有限公司", "杭州云栖数据服务有限公司", "杭州湖畔生物医药有限公司",
    "杭州之江精密机械有限公司", "杭州运河物流集团有限公司", "合肥庐州电子科技有限公司", "芜湖江城汽车零部件有限公司",
    "安徽徽商环保工程有限公司", "合肥科大智造装备有限公司", "安徽皖江建材股份有限公司", "马鞍山钢城机械制造有限公司",
]


def _org(rng, name, region, *, name_en="", section="C", division="", registered=datetime.date(2005, 3, 1),
         employees=800, revenue=50000, assets=60000, muju="A"):
    org = Organization.objects.filter(name=name).first()
    if org:
        return org
    org = Organization(credit_code=uscc.generate(rng, region=region), name=name, name_en=name_en,
                       registered_on=registered, legal_form=LegalForm.COMPANY, industry_section=section,
                       industry_division=division, employees=employees, revenue_10k=revenue, assets_10k=assets,
                       muju_grade=muju if section == "C" else "", muju_year=2025,
                       excellence_model_since=datetime.date(2018, 1, 1), contact_name="质量部",
                       contact_phone="010-6000000", contact_email="quality@example.cn")
    org.full_clean()
    org.save()
    Certification.objects.create(organization=org, kind=Certification.Kind.ISO9001, number=f"CQC{rng.randint(10**7, 10**8)}",
                                 issuer="中国质量认证中心", valid_from=datetime.date(2020, 1, 1),
                                 valid_until=datetime.date(2028, 12, 31))
    return org


def demo_authority(program, on=None, organization=None):
    """The authority demo applications report to: an industry authority, which every applicant of
    the program may choose (a district bureau takes only its own district's, Beijing art. 16),
    among those that existed on day `on` (default today) and, given `organization`, that it may
    report to (`applications.routing`)."""
    day = on or timezone.localdate()
    for kind in (Recommender.Kind.INDUSTRY_AUTHORITY, None):
        candidates = program.recommenders.all() if kind is None else program.recommenders.filter(kind=kind)
        for authority in candidates:
            if authority.existed_on(day) and (
                    organization is None or recommender_allowed(organization, authority, program, on=day)):
                return authority
    return None


def _round(program, edition, year, name_zh, name_en, deadline, opens_on=None):
    """The round, created once through the service that keeps the program's cycle."""
    rnd = Round.objects.filter(program=program, edition=edition).first()
    if rnd is None:
        rnd = round_save(rnd=Round(program=program, edition=edition, year=year, name_zh=name_zh, name_en=name_en,
                                   application_deadline=deadline, applications_open_on=opens_on),
                         actor=system_office_user())
    return rnd


def _at(day, hour=9, minute=0):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


def _redate(rnd, spans):
    """Move the replayed history of `rnd` into its own time.

    The demo replays a round in seconds, today. `spans` gives, for each phase the round went
    through, the (start, end) datetimes its activity really took: the phase change into the phase
    is dated `start`, and everything recorded while the round was in that phase (state changes,
    submissions, recommendations, signatures, uploads, eligibility decisions) is spread, in its
    order, over [start, end]. Needs the round's phase changes in replay order."""
    changes = list(PhaseChange.objects.filter(round=rnd).order_by("created_at", "id"))
    real_end = timezone.now()
    segments = []  # (real start, real end, target start, target end)
    for i, change in enumerate(changes):
        start, end = spans[change.to_phase]
        real_next = changes[i + 1].created_at if i + 1 < len(changes) else real_end
        segments.append((change.created_at, real_next, start, end))
        PhaseChange.objects.filter(pk=change.pk).update(created_at=start)

    def moved(t):
        if t is None:
            return None
        for real_start, real_next, start, end in reversed(segments):
            if t >= real_start:
                span = (real_next - real_start).total_seconds() or 1.0
                fraction = min(max((t - real_start).total_seconds() / span, 0.0), 1.0)
                return start + (end - start) * fraction
        return segments[0][2]

    def update(queryset, *fields):
        for row in queryset.only("pk", *fields):
            type(row).objects.filter(pk=row.pk).update(**{f: moved(getattr(row, f)) for f in fields})

    applications = Application.objects.filter(round=rnd)
    update(StateChange.objects.filter(application__round=rnd), "created_at")
    update(Recommendation.objects.filter(application__round=rnd), "decided_at")
    update(CommitmentLetter.objects.filter(application__round=rnd), "accepted_at")
    update(Attachment.objects.filter(application__round=rnd), "uploaded_at")
    update(RuleResult.objects.filter(application__round=rnd), "evaluated_at", "decided_at")
    update(applications, "created_at", "updated_at", "submitted_at", "state_changed_at")


DEMO_PDF = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
            b"trailer<</Root 1 0 R>>\n%%EOF\n")
REPORT_TEXT = ("本组织坚持以顾客为关注焦点，建立并持续改进卓越绩效管理体系。高层领导亲自推动质量战略，"
               "通过方针目标管理将战略分解到各部门，定期开展绩效评审和对标，形成了系统的改进与创新机制。") * 3


def fill_application(application, rep, *, complete=True):
    """Fill the form like an applicant would, through the same services as the web form."""
    application.refresh_from_db()
    org = application.organization
    basic = {k: v for k, v in drafts.initial_step_data(application, "basic").items()}
    basic.update(address=basic.get("address") or "示范路1号", contact_name="质量部 张工", contact_phone="0571-88000000",
                 contact_email="quality@example.cn", employees=str(org.employees or 500),
                 revenue_10k=str(org.revenue_10k or 30000), assets_10k=str(org.assets_10k or 40000))
    program = application.round.program
    if program.recommenders.exists() and not basic.get("recommender"):
        basic["recommender"] = str(demo_authority(program, on=round_date(application.round), organization=org).pk)
    if program.tiers.count() > 1 and not basic.get("tier_applied"):
        basic["tier_applied"] = str(program.tiers.order_by("rank").first().pk)
    application, _ = drafts.draft_apply_step(application_id=application.pk, actor=rep, step="basic", data=basic,
                                             version=application.version)
    declarations = {r.params["key"]: "yes" for r in step_forms.declaration_rules(program)}
    application, _ = drafts.draft_apply_step(application_id=application.pk, actor=rep, step="declarations",
                                             data=declarations, version=application.version)
    if not complete:
        return application
    figures = {}
    for i, year in enumerate(step_forms.figure_years(application)):
        figures.update({f"revenue_10k_{year}": str(28000 + 2000 * i), f"profit_10k_{year}": str(2100 + 150 * i),
                        f"tax_10k_{year}": str(1500 + 90 * i), f"employees_{year}": str(480 + 10 * i),
                        f"rd_spend_10k_{year}": str(900 + 60 * i), f"quality_indicator_{year}": "一次交验合格率99.3%"})
    application, _ = drafts.draft_apply_step(application_id=application.pk, actor=rep, step="figures", data=figures,
                                             version=application.version)
    report = {step_forms.report_field_name(c): REPORT_TEXT for c in program.criteria.categories.all()}
    application, _ = drafts.draft_apply_step(application_id=application.pk, actor=rep, step="report", data=report,
                                             version=application.version)
    drafts.attachment_add(application_id=application.pk, actor=rep, upload=ContentFile(DEMO_PDF, name="质量管理体系证书.pdf"),
                          description="质量管理体系认证证书")
    # Signed from an address of the documentation range (RFC 5737), as the web form records it.
    drafts.commitment_sign(application_id=application.pk, actor=rep, signer_name="法定代表人", signer_title="董事长",
                           ip="203.0.113.10")
    return application


def _walk(application, actor_for, actions, tier=None):
    """Run `actions` through the services a user's click would run (owned ones by their owner)."""
    for action in actions:
        if action == A.SUBMIT:
            fill_application(application, actor_for(action))
            application_submit(application_id=application.pk, actor=actor_for(action))
            continue
        if action == A.RECOMMEND:
            recommendation_endorse(application_id=application.pk, actor=actor_for(action),
                                   opinion="经审核，该组织符合申报条件，同意推荐。",
                                   stamped_form=ContentFile(DEMO_PDF, name="推荐表（盖章）.pdf"))
            continue
        if action == A.RETURN:
            recommendation_return(application_id=application.pk, actor=actor_for(action), reason="演示数据")
            continue
        application_transition(application_id=application.pk, action=action, actor=actor_for(action),
                               reason="演示数据" if action in (A.RETURN, A.NOT_ADVANCE, A.NOT_SHORTLIST,
                                                             A.NOT_PROPOSE, A.MARK_INELIGIBLE) else "",
                               tier=tier if action == A.PROPOSE else None)


def submitted_application(rng, rnd, name, region, login, *, authority=None, tier_applied=None, **org_fields):
    """An application of the organisation `name` (created once, registered in `region`) submitted
    by its representative, the applicant login `<login><organisation id>`, to `authority` (None:
    filed with the office directly), for `tier_applied` where the program has several tiers."""
    org = _org(rng, name, region, **org_fields)
    rep = ensure_user(f"{login}{org.pk}", Role.APPLICANT, name[:10], f"{login}{org.pk}@example.cn")
    Membership.objects.get_or_create(user=rep, organization=org, defaults={"role": Membership.Role.ADMIN})
    app = application_create(round_id=rnd.pk, organization_id=org.pk, actor=rep)
    app.recommender, app.tier_applied = authority, tier_applied
    app.save(update_fields=["recommender", "tier_applied"])
    _walk(app, lambda a: rep, [A.SUBMIT])
    return app


def _approve_all_rules(application, office):
    for result in eligibility_evaluate(application_id=application.pk, actor=office):
        if result.outcome != "pass":
            rule_result_decide(result_id=result.pk, decision="overridden", actor=office,
                               reason="演示：评审办核实材料后确认符合条件")


def load():
    rng = random.Random(19580)
    load_all_programs()
    office = ensure_user("office", Role.OFFICE, "王评审办", "office@example.cn", staff=True)
    applicant = ensure_user("applicant", Role.APPLICANT, "李申报", "applicant@example.cn")
    recommender = ensure_user("recommender", Role.RECOMMENDER, "赵推荐", "recommender@example.cn")
    far = timezone.now() + datetime.timedelta(days=365)
    _load_beijing_second_edition(rng, office, recommender, far)
    _load_beijing_open_round(rng, office, applicant, recommender)
    _load_hangzhou_open_round(rng, office)
    _load_anhui_eligibility_round(rng, office, recommender, far)
    _load_hangzhou_2023_round(office)


# The 2nd Beijing round's calendar (the ceremony is the real one, 2016-12-06; the earlier dates
# are a plausible schedule, each phase after the last one's deadline).
BEIJING_2016 = {
    "applications_open_on": datetime.date(2016, 6, 1),
    "application_deadline": (datetime.date(2016, 7, 15), 17),
    "recommendation_deadline": datetime.date(2016, 7, 29),
    "eligibility_deadline": datetime.date(2016, 8, 19),
    "material_review_deadline": datetime.date(2016, 9, 23),
    "site_review_deadline": datetime.date(2016, 10, 28),
    "deliberation_on": datetime.date(2016, 11, 10),
    "award_ceremony_on": datetime.date(2016, 12, 6),
}


def phase_spans(*days):
    """The spans `_redate` needs, from the first and last day of each phase the round went through,
    in pipeline order from applications open: 9:00 on the first day to 17:00 on the last (16:00 for
    applications, before the deadline); a closed round's last span is its ceremony, at 15:00."""
    spans = {}
    for phase, (first, last) in zip(PHASE_ORDER[1:], days, strict=False):
        if phase == RoundPhase.CLOSED:
            spans[phase] = (_at(first, 15), _at(first, 15))
        else:
            spans[phase] = (_at(first), _at(last, 16 if phase == RoundPhase.APPLICATIONS_OPEN else 17))
    return spans


def _beijing_2016_spans():
    d = datetime.date
    return phase_spans((d(2016, 6, 1), d(2016, 7, 15)), (d(2016, 7, 18), d(2016, 7, 29)), (d(2016, 8, 1), d(2016, 8, 19)),
                       (d(2016, 8, 22), d(2016, 9, 23)), (d(2016, 9, 26), d(2016, 10, 28)),
                       (d(2016, 10, 31), d(2016, 11, 10)), (d(2016, 11, 11), d(2016, 11, 22)),
                       (d(2016, 11, 23), d(2016, 12, 5)), (d(2016, 12, 6), d(2016, 12, 6)))


def replay_closed_round(rnd, office, enter, *, calendar, spans, notices, held_at, awards, recommender=None):
    """Replay a closed round through the pipeline's services, then give it its own time.

    `enter(rnd)` creates and submits the applications while the round is open and returns
    [(application, tier it is to be proposed for, or None)]. Then: recommendation (by `recommender`,
    or by the office where applicants file with it directly, as in Hangzhou), eligibility, material
    review and site review, each list the program notices published (`notices`: stage → first day,
    historical, so the notices' guards see them ended before the lists move on), the committee's
    meeting (`held_at`), the proposed winners' notice, and `awards(rnd, office)`: approval, decision
    and conferral. Last, the round gets `calendar` (its Round dates; the application deadline as
    (day, hour)) and its history `spans` (`_redate`)."""
    from deliberation.demo import decide_for_demo
    from notices.demo import historical_notice

    rnd = round_set_phase_for_demo(rnd, RoundPhase.APPLICATIONS_OPEN)
    applications = enter(rnd)
    rnd = round_set_phase_for_demo(rnd, RoundPhase.RECOMMENDATION)
    for app, _tier in applications:
        _walk(app, lambda a: recommender or office, [A.RECOMMEND])
    rnd = round_set_phase_for_demo(rnd, RoundPhase.ELIGIBILITY)
    for app, _tier in applications:
        _approve_all_rules(app, office)
        _walk(app, lambda a: office, [A.MARK_ELIGIBLE])
    steps = [
        (RoundPhase.MATERIAL_REVIEW, [A.START_MATERIAL_REVIEW], NoticeStage.MATERIAL_REVIEW_LIST, [A.ADVANCE_TO_SITE_REVIEW]),
        (RoundPhase.SITE_REVIEW, [], NoticeStage.SITE_REVIEW_LIST, [A.SHORTLIST]),
    ]
    for phase, before, stage, after in steps:
        rnd = round_set_phase_for_demo(rnd, phase)
        for app, _tier in applications:
            _walk(app, lambda a: office, before)
        if stage in notices:
            historical_notice(rnd, office, stage, notices[stage])
        for app, _tier in applications:
            _walk(app, lambda a: office, after)
    rnd = round_set_phase_for_demo(rnd, RoundPhase.DELIBERATION)
    decide_for_demo(rnd, office, {app.pk: tier for app, tier in applications}, held_at=held_at)
    rnd = round_set_phase_for_demo(rnd, RoundPhase.PUBLIC_NOTICE)
    historical_notice(rnd, office, NoticeStage.PROPOSED_WINNERS, notices[NoticeStage.PROPOSED_WINNERS])
    rnd = awards(round_set_phase_for_demo(rnd, RoundPhase.APPROVAL), office)
    round_set_phase_for_demo(rnd, RoundPhase.CLOSED)
    dates = dict(calendar)
    deadline_day, hour = dates.pop("application_deadline")
    Round.objects.filter(pk=rnd.pk).update(application_deadline=_at(deadline_day, hour), **dates)
    _redate(rnd, spans)
    return Round.objects.get(pk=rnd.pk)


def _load_beijing_second_edition(rng, office, recommender, far):
    program = AwardProgram.objects.get(code="beijing")
    rnd = _round(program, 2, 2016, "第二届北京市人民政府质量管理奖", "2nd Beijing Municipal Government Quality Management Award", far,
                 opens_on=BEIJING_2016["applications_open_on"])
    if rnd.phase != RoundPhase.SETUP:
        return
    # 2016: before the November 2018 reform, the commission, not today's bureau, recommended.
    authority = demo_authority(program, on=round_date(rnd))
    authority.members.add(recommender)
    tiers = list(program.tiers.order_by("rank"))

    def enter(rnd):
        entries = [(w, tiers[0]) for w in BEIJING_WINNERS] + [(n, tiers[1]) for n in BEIJING_NOMINEES]
        return [(submitted_application(rng, rnd, name, "110108", "bj", authority=authority, name_en=name_en,
                                       section=section, division=division, registered=datetime.date(1995, 6, 1)), tier)
                for (name, name_en, section, division), tier in entries]

    from awards.demo import beijing_2016_awards

    # The committee meets on 2016-11-10; the proposed winners are noticed from 2016-11-11 (5 working
    # days); approval, decision and conferral at the ceremony through the awards services.
    replay_closed_round(rnd, office, enter, recommender=recommender, calendar=BEIJING_2016,
                        spans=_beijing_2016_spans(), notices={NoticeStage.PROPOSED_WINNERS: datetime.date(2016, 11, 11)},
                        held_at=_at(datetime.date(2016, 11, 10), 9), awards=beijing_2016_awards)


def _load_beijing_open_round(rng, office, applicant, recommender):
    """An open Beijing round: the demo applicant's draft, and applications waiting for the recommender."""
    program = AwardProgram.objects.get(code="beijing")
    opens_on, deadline = _open_round_dates()
    rnd = _round(program, 7, 2026, "2026年北京市人民政府质量管理奖（演示）",
                 "Beijing Municipal Government Quality Management Award 2026 (demo)", deadline, opens_on)
    if rnd.phase != RoundPhase.SETUP:
        return
    rnd = round_set_phase_for_demo(rnd, RoundPhase.APPLICATIONS_OPEN)
    authority = demo_authority(program)
    authority.members.add(recommender)
    names = ["北京示范精工科技有限公司", "北京京城智慧医疗器械有限公司", "北京长安数字服务有限公司",
             "北京燕山新能源装备有限公司", "北京中轴线文化旅游发展有限公司"]
    plan = [None, [A.SUBMIT], [A.SUBMIT], [A.SUBMIT, A.RETURN], [A.SUBMIT, A.RECOMMEND]]
    for i, (name, actions) in enumerate(zip(names, plan, strict=True)):
        org = _org(rng, name, "110108", revenue=20000 + 4000 * i, registered=datetime.date(2009, 4, 1))
        rep = applicant if i == 0 else ensure_user(f"bjnew{org.pk}", Role.APPLICANT, f"申报人{i}",
                                                   f"bjnew{org.pk}@example.cn")
        Membership.objects.get_or_create(user=rep, organization=org, defaults={"role": Membership.Role.ADMIN})
        app = application_create(round_id=rnd.pk, organization_id=org.pk, actor=rep)
        if actions is None:
            fill_application(app, rep, complete=False)  # a draft half-way: two steps filled
            continue
        _walk(app, lambda a, rep=rep: rep if a == A.SUBMIT else recommender, actions)
    _redate(rnd, {RoundPhase.APPLICATIONS_OPEN: (_at(opens_on), timezone.now() - datetime.timedelta(hours=1))})


def _open_round_dates():
    """An open round opened six weeks ago; its deadline is next 31 March (at least a month ahead)."""
    today = timezone.localdate()
    deadline_day = datetime.date(today.year + (1 if today >= datetime.date(today.year, 3, 1) else 0), 3, 31)
    return today - datetime.timedelta(days=42), _at(deadline_day, 17)


def _load_hangzhou_open_round(rng, office):
    program = AwardProgram.objects.get(code="hangzhou")
    opens_on, deadline = _open_round_dates()
    # Edition 2: the closed 2023 round (`_load_hangzhou_2023_round`) is edition 1.
    rnd = _round(program, 2, 2026, "2026年度杭州市政府质量奖", "Hangzhou Government Quality Award 2026", deadline, opens_on)
    if rnd.phase != RoundPhase.SETUP:
        return
    rnd = round_set_phase_for_demo(rnd, RoundPhase.APPLICATIONS_OPEN)
    # Hangzhou has no recommending authorities: applicants file directly with the bureau (office).
    plan = [[], [A.SUBMIT], [A.SUBMIT, A.RETURN], [A.SUBMIT, A.RECOMMEND]]
    for i, actions in enumerate(plan):
        org = _org(rng, SYNTHETIC_NAMES[i], "330106", revenue=30000 + 5000 * i)
        rep = ensure_user(f"hz{org.pk}", Role.APPLICANT, f"申报人{i}", f"hz{org.pk}@example.cn")
        Membership.objects.get_or_create(user=rep, organization=org, defaults={"role": Membership.Role.ADMIN})
        app = application_create(round_id=rnd.pk, organization_id=org.pk, actor=rep)
        app.tier_applied = program.tiers.order_by("rank").first()
        app.save(update_fields=["tier_applied"])
        _walk(app, lambda a, rep=rep: rep if a == A.SUBMIT else office, actions)
    _redate(rnd, {RoundPhase.APPLICATIONS_OPEN: (_at(opens_on), timezone.now() - datetime.timedelta(hours=1))})


#: The closed Hangzhou 2023 round's finalists: clearly synthetic names (示范 = demo), the district
#: (GB/T 2260, Hangzhou 3301xx), the industry, and the tier each is proposed for (None: not proposed).
HANGZHOU_2023 = [
    ("杭州示范智造装备有限公司", "Hangzhou Demo Smart Equipment Co., Ltd.", "330108", "C", "3421", "quality"),
    ("杭州示范康健医疗器械有限公司", "Hangzhou Demo Health Medical Devices Co., Ltd.", "330110", "C", "3581", "quality"),
    ("杭州示范数智物流有限公司", "Hangzhou Demo Digital Logistics Co., Ltd.", "330109", "G", "5990", "innovation"),
    ("杭州示范绿色建材有限公司", "Hangzhou Demo Green Building Materials Co., Ltd.", "330113", "C", "3021", None),
]

# The 2023 round's calendar: a plausible schedule (the names, dates and document numbers are demo
# data). Three notices of 7 working days each (hz2025 §三(三)): the material-review list from
# 2023-07-31, the site-review list from 2023-08-14, the proposed winners from 2023-11-06.
HANGZHOU_2023_CALENDAR = {
    "applications_open_on": datetime.date(2023, 4, 3),
    "application_deadline": (datetime.date(2023, 5, 31), 17),
    "eligibility_deadline": datetime.date(2023, 6, 30),
    "material_review_deadline": datetime.date(2023, 8, 11),
    "site_review_deadline": datetime.date(2023, 10, 20),
    "deliberation_on": datetime.date(2023, 11, 2),
    "award_ceremony_on": datetime.date(2023, 12, 20),
}
HANGZHOU_2023_NOTICES = {
    NoticeStage.MATERIAL_REVIEW_LIST: datetime.date(2023, 7, 31),
    NoticeStage.SITE_REVIEW_LIST: datetime.date(2023, 8, 14),
    NoticeStage.PROPOSED_WINNERS: datetime.date(2023, 11, 6),
}


def _hangzhou_2023_spans():
    d = datetime.date
    return phase_spans((d(2023, 4, 3), d(2023, 5, 31)), (d(2023, 6, 1), d(2023, 6, 9)), (d(2023, 6, 12), d(2023, 6, 30)),
                       (d(2023, 7, 3), d(2023, 8, 11)), (d(2023, 8, 14), d(2023, 10, 20)),
                       (d(2023, 10, 23), d(2023, 11, 3)), (d(2023, 11, 6), d(2023, 11, 14)),
                       (d(2023, 11, 15), d(2023, 12, 19)), (d(2023, 12, 20), d(2023, 12, 20)))


def _load_hangzhou_2023_round(office):
    """A closed Hangzhou round of 2023 (edition 1 of the demo), replayed like the Beijing 2016 one:
    applicants file with the bureau (no recommending authority), three notices, a secret ballot
    for 质量奖 and a show of hands for 创新奖, approval by 杭州市人民政府 and certificates of
    2023-12-20. It runs on the program's current rules: the demo does not model the 2022 measures
    the real 2023 round followed. Its winners owe self-evaluation reports (monitoring/demo.py)."""
    program = AwardProgram.objects.get(code="hangzhou")
    rnd = _round(program, 1, 2023, "2023年度杭州市政府质量奖（演示）", "Hangzhou Government Quality Award 2023 (demo)",
                 timezone.now() + datetime.timedelta(days=365), HANGZHOU_2023_CALENDAR["applications_open_on"])
    if rnd.phase != RoundPhase.SETUP:
        return
    rng = random.Random(2023)  # its own stream: the other rounds' organisations keep their codes
    tiers = {t.code: t for t in program.tiers.all()}

    def enter(rnd):
        return [(submitted_application(rng, rnd, name, region, "hz23-", tier_applied=tiers[tier or "innovation"],
                                       name_en=name_en, section=section, division=division,
                                       registered=datetime.date(2008, 3, 1), revenue=60000 + 8000 * i),
                 tiers[tier] if tier else None)
                for i, (name, name_en, region, section, division, tier) in enumerate(HANGZHOU_2023)]

    from awards.demo import hangzhou_2023_awards

    replay_closed_round(rnd, office, enter, calendar=HANGZHOU_2023_CALENDAR, spans=_hangzhou_2023_spans(),
                        notices=HANGZHOU_2023_NOTICES, held_at=_at(datetime.date(2023, 11, 2), 9),
                        awards=hangzhou_2023_awards)


# Where the Anhui demo organisations are registered (GB/T 2260): the city in the name.
ANHUI_REGIONS = {"芜湖江城汽车零部件有限公司": "340202", "马鞍山钢城机械制造有限公司": "340503"}


def _load_anhui_eligibility_round(rng, office, recommender, far):
    """A round in eligibility review: it opened three months ago, applications closed a month ago
    and the authorities' recommendations two weeks later; the office is checking eligibility."""
    program = AwardProgram.objects.get(code="anhui")
    today = timezone.localdate()
    opens_on = today - datetime.timedelta(days=90)
    deadline_day = today - datetime.timedelta(days=30)
    recommendation_day = deadline_day + datetime.timedelta(days=14)
    rnd = _round(program, 1, 2026, "2026年安徽省政府质量奖", "Anhui Provincial Government Quality Award 2026", far,
                 opens_on)
    if rnd.phase != RoundPhase.SETUP:
        return
    rnd = round_set_phase_for_demo(rnd, RoundPhase.APPLICATIONS_OPEN)
    authority = demo_authority(program, on=opens_on)
    authority.members.add(recommender)
    apps = []
    for i, name in enumerate(SYNTHETIC_NAMES[6:11]):
        registered = datetime.date(2025, 6, 1) if i == 4 else datetime.date(2008, 5, 1)
        org = _org(rng, name, ANHUI_REGIONS.get(name, "340104"), registered=registered, muju="")
        rep = ensure_user(f"ah{org.pk}", Role.APPLICANT, f"申报人{i}", f"ah{org.pk}@example.cn")
        Membership.objects.get_or_create(user=rep, organization=org, defaults={"role": Membership.Role.ADMIN})
        app = application_create(round_id=rnd.pk, organization_id=org.pk, actor=rep)
        app.recommender = authority
        app.save(update_fields=["recommender"])
        _walk(app, lambda a, rep=rep: rep, [A.SUBMIT])
        apps.append(app)
    rnd = round_set_phase_for_demo(rnd, RoundPhase.RECOMMENDATION)
    for app in apps:
        _walk(app, lambda a: recommender, [A.RECOMMEND])
    rnd = round_set_phase_for_demo(rnd, RoundPhase.ELIGIBILITY)
    for app in apps:
        eligibility_evaluate(application_id=app.pk, actor=office)
    _approve_all_rules(apps[0], office)
    _walk(apps[0], lambda a: office, [A.MARK_ELIGIBLE])
    young = Application.objects.get(pk=apps[4].pk)
    for result in young.rule_results.filter(outcome="fail"):
        rule_result_decide(result_id=result.pk, decision="confirmed", actor=office,
                           reason="演示：注册未满3年，不符合申报条件")
    _walk(young, lambda a: office, [A.MARK_INELIGIBLE])
    # Fraud found during the review: disqualified at once, whatever the stage (Beijing art. 24 style).
    application_transition(application_id=apps[3].pk, action=A.DISQUALIFY, actor=office,
                           reason="演示：经核实，申报材料所附质量荣誉证书系伪造，取消评选资格。")
    # The replay ran today: give the round its deadlines (now past) and its history their dates.
    Round.objects.filter(pk=rnd.pk).update(application_deadline=_at(deadline_day, 17),
                                           recommendation_deadline=recommendation_day,
                                           eligibility_deadline=today + datetime.timedelta(days=21))
    _redate(rnd, {
        RoundPhase.APPLICATIONS_OPEN: (_at(opens_on), _at(deadline_day, 16)),
        RoundPhase.RECOMMENDATION: (_at(deadline_day + datetime.timedelta(days=1)), _at(recommendation_day, 17)),
        RoundPhase.ELIGIBILITY: (_at(recommendation_day + datetime.timedelta(days=1)),
                                 timezone.now() - datetime.timedelta(hours=1)),
    })
