"""Import and screening against their PostgreSQL floors, on the same generated data."""

import datetime
import os
import shutil
import threading
import time
from pathlib import Path
from urllib.parse import urlparse

import psutil
import psycopg2


def bench(name, value, unit):
    print(f"BENCH {name} {value} {unit}", flush=True)


def info(message):
    print(f"# {message}", flush=True)


def recreate_database(url):
    parts = urlparse(url)
    name = parts.path.lstrip("/")
    conn = psycopg2.connect(host=parts.hostname, port=parts.port or 5432, user=parts.username or "postgres",
                            password=parts.password, dbname="postgres")
    conn.autocommit = True
    with conn.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        cursor.execute(f'CREATE DATABASE "{name}"')
    conn.close()


class PeakMemory:
    """Samples the RSS of this process, the Celery workers and every PostgreSQL process."""

    def __init__(self):
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def _sample(self):
        while not self._stop.is_set():
            for proc in psutil.process_iter(["name", "memory_info"]):
                name = proc.info["name"] or ""
                if proc.pid == os.getpid() or name.startswith(("postgres", "celery")) or "celery" in name:
                    rss = proc.info["memory_info"].rss if proc.info["memory_info"] else 0
                    self.peak = max(self.peak, rss)
            time.sleep(0.2)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()


def start_workers(count):
    """Real Celery worker processes on the benchmark database, answering before we go on."""
    import subprocess
    import sys

    from award_portal.celery import app

    env = dict(os.environ, DJANGO_SETTINGS_MODULE="award_portal.settings")
    worker = subprocess.Popen([sys.executable, "-m", "celery", "-A", "award_portal", "worker", "-c", str(count),
                               "--pool", "prefork", "-l", "WARNING", "-n", f"bench{os.getpid()}@%h"], env=env)
    for _ in range(60):
        if app.control.ping(timeout=1.0):
            return worker
        time.sleep(0.5)
    worker.terminate()
    raise SystemExit("the Celery workers did not start")


def wait_for(run_id):
    from bigdata.models import Run

    while True:
        run = Run.objects.get(pk=run_id)
        if run.status in (Run.Status.SUCCEEDED, Run.Status.FAILED):
            return run
        time.sleep(0.05)


def apply_all(program, reference):
    """A round of `program` (deadline: the reference date) with a submitted application of every
    organisation."""
    from django.db import connection
    from django.utils import timezone

    from applications.enums import ApplicationState
    from applications.models import Application, Organization, Round

    deadline = timezone.make_aware(datetime.datetime.combine(reference, datetime.time(17, 0)))
    rnd = Round.objects.create(program=program, edition=900, year=reference.year, name_zh="基准测试届",
                               name_en="Benchmark round", application_deadline=deadline)
    Application.objects.bulk_create(
        [Application(round=rnd, organization_id=org_id, number=f"BENCH-{org_id:07d}", state=ApplicationState.SUBMITTED)
         for org_id in Organization.objects.values_list("id", flat=True)], batch_size=5000)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE applications_application")
    return rnd


def run(orgs, records, *, scale):
    recreate_database(os.environ["DATABASE_URL"])
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from applications.models import AwardProgram
    from applications.program_fixtures import load_all_programs
    from bigdata import synthetic
    from bigdata.importer import import_file
    from bigdata.models import Flag, FlagEvidence, ImportBatch, RecordSource, Run
    from bigdata.program_data import load_all
    from bigdata.screening import sources_sql
    from bigdata.services import run_start

    call_command("migrate", verbosity=0)
    load_all_programs()
    load_all()
    out = Path("var/bench") / scale
    shutil.rmtree(out, ignore_errors=True)
    reference = datetime.date(2026, 11, 1)
    started = time.perf_counter()
    manifest = synthetic.generate(orgs, records, 20261122, str(out), 0.05, reference)
    info(f"generated {manifest['record_files_total']:,} records for {orgs:,} organisations "
         f"in {time.perf_counter() - started:.1f} s")
    created, _skipped = synthetic.create_organizations(str(out))
    info(f"created {created:,} organisations")

    files = {source.code: out / f"{source.code}.csv" for source in RecordSource.objects.all()}
    files = {code: path for code, path in files.items() if path.exists()}
    total_rows = sum(manifest["files"].get(path.name, 0) for path in files.values()) or manifest["record_files_total"]

    # Floor 1: PostgreSQL's own COPY of the same files into plain text tables.
    copy_seconds = 0.0
    with connection.cursor() as cursor:
        for path in files.values():
            header = path.open(encoding="utf-8").readline().strip().split(",")
            columns = ", ".join(f'c{i} text' for i in range(len(header)))
            cursor.execute(f"DROP TABLE IF EXISTS raw_copy; CREATE TABLE raw_copy ({columns})")
            t0 = time.perf_counter()
            with path.open("rb") as handle:
                cursor.copy_expert("COPY raw_copy FROM STDIN WITH (FORMAT csv, HEADER true)", handle)
            copy_seconds += time.perf_counter() - t0
        cursor.execute("DROP TABLE IF EXISTS raw_copy")
    copy_rate = total_rows / copy_seconds
    info(f"raw COPY: {total_rows:,} rows in {copy_seconds:.1f} s")

    # The portal's import: every row validated, matched, severity derived, deduplicated.
    import_seconds = 0.0
    for code, path in files.items():
        source = RecordSource.objects.get(code=code)
        t0 = time.perf_counter()
        batch = import_file(source=source, data=path.read_bytes(), file_name=path.name)
        import_seconds += time.perf_counter() - t0
        if batch.status != ImportBatch.Status.IMPORTED:
            raise SystemExit(f"import of {path} failed: {batch.message}")
    info(f"portal import: {total_rows:,} rows in {import_seconds:.1f} s")
    bench("import_rows_per_s", round(total_rows / import_seconds), "rows/s")
    bench("import_vs_copy_ratio", round((total_rows / import_seconds) / copy_rate, 3), "x")
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE bigdata_publicrecord")

    program = AwardProgram.objects.get(code="anhui")
    # A round of the program in which every generated organisation applied: a screening run of a
    # round screens its applicants only, so this one screens them all.
    bench_round = apply_all(program, reference)
    workers = int(os.environ.get("BENCH_WORKERS", "2"))
    worker = start_workers(workers) if workers else None
    info(f"screening on {workers} Celery worker processes through Redis" if workers else
         "screening in this process (eager)")
    with PeakMemory() as memory:
        t0 = time.perf_counter()
        screening_run = wait_for(run_start(program=program, round=bench_round, actor=None,
                                           reference_date=reference).pk)
        screening_seconds = time.perf_counter() - t0
    if screening_run.status != Run.Status.SUCCEEDED:
        raise SystemExit(f"screening failed: {screening_run.message}")
    flags = Flag.objects.filter(run=screening_run).count()
    evidence = FlagEvidence.objects.filter(flag__run=screening_run).count()
    info(f"screening: {flags:,} flags with {evidence:,} evidence links in {screening_seconds:.2f} s "
         f"({screening_run.chunks_total} chunks)")

    # Floor 2: one hand-written statement computing and writing the same flags (of the same
    # organisations: the round's applicants).
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE floor_flags (organization_id bigint, rule_id bigint, n bigint, first_on date, "
                       "last_on date)")
        t0 = time.perf_counter()
        cursor.execute("""
            INSERT INTO floor_flags
            SELECT r.organization_id, rr.rule_id, COUNT(*), MIN(r.occurred_on), MAX(r.occurred_on)
            FROM bigdata_publicrecord r JOIN bigdata_runrule rr ON rr.run_id = %(run)s AND rr.record_type = r.record_type
            JOIN applications_application a ON a.organization_id = r.organization_id AND a.round_id = %(round)s
              AND a.state NOT IN ('draft', 'withdrawn')
            WHERE r.organization_id IS NOT NULL AND r.source_id IN ({sources})
              AND (rr.grade IS NULL OR r.grade = rr.grade) AND (rr.since IS NULL OR r.occurred_on >= rr.since)
              AND r.occurred_on <= %(ref)s AND (NOT rr.only_current OR r.removed_on IS NULL OR r.removed_on > %(ref)s)
              AND r.severity >= rr.min_severity AND (rr.amount_min IS NULL OR r.amount_10k >= rr.amount_min)
            GROUP BY r.organization_id, rr.rule_id HAVING COUNT(*) >= MAX(rr.min_count)""".format(
                sources=sources_sql(screening_run.run_rules.values_list("record_type", flat=True))),
                       {"run": screening_run.pk, "ref": reference, "round": bench_round.pk})
        floor_seconds = time.perf_counter() - t0
        floor_flags = cursor.rowcount
        cursor.execute("DROP TABLE floor_flags")
    info(f"SQL floor: {floor_flags:,} flags in {floor_seconds:.2f} s")
    if floor_flags != flags:
        raise SystemExit(f"screening wrote {flags} flags but the SQL floor computes {floor_flags}")
    disqualified = set(Flag.objects.filter(run=screening_run, outcome="disqualifying")
                       .values_list("organization__credit_code", flat=True))
    planted = set(manifest["disqualified_codes"])
    info(f"disqualified organisations: {len(disqualified):,} flagged, {len(planted):,} planted, "
         f"{len(planted - disqualified):,} planted but not flagged")
    bench("screening_s", round(screening_seconds, 2), "s")
    bench("screening_vs_sql_ratio", round(screening_seconds / floor_seconds, 2), "x")
    bench("screening_peak_rss_mb", round(memory.peak / 1048576), "MB")

    t0 = time.perf_counter()
    wait_for(run_start(program=program, actor=None, reference_date=reference, kind=Run.Kind.EVALUATION).pk)
    bench("evaluation_s", round(time.perf_counter() - t0, 2), "s")
    if worker is not None:
        worker.terminate()
        worker.wait(timeout=30)
    shutil.rmtree(out, ignore_errors=True)
