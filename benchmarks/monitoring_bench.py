"""Monitoring after new records arrive: 1,000 winners re-screened after 100,000 new records land on
top of 10,000,000 (small: 200,000 + 2,000), incrementally (the new records only) and in full (every
record of the same winners), in the same run on a database of its own.

BENCH monitoring_incremental_s: the incremental run's seconds.
BENCH monitoring_vs_full_ratio: the incremental run's time over the full re-screening's (target ≤ 0.1).
The records are written with INSERT … SELECT generate_series (the importer has its own benchmark).
"""

import datetime
import os
import time
from urllib.parse import urlparse

from .bigdata_bench import bench, info, recreate_database

SCALES = {"small": (5_000, 200_000, 2_000), "medium": (20_000, 1_000_000, 10_000),
          "full": (100_000, 10_000_000, 100_000)}
WINNERS = 1_000

RECORDS_SQL = """
    INSERT INTO bigdata_publicrecord (source_id, batch_id, source_record_id, record_type, credit_code, org_name,
        organization_id, match_method, occurred_on, removed_on, severity, amount_10k, grade, title, authority,
        document_no)
    SELECT %(source)s, NULL, %(prefix)s || g, %(type)s, '911101080000000000', '',
        %(org_lo)s + ((g * 7919) %% %(orgs)s), 'code',
        %(until)s::date - ((g * 37) %% %(days)s)::int, NULL,
        CASE WHEN (g %% 997) = 0 THEN 4 ELSE 1 END, NULL,
        CASE WHEN %(type)s = 'accident' AND (g %% 997) = 0 THEN '重大'
             WHEN %(type)s = 'penalty' AND (g %% 991) = 0 THEN '吊销许可证' ELSE '一般' END,
        '', '', ''
    FROM generate_series(%(first)s::bigint, %(last)s::bigint) AS g  -- bigint: g * 7919 overflows int at 10 M
"""


def _insert_records(cursor, sources, *, first, count, prefix, org_lo, orgs, until, days):
    """`count` records spread over the sources (one in two accidents or penalties)."""
    per = count // len(sources)
    start = first
    for i, (source_id, record_type) in enumerate(sources):
        n = per if i < len(sources) - 1 else count - per * (len(sources) - 1)
        cursor.execute(RECORDS_SQL, {"source": source_id, "type": record_type, "prefix": f"{prefix}{i}-",
                                     "org_lo": org_lo, "orgs": orgs, "until": until, "days": days,
                                     "first": start, "last": start + n - 1})
        start += n


def run(scale):
    orgs, base, new = SCALES[scale]
    url = os.environ.get("BENCH_MONITORING_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/award_bench_monitoring")
    os.environ["DATABASE_URL"] = url
    recreate_database(url)
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from applications.enums import ApplicationState, RoundPhase
    from applications.models import Application, AwardProgram, Organization, Round
    from applications.program_fixtures import load_all_programs
    from bigdata.models import RecordSource
    from bigdata.program_data import load_all
    from bigdata.screening import run_create, run_finish, screen_chunk
    from monitoring.models import Incident, MonitoringRun
    from monitoring.watch import monitoring_run

    call_command("migrate", verbosity=0)
    load_all_programs()
    load_all()
    info(f"database {urlparse(url).path.lstrip('/')}: {orgs:,} organisations, {base:,} + {new:,} records, "
         f"{WINNERS:,} winners")
    t0 = time.perf_counter()
    Organization.objects.bulk_create(
        [Organization(credit_code=f"9111010800{n:08d}", name=f"基准组织{n}", registered_on=datetime.date(2000, 1, 1),
                      region_code="110108", address="", industry_section="C") for n in range(orgs)],
        batch_size=5000)
    org_lo = Organization.objects.order_by("id").values_list("id", flat=True).first()
    program = AwardProgram.objects.get(code="beijing")
    today = timezone.localdate()
    # One round holds the winners (their award days spread over two years inside the window), so
    # that bigdata's screening of the round's applicants screens exactly them.
    rnd = Round.objects.create(program=program, edition=100, year=today.year - 1, name_zh="基准届",
                               phase=RoundPhase.CLOSED,
                               application_deadline=timezone.make_aware(datetime.datetime(today.year - 3, 6, 1)))
    winners = []
    step = max(1, orgs // WINNERS)
    for i in range(WINNERS):
        awarded_on = today - datetime.timedelta(days=30 + (i * 7) % 700)  # inside the 3-year window
        winners.append(Application(round=rnd, organization_id=org_lo + i * step, number=f"BENCH-{i:05d}",
                                   state=ApplicationState.AWARDED, state_changed_at=timezone.make_aware(
                                       datetime.datetime.combine(awarded_on, datetime.time(10)))))
    Application.objects.bulk_create(winners, batch_size=1000)
    sources = list(RecordSource.objects.order_by("id").values_list("id", "record_type"))
    # One in two records an accident or a penalty, the rest spread over the other sources.
    weighted = [s for s in sources if s[1] in ("accident", "penalty")] * (len(sources) - 2) + \
        [s for s in sources if s[1] not in ("accident", "penalty")]
    with connection.cursor() as cursor:
        _insert_records(cursor, weighted, first=1, count=base, prefix="B", org_lo=org_lo, orgs=orgs,
                        until=today - datetime.timedelta(days=10), days=3650)
        cursor.execute("ANALYZE")
    info(f"loaded in {time.perf_counter() - t0:.1f} s")
    first = monitoring_run(program_id=program.pk, notify=False)  # the watermark now stands at the store's end
    info(f"first run over the whole store: {first.incidents_opened:,} incidents, {first.seconds:.2f} s")
    with connection.cursor() as cursor:
        _insert_records(cursor, weighted, first=base + 1, count=new, prefix="N", org_lo=org_lo, orgs=orgs,
                        until=today - datetime.timedelta(days=1), days=20)
        cursor.execute("ANALYZE bigdata_publicrecord")
    before = Incident.objects.count()
    t0 = time.perf_counter()
    incremental = monitoring_run(program_id=program.pk, notify=False)
    incremental_s = time.perf_counter() - t0
    opened = Incident.objects.count() - before
    # The full screening: the portal's screening (bigdata) of the same winners, every record of the
    # store against the program's rules, chunks run in this process one after the other.
    t0 = time.perf_counter()
    screening_run = run_create(program=program, round=rnd, reference_date=today)
    for chunk_id in screening_run.chunks.values_list("pk", flat=True):
        screen_chunk(chunk_id=chunk_id)
    screening_run = run_finish(run_id=screening_run.pk)
    full_s = time.perf_counter() - t0
    # And monitoring's own statement without the watermark (every record of the winners, by index).
    t0 = time.perf_counter()
    rescreen = monitoring_run(program_id=program.pk, notify=False, kind=MonitoringRun.Kind.FULL)
    rescreen_s = time.perf_counter() - t0
    info(f"incremental: {incremental.record_to - incremental.record_from:,} new record ids, {opened} incidents "
         f"in {incremental_s:.3f} s; full screening of the same winners (bigdata, {screening_run.status}, "
         f"{screening_run.flags_count} flags): {full_s:.3f} s; monitoring's statement over every record of the "
         f"winners: {rescreen_s:.3f} s (ratio {incremental_s / rescreen_s:.3f}; "
         f"{rescreen.incidents_opened} more incidents: must be 0)")
    if rescreen.incidents_opened:
        raise SystemExit("the full re-screening found incidents the incremental run missed")
    bench("monitoring_incremental_s", round(incremental_s, 3), "s")
    bench("monitoring_vs_full_ratio", round(incremental_s / full_s, 3), "x")
