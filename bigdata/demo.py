"""Demo big data: a few record files for the demo organisations, imported through the real
importer, then screening and evaluation runs, so the office sees flags, evidence and scores."""

import datetime
import io
import random

import pandas as pd
from django.utils import timezone

from applications import uscc
from applications.enums import ApplicationState
from applications.models import Application, AwardProgram, Organization
from applications.services import eligibility_evaluate
from award_portal.demo import ensure_user
from award_portal.roles import Role

from .models import RecordSource, Run
from .program_data import load_all
from .services import records_import, run_start


def _csv(source: RecordSource, rows: list[dict]) -> bytes:
    headers = list(source.column_mapping)
    field_to_header = {v: k for k, v in source.column_mapping.items()}
    frame = pd.DataFrame([{field_to_header[k]: v for k, v in row.items() if k in field_to_header} for row in rows],
                         columns=headers)
    buffer = io.StringIO()
    frame.to_csv(buffer, index=False)
    return buffer.getvalue().encode("utf-8")


def load():
    load_all()
    if Run.objects.exists():
        return
    office = ensure_user("office", Role.OFFICE, "王评审办", "office@example.cn", staff=True)
    rng = random.Random(5)
    today = timezone.localdate()
    orgs = list(Organization.objects.order_by("id"))
    by_name = {o.name: o for o in orgs}
    day = lambda n: (today - datetime.timedelta(days=n)).isoformat()  # noqa: E731
    rows = {code: [] for code in RecordSource.objects.values_list("code", flat=True)}
    for org in orgs:
        base = {"credit_code": org.credit_code, "org_name": org.name}
        for k in range(rng.randint(0, 4)):
            rows["consumer-complaint"].append({**base, "source_record_id": f"CPL-{org.pk}-{k}", "occurred_on": day(rng.randint(10, 900)),
                                               "grade": rng.choice(["调解成功", "调解成功", "调解不成功", "撤回"]), "title": "质量", "authority": "12315"})
        for k in range(rng.randint(1, 5)):
            rows["media-report"].append({**base, "source_record_id": f"MED-{org.pk}-{k}", "occurred_on": day(rng.randint(10, 700)),
                                         "grade": rng.choice(["正面", "正面", "中性", "负面"]), "title": f"{org.name}相关报道", "authority": "人民网"})
        rows["credit-rating"].append({**base, "source_record_id": f"CR-{org.pk}", "occurred_on": day(200),
                                      "grade": rng.choice(["AAA", "AA", "AA", "A", "BBB"]), "authority": "中诚信"})
        rows["spot-check"].append({**base, "source_record_id": f"SC-{org.pk}", "occurred_on": day(rng.randint(30, 800)),
                                   "grade": "合格", "title": "产品质量监督抽查", "authority": "省级"})
    special = {
        "芜湖江城汽车零部件有限公司": ("spot-check", {"source_record_id": "SC-FAIL-1", "occurred_on": day(400), "grade": "不合格",
                                           "title": "汽车制动软管", "authority": "国家级", "document_no": "GJCC-2025-0117"}),
        "安徽徽商环保工程有限公司": ("gov-penalty", {"source_record_id": "PEN-1", "occurred_on": day(300), "grade": "罚款",
                                        "amount_10k": "15", "title": "超标排放", "authority": "合肥市生态环境局",
                                        "document_no": "合环罚〔2025〕88号"}),
        "北京燕山新能源装备有限公司": ("gov-abnormal", {"source_record_id": "ABN-1", "occurred_on": day(120),
                                          "title": "未按规定期限公示年度报告", "authority": "北京市海淀区市场监督管理局"}),
        "北京长安数字服务有限公司": ("gov-dishonesty", {"source_record_id": "DIS-1", "occurred_on": day(90),
                                           "grade": "市场监督管理严重违法失信名单", "title": "提交虚假材料取得登记",
                                           "authority": "北京市市场监督管理局"}),
    }
    for name, (source_code, row) in special.items():
        org = by_name.get(name)
        if org:
            rows[source_code].append({"credit_code": org.credit_code, "org_name": org.name, **row})
    # A record of an organisation that has not registered, and one whose code was mistyped at the source.
    rows["gov-penalty"].append({"credit_code": uscc.generate(rng, region="110105"), "org_name": "北京未注册贸易有限公司",
                                "source_record_id": "PEN-2", "occurred_on": day(50), "grade": "警告", "authority": "朝阳区市场监管局"})
    sample = orgs[0]
    rows["gov-penalty"].append({"credit_code": uscc.generate(rng, region="110108"), "org_name": sample.name,
                                "source_record_id": "PEN-3", "occurred_on": day(60), "grade": "警告", "authority": "海淀区市场监管局"})
    for code, source_rows in rows.items():
        if source_rows:
            source = RecordSource.objects.get(code=code)
            records_import(source=source, data=_csv(source, source_rows), file_name=f"{code}-demo.csv", actor=office)
    for program in AwardProgram.objects.filter(code__in=["beijing", "hangzhou", "anhui"]):
        # A round's screening run screens that round's applicants only (issue 11); the
        # evaluation stays program-wide.
        for rnd in program.rounds.filter(applications__submitted_at__isnull=False).distinct():
            run_start(program=program, actor=office, round=rnd)
        run_start(program=program, actor=office, kind=Run.Kind.EVALUATION)
    for application in Application.objects.filter(state=ApplicationState.RECOMMENDED):
        eligibility_evaluate(application_id=application.pk, actor=office)
