"""Public notice page throughput under gunicorn, against the bare hello view in the same run.

Set-up (not measured): a database of its own (award_bench_notices, dropped and re-created),
migrated, the programs loaded, and one Beijing round in public notice whose proposed winners'
notice lists 50 organisations (published through `notices.publication.notice_publish`), with
one verified objection.

Measured: gunicorn (2 sync workers, DEBUG off, benchmarks.bench_settings) on 127.0.0.1 and the
load generator of page_bench (16 concurrent clients, a new connection per request) against
/bench/hello/ and then the notice page /notices/<pk>/ as an anonymous visitor, each for
BENCH_PAGE_SECONDS (10 s; 3 s with BENCH_SCALE=small). The page is served from the django cache
(notices/cache.py: a version key bumped on every change), so a hit costs two cache reads.

Prints: BENCH notice_vs_hello_ratio (issue 14: at least 0.5), BENCH notice_page_rps,
BENCH notice_page_p99_ms, and as information hello's figures.

Run alone: BENCH_ONLY=notices python -m benchmarks (or python -m benchmarks.notice_bench).
"""

import asyncio
import json
import os
import secrets
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlparse, urlunparse

from .page_bench import (
    CONCURRENCY,
    ROOT,
    _free_port,
    _one,
    _request,
    _server_env,
    _wait_until_up,
    bench,
    info,
    measure,
)

ROWS = 50


def _database_url():
    if url := os.environ.get("BENCH_NOTICE_DATABASE_URL"):
        return url
    base = urlparse(os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/award_bench"))
    return urlunparse(base._replace(path="/award_bench_notices"))


def prepare():
    """Migrate, load the programs, publish a 50-row notice. Prints one JSON line."""
    import datetime
    import random

    import django

    django.setup()
    from django.core.management import call_command
    from django.utils import timezone

    from applications import uscc
    from applications.enums import ApplicationState, NoticeStage, RoundPhase
    from applications.models import Application, AwardProgram, Organization, Round
    from applications.program_fixtures import load_all_programs
    from applications.services import system_office_user
    from notices.objections import objection_decide, objection_submit
    from notices.publication import notice_publish

    call_command("migrate", verbosity=0)
    load_all_programs()
    program = AwardProgram.objects.get(code="beijing")
    tiers = list(program.tiers.order_by("rank"))
    rnd = Round.objects.create(program=program, edition=99, year=2026, name_zh="基准测试轮次", name_en="Benchmark round",
                               phase=RoundPhase.PUBLIC_NOTICE,
                               application_deadline=timezone.now() - datetime.timedelta(days=200))
    rng = random.Random(14)
    for i in range(ROWS):
        org = Organization.objects.create(credit_code=uscc.generate(rng, region="110108"),
                                          name=f"北京基准测试第{i + 1}科技有限公司", name_en=f"Benchmark Company {i + 1}",
                                          registered_on=datetime.date(2005, 1, 1), industry_section="C")
        Application.objects.create(round=rnd, organization=org, number=f"BENCH-{i:04d}",
                                   state=ApplicationState.PROPOSED, tier=tiers[i % len(tiers)])
    office = system_office_user()
    notice = notice_publish(round_id=rnd.pk, stage=NoticeStage.PROPOSED_WINNERS, actor=office)
    objection, _secret = objection_submit(notice_id=notice.pk, entry_id=notice.entries.first().pk, facts="事实",
                                          reasons="理由", contact_name="基准", contact="bench@example.cn")
    objection_decide(objection_id=objection.pk, actor=office, upheld=False, reasons="经核查不属实。")
    print(json.dumps({"path": f"/notices/{notice.pk}/", "rows": notice.entries.count()}))


def run(scale="full"):
    from .bigdata_bench import recreate_database

    seconds = float(os.environ.get("BENCH_PAGE_SECONDS", 3 if scale == "small" else 10))
    database_url = _database_url()
    recreate_database(database_url)
    port = _free_port()
    env = _server_env(database_url, port)
    t0 = time.perf_counter()
    out = subprocess.run([sys.executable, "-m", "benchmarks.notice_bench", "prepare"], cwd=ROOT, env=env,
                         check=True, capture_output=True, text=True).stdout
    target = json.loads(out.strip().splitlines()[-1])
    info(f"notices: notice of {target['rows']} organisations at {target['path']} ({time.perf_counter() - t0:.1f} s)")

    gunicorn = str(Path(sys.executable).with_name("gunicorn"))
    log = open(ROOT / "var" / "notice_bench_gunicorn.log", "w") if (ROOT / "var").is_dir() else subprocess.DEVNULL
    proc = subprocess.Popen([gunicorn, "award_portal.wsgi", "-w", "2", "-k", "sync", "-b", f"127.0.0.1:{port}"],
                            cwd=ROOT, env=env, stdout=log, stderr=log)
    try:
        _wait_until_up(port, proc)
        status, body, _s = asyncio.run(_one(port, _request(target["path"], None)))
        rows = body.count(b'<td class="org">')
        if status != 200 or rows != target["rows"]:
            raise RuntimeError(f"the notice page answered {status} with {rows} of its {target['rows']} rows")
        hello = measure(port, "/bench/hello/", None, seconds)
        page = measure(port, target["path"], None, seconds)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
        if log is not subprocess.DEVNULL:
            log.close()
    for name, r in (("hello", hello), ("notice page", page)):
        info(f"{name}: {r['n']} requests in {seconds:g} s, {r['errors']} errors, p50 {r['p50_ms']:.1f} ms, "
             f"p99 {r['p99_ms']:.1f} ms ({CONCURRENCY} clients, gunicorn 2 sync workers)")
    if page["errors"] or hello["errors"]:
        raise RuntimeError("requests failed during the measurement")
    bench("notice_vs_hello_ratio", round(page["rps"] / hello["rps"], 2), "ratio")
    bench("notice_page_rps", round(page["rps"]), "req/s")
    bench("notice_page_p99_ms", round(page["p99_ms"], 1), "ms")


if __name__ == "__main__":
    if sys.argv[1:] == ["prepare"]:
        prepare()
    else:
        os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(50))
        run(os.environ.get("BENCH_SCALE", "full"))
