from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from bigdata.importer import import_file
from bigdata.models import ImportBatch, RecordSource


class Command(BaseCommand):
    help = "Import a CSV or Excel file of public records for a source (see bigdata/fixtures/sources.json)."

    def add_arguments(self, parser):
        parser.add_argument("source", help="source code, e.g. gov-penalty")
        parser.add_argument("files", nargs="+")
        parser.add_argument("--accept-partial", action="store_true",
                            help="import the valid rows even when some rows are rejected")

    def handle(self, *args, source, files, accept_partial, **options):
        record_source = RecordSource.objects.filter(code=source).first()
        if record_source is None:
            raise CommandError(f"unknown source {source!r}")
        failed = False
        for path in files:
            batch = import_file(source=record_source, data=Path(path).read_bytes(), file_name=path,
                                accept_partial=accept_partial)
            self.stdout.write(f"{path}: {batch.status} imported={batch.rows_imported} duplicates={batch.rows_duplicate} "
                              f"rejected={batch.rows_rejected} unmatched={batch.unmatched} {batch.seconds}s")
            if batch.message_text:
                self.stdout.write(f"  {batch.message_text}")
            for row in batch.rejected_rows.all()[:20]:
                self.stdout.write(f"  row {row.row_number}: {row.reason_text}")
            failed |= batch.status != ImportBatch.Status.IMPORTED
        if failed:
            raise CommandError("some files were not imported")
