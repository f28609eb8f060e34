import datetime as dt
import resource
import time

from django.core.management.base import BaseCommand, CommandError

from bigdata import synthetic


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"--reference-date must be YYYY-MM-DD, got {value!r}") from exc


class Command(BaseCommand):
    help = ("Write synthetic organisations and public-record CSV files (one per record source) plus "
            "manifest.json. The output is deterministic for a given seed and reference date.")

    def add_arguments(self, parser):
        parser.add_argument("--orgs", type=int, required=True, help="number of organisations")
        parser.add_argument("--records", type=int, required=True, help="records in total, across all files")
        parser.add_argument("--seed", type=int, required=True)
        parser.add_argument("--disqualifying-share", type=float, default=0.05,
                            help="share of organisations given disqualifying records (default 0.05)")
        parser.add_argument("--out", default=str(synthetic.DEFAULT_OUT_DIR), help="output directory")
        parser.add_argument("--reference-date", type=_date, default=None,
                            help="YYYY-MM-DD; disqualification is relative to it (default: today)")
        parser.add_argument("--create-orgs", action="store_true",
                            help="also insert the organisations into the database (existing codes are skipped)")

    def handle(self, *args, orgs, records, seed, disqualifying_share, out, reference_date, create_orgs, **options):
        started = time.perf_counter()
        try:
            manifest = synthetic.generate(orgs, records, seed, out, disqualifying_share, reference_date)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        seconds = time.perf_counter() - started
        for name, count in manifest["files"].items():
            self.stdout.write(f"{name:28} {count:>12,}")
        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        self.stdout.write(
            f"{manifest['record_files_total']:,} records for {orgs:,} organisations in {out} "
            f"({seconds:.1f} s, peak RSS {peak_mb:,.0f} MB); "
            f"{manifest['disqualified_count']:,} organisations with disqualifying records "
            f"relative to {manifest['reference_date']}")
        if create_orgs:
            created, skipped = synthetic.create_organizations(out)
            self.stdout.write(f"organisations: {created:,} created, {skipped:,} already present")
