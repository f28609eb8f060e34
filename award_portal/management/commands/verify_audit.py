from django.core.management.base import BaseCommand, CommandError

from award_portal.audit_anchor import anchor_path, audit_anchor_write, audit_verify


class Command(BaseCommand):
    help = ("Verify the audit trail: the hash chain, every entry's MAC and every anchor outside the "
            "database; fail naming what does not verify. --anchor then writes a new anchor.")

    def add_arguments(self, parser):
        parser.add_argument("--anchor", action="store_true",
                            help="after a successful verification, append the chain head to the anchor file")

    def handle(self, *args, anchor=False, **options):
        walk, problems, notes = audit_verify()
        for note in notes:
            self.stdout.write(note)
        if problems:
            # Exit status 1: an operator's cron or monitoring raises the alarm on it.
            raise CommandError("\n".join(problems))
        self.stdout.write(self.style.SUCCESS(f"audit trail verified: {walk.checked} entries, chain intact"))
        if anchor:
            record = audit_anchor_write()
            self.stdout.write(f"anchor {record['seq']} written for id {record['id']} to {anchor_path()}")
