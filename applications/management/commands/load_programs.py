from django.core.management.base import BaseCommand

from applications.program_fixtures import load_all_programs, program_load


class Command(BaseCommand):
    help = "Load (or update) award programs from JSON fixtures. Without arguments: all shipped programs."

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="*")

    def handle(self, *args, paths, **options):
        programs = [program_load(p) for p in paths] if paths else load_all_programs()
        for program in programs:
            self.stdout.write(f"loaded {program.code}: {program.name_zh}")
