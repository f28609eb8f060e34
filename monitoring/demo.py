"""Demo data of the monitoring app.

* A daily monitoring run of every program with a revocation window (the beat task's work): the
  Beijing 2016 winners are past their three-year window (bj2020 art. 27), so it opens nothing.
* Fraud has no window (bj2020 art. 24): one 2016 winner has an open incident recorded by the
  office from a tip about its declared figures (demo data, marked as such), awaiting the winner's
  written explanation on /monitoring/mine/ (its representative's login: see the users list).
* Self-evaluation reports are scheduled for every standing winner of a program that requires
  them. Only Hangzhou does (§六(四)), and its measures took effect on 2025-11-30: its first round
  (2026) is open, so no winner can coherently owe a report yet (the first would fall due on
  2027-06-30). The demo therefore shows no overdue report; the tests cover them.
"""

import datetime

from applications.enums import ApplicationState
from applications.models import Application, AwardProgram
from award_portal.demo import ensure_user
from award_portal.roles import Role

from .incidents import incident_record
from .models import Incident
from .self_evaluation import schedule_reports
from .watch import MonitoringDeferred, monitoring_run

DEMO_WINNER = "北京中关村软件园发展有限责任公司"


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
