from django.core.management.base import BaseCommand

from bigdata.program_data import load_all


class Command(BaseCommand):
    help = "Load record sources, screening rules and evaluation weights from bigdata/fixtures."

    def handle(self, *args, **options):
        for program in load_all():
            self.stdout.write(f"loaded screening rules of {program.code}")
