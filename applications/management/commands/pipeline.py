from django.core.management.base import BaseCommand

from applications.workflow import describe_table


class Command(BaseCommand):
    help = "Print the application pipeline's transition table."

    def handle(self, *args, **options):
        for row in describe_table():
            flags = " ".join(f for f, on in (("reason", row["reason"]), ("tier", row["tier"])) if on)
            self.stdout.write(f"{row['action']:<26} {','.join(row['from']):<40} -> {row['to']:<26} "
                              f"[{','.join(row['roles'])}] {flags}")
            if row["owner"]:
                self.stdout.write(f"{'':<28}only through: {row['owner']}")
            for guard in row["guards"]:
                self.stdout.write(f"{'':<28}guard: {guard}")
