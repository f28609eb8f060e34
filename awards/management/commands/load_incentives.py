from django.core.management.base import BaseCommand

from awards.funding import incentives_load


class Command(BaseCommand):
    help = "Load the programs' incentive tables (awards/fixtures/incentives/*.json); idempotent."

    def handle(self, *args, **options):
        self.stdout.write(f"incentive rates loaded: {incentives_load()}")
