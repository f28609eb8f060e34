from django.core.management.base import BaseCommand

from award_portal.audit_anchor import anchor_path, audit_anchor_write


class Command(BaseCommand):
    help = ("Append the audit chain's head (last id, hash, MAC, time) to the anchor file, as Celery beat "
            "does every 10 minutes. Does not verify first: `verify_audit --anchor` does.")

    def handle(self, *args, **options):
        record = audit_anchor_write()
        self.stdout.write(f"anchor {record['seq']} written for id {record['id']} to {anchor_path()}")
