"""Demo data of the monitoring app.

* A daily monitoring run of every program with a revocation window (the beat task's work): the
  Beijing 2016 winners are past their three-year window (bj2020 art. 27), so it opens nothing.
* Fraud has no window (bj2020 art. 24): one 2016 winner has an open incident recorded by the
  office from a tip about its declared figures (demo data, marked as such), awaiting the winner's
  written explanation on /monitoring/mine/ (its representative's login: see the users list).
* Self-evaluation reports are scheduled for every standing winner of a program that requires
  them. Only Hangzhou does (§六(四)); its measures took effect on 2025-11-30 and bind every
  municipal winner from then on (self_evaluation.due_dates). The three winners of the closed 2023
  round (applications/demo.py `_load_hangzhou_2023_round`, certificates of 2023-12-20) owe the
  reports due 2026-06-30 (on 2025) and 2028-06-30 (on 2027); the one due 2024-06-30 fell before
  the measures and is not owed. Two filed their 2026 report in June 2026 (through `report_file`);
  杭州示范康健医疗器械有限公司 has not: overdue since 2026-06-30, chased by `remind_and_chase`
  (the office's list of overdue reports shows when; the winner's members are notified and see it
  on /monitoring/mine/). The office has drawn a spot check of one of the two filed reports
  (`spot_check_draw`, seeded from a public input, replayable).
* The 2023 winners are past Hangzhou's two-year revocation window (§六(五): to 2025-12-20), so the
  daily run does not screen them and no incident is opened for them.
"""

import datetime

from django.utils import timezone

from applications.enums import ApplicationState
from applications.models import Application, AwardProgram, Membership
from award_portal.demo import ensure_user
from award_portal.roles import Role

from .errors import MonitoringError
from .incidents import incident_record
from .models import Incident, SelfEvaluationReport
from .self_evaluation import remind_and_chase, report_file, schedule_reports, spot_check_draw
from .watch import MonitoringDeferred, monitoring_run

DEMO_WINNER = "北京中关村软件园发展有限责任公司"

#: The Hangzhou 2023 winners' reports due 2026-06-30: filed on the day given, or None (overdue).
HANGZHOU_2026_REPORTS = [
    ("杭州示范智造装备有限公司", datetime.date(2026, 6, 18)),
    ("杭州示范数智物流有限公司", datetime.date(2026, 6, 26)),
    ("杭州示范康健医疗器械有限公司", None),
]
REPORT_TEXT = ("（演示数据）2025年度自我评价报告：对照卓越绩效评价准则，本组织在领导、战略、顾客与市场、资源、"
               "过程管理、测量分析与改进和结果七个方面开展了自我评价，持续改进情况及下一步计划如下。")


def load():
    office = ensure_user("office", Role.OFFICE, "王评审办", "office@example.cn", staff=True)
    for program in AwardProgram.objects.filter(revocation_window_years__isnull=False).order_by("pk"):
        if not program.monitoring_runs.exists():
            try:
                monitoring_run(program_id=program.pk, actor=None, notify=False)
            except MonitoringDeferred:
                pass
    winner = (Application.objects.filter(round__program__code="beijing", round__year=2016,
                                         organization__name=DEMO_WINNER, state=ApplicationState.AWARDED).first())
    if winner is not None and not Incident.objects.filter(application=winner).exists():
        incident_record(application_id=winner.pk, actor=office, kind=Incident.Kind.FRAUD,
                        occurred_on=datetime.date(2026, 10, 20),
                        title="（演示数据）来信反映申报材料中2015年营业收入与年报数据不一致，待核实",
                        description="评审办收到来信，反映该组织第二届申报材料所列2015年营业收入与其公开年报数据不一致。"
                                    "按《北京市人民政府质量管理奖管理办法》第二十四条，经核实以弄虚作假手段获奖的，"
                                    "报请市政府批准撤销奖项。请获奖组织书面说明。")
    schedule_reports()
    _hangzhou_2026_reports()


def _hangzhou_2026_reports():
    """Two 2023 winners filed the report due 2026-06-30, one did not and is chased."""
    reports = {r.application.organization.name: r for r in SelfEvaluationReport.objects.filter(
        application__round__program__code="hangzhou", application__round__year=2023, due_on=datetime.date(2026, 6, 30),
    ).select_related("application__organization")}
    for name, filed_on in HANGZHOU_2026_REPORTS:
        report = reports.get(name)
        if report is None or filed_on is None or report.status == SelfEvaluationReport.Status.FILED:
            continue
        member = Membership.objects.filter(organization=report.application.organization).select_related("user").first()
        report_file(report_id=report.pk, actor=member.user, text=REPORT_TEXT,
                    now=timezone.make_aware(datetime.datetime.combine(filed_on, datetime.time(10))))
    remind_and_chase()
    _hangzhou_2026_spot_check()


def _hangzhou_2026_spot_check():
    """The bureau's spot check of the reports due in 2026 (§六(四) 适时开展抽查): one of the two filed,
    drawn on the day the demo loads from a public input, replayable from the seed it records."""
    program = AwardProgram.objects.filter(code="hangzhou").first()
    if program is None or program.spot_checks.filter(year=2026).exists():
        return
    office = ensure_user("office", Role.OFFICE, "王评审办", "office@example.cn", staff=True)
    try:
        spot_check_draw(program_id=program.pk, year=2026, size=1, actor=office,
                        public_input=f"{timezone.localdate():%Y-%m-%d} 评审办会议室，监督人员在场（演示数据）")
    except MonitoringError:
        return
