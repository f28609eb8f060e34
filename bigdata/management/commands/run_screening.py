import datetime

from django.core.management.base import BaseCommand

from applications.models import AwardProgram
from bigdata.models import Run
from bigdata.services import run_start


class Command(BaseCommand):
    help = "Run big-data screening (or --evaluation) for a program over all organisations."

    def add_arguments(self, parser):
        parser.add_argument("program")
        parser.add_argument("--reference-date", type=datetime.date.fromisoformat)
        parser.add_argument("--evaluation", action="store_true")
        parser.add_argument("--chunk-orgs", type=int, default=None)

    def handle(self, *args, program, reference_date, evaluation, chunk_orgs, **options):
        kind = Run.Kind.EVALUATION if evaluation else Run.Kind.SCREENING
        run = run_start(program=AwardProgram.objects.get(code=program), actor=None, kind=kind,
                        reference_date=reference_date, chunk_orgs=chunk_orgs)
        self.stdout.write(f"{run}: {run.status} flags={run.flags_count} chunks={run.chunks_done}/{run.chunks_total}")
