from django.core.management.base import BaseCommand, CommandError

from award_portal.audit import audit_verify_chain


class Command(BaseCommand):
    help = "Walk the audit trail's hash chain; fail naming the first entry that does not verify."

    def handle(self, *args, **options):
        checked, bad, reason = audit_verify_chain()
        if bad is not None:
            raise CommandError(
                f"audit entry #{bad.pk} does not verify: {reason} "
                f"({checked} entries before it verified)"
            )
        self.stdout.write(self.style.SUCCESS(f"audit trail verified: {checked} entries, chain intact"))
