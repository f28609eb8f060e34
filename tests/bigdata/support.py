"""Plain helpers for the big-data tests: the shipped programs and sources, and small record
files built in the test with a source's own Chinese headers.

Rows are dicts of record fields (`occurred_on`, `grade`, …); `record_file` turns them into the
bytes an office would upload, headed by the source's file columns (its `column_mapping`).
"""

import csv
import datetime
import io
import itertools

from django.db import connection

from applications.program_fixtures import load_all_programs
from bigdata import program_data
from bigdata.importer import import_file
from bigdata.models import RecordSource

REF = datetime.date(2024, 6, 30)  # the reference date of every run in these tests
_ids = itertools.count(1)


def load_programs():
    """The shipped programs with their screening rules, evaluation weights and record sources."""
    load_all_programs()
    program_data.load_all()


def source(code) -> RecordSource:
    return RecordSource.objects.get(code=code)


def row_for(org, **fields) -> dict:
    """One record row of `org` with a fresh record id; `fields` are record fields."""
    return {"source_record_id": f"R-{next(_ids):06d}", "credit_code": org.credit_code, "org_name": org.name,
            **fields}


def record_file(src: RecordSource, rows, *, encoding="utf-8") -> bytes:
    """A CSV of `rows` (dicts of record fields) under the source's Chinese headers."""
    header_of = {field: header for header, field in src.column_mapping.items()}
    headers = list(src.column_mapping)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(headers)
    for row in rows:
        unknown = set(row) - set(header_of)
        assert not unknown, f"{src.code} has no column for {unknown}"
        writer.writerow([_text(row.get(src.column_mapping[h], "")) for h in headers])
    return buffer.getvalue().encode(encoding)


def _text(value) -> str:
    return value.isoformat() if isinstance(value, datetime.date) else str(value)


def import_bytes(src, data, file_name, **kwargs):
    """`import_file`, then what the commit of the import's own transaction does in production.

    On PostgreSQL the importer stages rows in a temporary table created ON COMMIT DROP; a test
    runs inside one transaction that never commits, so a second import in the same test would
    find the table still there. test_import.py::test_two_imports_in_one_transaction shows that
    limitation on its own.
    """
    batch = import_file(source=src, data=data, file_name=file_name, **kwargs)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("DROP TABLE IF EXISTS record_staging")
    return batch


def import_rows(code, rows, *, actor=None, accept_partial=False, file_name=None):
    """Import `rows` into source `code` through the importer; the batch must be accepted."""
    src = source(code)
    batch = import_bytes(src, record_file(src, rows), file_name or f"{code}.csv", actor=actor,
                         accept_partial=accept_partial)
    assert batch.status == "imported", (batch.message_text, list(batch.rejected_rows.values_list("row_number", "code")))
    return batch
