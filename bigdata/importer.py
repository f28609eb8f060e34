"""Importing record files (CSV or Excel) into `PublicRecord`.

Every row is validated (code format and check digit, dates, amounts, ids) with vectorised
pandas/numpy work; rejected rows are reported with their row number and reason. By default a
file with any rejected row is refused whole (nothing is imported) so the office can correct
it; `accept_partial=True` imports the valid rows and reports the others. An import lands in
one transaction: all or nothing. Re-importing a file adds nothing twice (records are unique per
source and source id). Records are matched to organisations by credit code, then by
normalised name (reported as such); the rest stay unmatched and are listed.

On PostgreSQL the valid rows travel typed, in binary `COPY` (`pgbinary`): a source's first
import straight into its own new partition, later ones into a temporary staging table and one
`INSERT … SELECT … ON CONFLICT DO NOTHING`. On SQLite through `bulk_create`.
"""

import csv
import datetime
import hashlib
import io
import logging
import queue
import threading
import time
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from applications.models import Organization
from award_portal.audit import audit_record

from . import pgbinary
from .codes import BAD_CHARACTER, BAD_CHECK_DIGIT, BAD_LENGTH, BAD_REGION, code_problem_codes, normalise_names
from .messages import REJECTION_CODES
from .models import ImportBatch, PublicRecord, RecordSource, RecordType, RejectedRow, Severity

logger = logging.getLogger(__name__)

REQUIRED = ["source_record_id", "credit_code", "org_name", "occurred_on"]
OPTIONAL = ["removed_on", "amount_10k", "grade", "title", "authority", "document_no", "deaths"]
STORED = ["source_record_id", "record_type", "credit_code", "org_name", "organization_id", "match_method",
          "occurred_on", "removed_on", "severity", "amount_10k", "grade", "title", "authority", "document_no"]
MAX_REJECTED_STORED = 10_000
LIMITS = {"source_record_id": 80, "org_name": 200, "grade": 16, "title": 300, "authority": 200, "document_no": 100}


class ImportRefused(Exception):
    """The file as a whole cannot be read (encoding, missing columns, empty): a code of
    messages.MESSAGES and its parameters."""

    def __init__(self, code: str, **params):
        super().__init__(code)
        self.code, self.params = code, params


# Per row, the index of its first problem in REJECTION_CODES (0: none); codes.py's credit-code
# problems use the same numbers.
R = {code: index for index, code in enumerate(REJECTION_CODES)}
assert [R[c] for c in ("code_length", "code_character", "code_region", "code_check_digit")] == [
    BAD_LENGTH, BAD_CHARACTER, BAD_REGION, BAD_CHECK_DIGIT]
_NUMBER = r"^\s*-?[0-9]+(\.[0-9]+)?\s*$"


def _header(data: bytes, encoding: str) -> list[str]:
    first = data.split(b"\n", 1)[0].decode(encoding).lstrip("\ufeff").rstrip("\r")
    return [c.strip() for c in next(csv.reader([first]))]


def _csv_options(names: list[str], block_size: int) -> dict:
    """Every column as text (validation types them), empty fields as ''."""
    return {"read_options": pacsv.ReadOptions(column_names=names, skip_rows=1, block_size=block_size),
            "convert_options": pacsv.ConvertOptions(column_types={n: pa.string() for n in names},
                                                    strings_can_be_null=False, quoted_strings_can_be_null=False),
            "parse_options": pacsv.ParseOptions(newlines_in_values=False)}


def _read_csv_bytes(data: bytes) -> pa.Table:
    return pacsv.read_csv(io.BytesIO(data), **_csv_options(_header(data, "utf-8"), 64 << 20))


def _without_bom(data: bytes) -> bytes:
    return data[3:] if data.startswith(b"\xef\xbb\xbf") else data


def decode_table(data: bytes) -> tuple[pa.Table, str]:
    """UTF-8 (with or without BOM), else GB18030 (a superset of GBK and GB2312)."""
    data = _without_bom(data)
    try:
        return _read_csv_bytes(data), "utf-8"
    except (pa.ArrowInvalid, UnicodeDecodeError) as utf8_error:
        try:
            text = data.decode("gb18030")
        except UnicodeDecodeError:
            try:
                data.decode("utf-8")
                raise ImportRefused("unparsable", error=str(utf8_error)) from None
            except UnicodeDecodeError as exc:
                line = data[: exc.start].count(b"\n") + 1
            raise ImportRefused("unknown_encoding", line=line) from None
        return _read_csv_bytes(text.encode("utf-8")), "gbk"


def _is_excel(file_name: str) -> bool:
    return file_name.lower().endswith((".xlsx", ".xlsm"))


def read_table(data: bytes, file_name: str, source: RecordSource | None = None) -> tuple[pa.Table, str]:
    if _is_excel(file_name):
        return read_excel(data, source), "xlsx"
    return decode_table(data)


def _cell_text(value) -> str:
    """An Excel cell as the text a CSV would carry: date cells as YYYY-MM-DD, whole numbers
    without a decimal point (amounts keep theirs)."""
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if value.time() == datetime.time() else value.isoformat(sep=" ")
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


# An Excel file is a zip archive. A 1,000,000-row sheet packs to some 40 MB and unpacks 5-20
# times; a zip bomb unpacks about 1,000 times. openpyxl reads members through zipfile, which
# stops each at its declared size and checks its CRC, so the sizes the archive declares bind.
EXCEL_MAX_MEMBERS = 10_000
EXCEL_MAX_UNCOMPRESSED = 4 << 30
EXCEL_MAX_RATIO = 100


def check_excel_archive(data: bytes) -> None:
    """Refuse an Excel file whose archive has too many parts or unpacks too far (a zip bomb)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
    except zipfile.BadZipFile:
        raise ImportRefused("unparsable", error="not an Excel .xlsx file (not a zip archive)") from None
    unpacked = sum(m.file_size for m in members)
    if (len(members) > EXCEL_MAX_MEMBERS or unpacked > EXCEL_MAX_UNCOMPRESSED
            or unpacked > EXCEL_MAX_RATIO * len(data)):
        raise ImportRefused("unparsable", error=(
            f"zip bomb refused: {len(members)} parts unpacking to {unpacked} bytes from {len(data)} "
            f"(limits {EXCEL_MAX_MEMBERS} parts, {EXCEL_MAX_UNCOMPRESSED} bytes, {EXCEL_MAX_RATIO} times)"))


def read_excel(data: bytes, source: RecordSource | None = None) -> pa.Table:
    """The first sheet as text columns. With `source`, its header is checked against the
    source's column mapping before any data row is read: a sheet of a million rows lacking a
    column is refused at once, not after reading it all."""
    from openpyxl import load_workbook

    check_excel_archive(data)
    sheet = load_workbook(io.BytesIO(data), read_only=True, data_only=True).worksheets[0]
    rows = sheet.iter_rows(values_only=True)
    header = [_cell_text(c).strip() for c in next(rows, ())]
    if source is not None and header:  # an empty sheet is refused as having no rows
        check_header(header, source)
    columns = [[] for _ in header]
    for row in rows:
        if not any(cell is not None and str(cell).strip() for cell in row):
            continue  # Excel often carries empty formatted rows at the end
        for index in range(len(header)):
            columns[index].append(_cell_text(row[index]) if index < len(row) else "")
    return pa.table({name: pa.array(values, pa.string()) for name, values in zip(header, columns, strict=True)})


def check_header(header, source: RecordSource) -> list[str]:
    """The header's columns as our field names (the source's column mapping); refused when a
    required column is missing, naming it as the source's files call it."""
    mapping = {k.strip(): v for k, v in (source.column_mapping or {}).items()}
    names = [mapping.get(str(c).strip(), str(c).strip()) for c in header]
    missing = [field for field in REQUIRED if field not in names]
    if missing:
        wanted = {v: k for k, v in mapping.items()}
        raise ImportRefused("missing_columns", columns=[wanted.get(f, f) for f in missing])
    return names


def map_columns(table: pa.Table, source: RecordSource) -> pa.Table:
    names = check_header(table.column_names, source)
    table = table.rename_columns(names)
    columns = {}
    for field in REQUIRED + OPTIONAL:
        if field in names:
            columns[field] = pc.utf8_trim_whitespace(table.column(names.index(field)))
        else:
            columns[field] = pa.array([""] * table.num_rows, pa.string()) if table.num_rows else pa.array([], pa.string())
    return pa.table(columns)


def _np(mask) -> np.ndarray:
    return np.asarray(pc.fill_null(mask, False).to_numpy(zero_copy_only=False), dtype=bool)


def _dates(column: pa.ChunkedArray, date_format: str):
    """Parsed dates; null where unreadable or empty.

    ISO dates (the usual case) go through Arrow's strict cast, which refuses impossible days
    (2023-02-29) and anything but YYYY-MM-DD; it is 60× faster than strptime but all-or-nothing,
    so a column with any bad value takes the per-value path. strptime rolls impossible days over
    (2024-02-30 would become 2024-03-01), so there a date must also format back to exactly what
    was written."""
    fmt = date_format or "%Y-%m-%d"
    present = pc.if_else(pc.greater(pc.utf8_length(column), 0), column, pa.scalar(None, pa.string()))
    if fmt == "%Y-%m-%d":
        try:
            fast = pc.cast(present, pa.date32())
            earliest = pc.min(fast).as_py()
            if earliest is None or earliest.year >= 1900:  # else the per-value path decides
                return fast
        except (pa.ArrowInvalid, OverflowError):
            pass
    parsed = pc.strptime(column, format=fmt, unit="s", error_is_null=True)
    same = pc.equal(pc.strftime(parsed, format=fmt), column)
    return pc.cast(pc.if_else(same, parsed, pa.scalar(None, parsed.type)), pa.date32())


def duplicate_ids(ids) -> np.ndarray:
    """Rows whose record id already appeared earlier in the file (the first occurrence stays)."""
    n = len(ids)
    mask = np.zeros(n, dtype=bool)
    counts = pc.value_counts(ids)
    repeated = pc.filter(counts.field("values"), pc.greater(counts.field("counts"), 1))
    if len(repeated):
        positions = np.flatnonzero(_np(pc.is_in(ids, value_set=repeated)))
        subset = pd.Series(ids.take(pa.array(positions)).to_pylist())
        mask[positions[subset.duplicated(keep="first").to_numpy()]] = True
    return mask


def validate(table: pa.Table, source: RecordSource, duplicates: np.ndarray | None = None
             ) -> tuple[pa.Table, np.ndarray]:
    """Returns the typed table and, per row, 0 or the index in REJECTION_CODES of its first problem.
    `duplicates` marks ids repeated earlier in the whole file when `table` is a slice of it."""
    n = table.num_rows
    reason = np.zeros(n, dtype=np.uint8)

    def reject(mask, code):
        np.copyto(reason, np.uint8(R[code]), where=(reason == 0) & mask)

    # PostgreSQL cannot store NUL in text: such a row is refused by its own reason code, first,
    # so that no cell reaches the database (whose error would otherwise be the batch's message).
    for field in REQUIRED + OPTIONAL:
        reject(_np(pc.match_substring(table[field], "\x00")), "nul_character")
    ids = table["source_record_id"]
    reject(_np(pc.equal(pc.utf8_length(ids), 0)), "missing_id")
    codes = pc.utf8_upper(table["credit_code"])
    code_reason = code_problem_codes(codes)
    np.copyto(reason, code_reason, where=(reason == 0) & (code_reason != 0))
    reject(_np(pc.equal(pc.utf8_length(table["org_name"]), 0)), "missing_name")
    occurred = _dates(table["occurred_on"], source.date_format)
    reject(_np(pc.is_null(occurred)), "bad_date")
    has_removed = pc.greater(pc.utf8_length(table["removed_on"]), 0)
    removed = _dates(table["removed_on"], source.date_format)
    reject(_np(has_removed) & _np(pc.is_null(removed)), "bad_removed_on")
    amount_text = pc.replace_substring(table["amount_10k"], ",", "")
    has_amount = _np(pc.greater(pc.utf8_length(amount_text), 0))
    numeric = _np(pc.match_substring_regex(amount_text, _NUMBER))
    amount = pc.cast(pc.if_else(pc.match_substring_regex(amount_text, _NUMBER), amount_text, "0"), pa.float64())
    amount_np = amount.to_numpy()
    if source.record_type == RecordType.SELF_REPORTED:  # a reported profit may be a loss
        reject(has_amount & (~numeric | (np.abs(amount_np) >= 1e12)), "bad_signed_amount")
    else:
        reject(has_amount & (~numeric | (amount_np < 0) | (amount_np >= 1e12)), "bad_amount")
    deaths_text = table["deaths"]
    has_deaths = _np(pc.greater(pc.utf8_length(deaths_text), 0))
    deaths_ok = _np(pc.match_substring_regex(deaths_text, r"^[0-9]+$"))
    reject(has_deaths & ~deaths_ok, "bad_deaths")
    for field, limit in LIMITS.items():
        reject(_np(pc.greater(pc.utf8_length(table[field]), limit)), "too_long")
    reject(duplicate_ids(ids) if duplicates is None else duplicates, "duplicate_id")
    deaths = pc.cast(pc.if_else(pc.match_substring_regex(deaths_text, r"^[0-9]+$"), deaths_text, "0"), pa.int64())
    typed = pa.table({
        "source_record_id": ids,
        "credit_code": codes,
        "org_name": table["org_name"],
        "occurred_on": occurred,
        "removed_on": pc.if_else(has_removed, removed, pa.scalar(None, pa.date32())),
        "amount_10k": pc.if_else(pa.array(has_amount), pc.round(amount, 2), pa.scalar(None, pa.float64())),
        "grade": table["grade"],
        "title": table["title"],
        "authority": table["authority"],
        "document_no": table["document_no"],
        "deaths": deaths,
    })
    return typed, reason


# Accident grades of 《生产安全事故报告和调查处理条例》第三条. Only 重大 and 特别重大 block an
# application (Hangzhou 三(二)4 "无重大…事故(按国家有关规定认定)", Anhui art. 14(3), Beijing
# art. 14(4)); a 较大 accident is HIGH, for the office to weigh.
VETO_ACCIDENT = ["重大", "特别重大"]
HIGH_ACCIDENT = ["较大"]
HIGH_PENALTY = ["降低资质等级", "吊销许可证件", "责令停产停业", "责令关闭"]


def severity(typed: pa.Table, record_type: str) -> np.ndarray:
    """The severity model of docs/domain.md ("Severity of public records"), per record type,
    vectorised."""
    n = typed.num_rows
    grade = typed["grade"]
    listed = _np(pc.is_null(typed["removed_on"]))

    def grade_in(values):
        return _np(pc.is_in(grade, value_set=pa.array(values)))

    if record_type in (RecordType.DISHONESTY_LIST, RecordType.TAX_VIOLATION):
        return np.where(listed, Severity.VETO, Severity.HIGH)
    if record_type == RecordType.ACCIDENT:
        deaths = typed["deaths"].to_numpy() > 0
        return np.select([grade_in(VETO_ACCIDENT), grade_in(HIGH_ACCIDENT) | deaths], [Severity.VETO, Severity.HIGH],
                         Severity.MEDIUM)
    if record_type == RecordType.SPOT_CHECK:
        return np.where(grade_in(["不合格"]), Severity.HIGH, Severity.INFO)
    if record_type == RecordType.COURT_ENFORCEMENT:
        dishonest = grade_in(["失信被执行人"])
        return np.select([dishonest & listed, dishonest], [Severity.VETO, Severity.HIGH], Severity.MEDIUM)
    if record_type == RecordType.PENALTY:
        amount = pc.fill_null(typed["amount_10k"], 0.0).to_numpy()
        heavy = _np(pc.match_substring_regex(grade, "|".join(HIGH_PENALTY)))  # also in "罚款、责令停产停业"
        return np.select([heavy | (amount >= 10), amount > 0],
                         [Severity.HIGH, Severity.MEDIUM], Severity.LOW)
    if record_type == RecordType.ABNORMAL_OPERATION:
        return np.where(listed, Severity.MEDIUM, Severity.LOW)
    if record_type == RecordType.COMPLAINT:
        return np.full(n, Severity.LOW)
    if record_type == RecordType.MEDIA_REPORT:
        return np.where(grade_in(["负面"]), Severity.LOW, Severity.INFO)
    return np.full(n, Severity.INFO)


class OrgLookup:
    """The registered organisations' codes and names, read in one query per import (before a
    pipelined load starts using the connection); names are normalised only when some record
    did not match by code."""

    def __init__(self):
        with connection.cursor() as cursor:  # plain rows: a tenth of a second less per import than the ORM
            cursor.execute(f"SELECT credit_code, id, name FROM {Organization._meta.db_table}")
            rows = cursor.fetchall()
        self.codes = pa.array([row[0] for row in rows], pa.string())
        self.ids = pa.array([row[1] for row in rows], pa.int64())
        self._raw_names = [row[2] for row in rows]
        self._names = None

    @property
    def unique_names(self) -> dict:
        """Normalised name → organisation id, for names that identify exactly one organisation."""
        if self._names is None:
            names = normalise_names(pd.Series(self._raw_names, dtype=object))
            unique = ~names.duplicated(keep=False)
            self._names = dict(zip(names[unique], np.asarray(self.ids)[unique.to_numpy()], strict=True))
        return self._names


def match(typed: pa.Table, lookup: OrgLookup | None = None) -> tuple[pa.Table, dict]:
    """Add organization_id and match_method: by credit code (a hash lookup over the column), then,
    for the rows left over, by normalised name (only names that identify one organisation)."""
    lookup = lookup or OrgLookup()
    org_ids = pc.take(lookup.ids, pc.index_in(typed["credit_code"], value_set=lookup.codes))
    method = pc.if_else(pc.is_valid(org_ids), "code", "")
    unmatched = np.flatnonzero(_np(pc.is_null(org_ids)))
    by_name_count = 0
    if len(unmatched):
        unique_names = lookup.unique_names
        subset = normalise_names(pd.Series(typed["org_name"].take(pa.array(unmatched)).to_pylist()))
        by_name = subset.map(unique_names).to_numpy()
        hit = ~pd.isna(by_name)
        if hit.any():
            values = pd.array(org_ids.to_numpy(zero_copy_only=False), dtype="Int64")
            values[unmatched[hit]] = by_name[hit].astype("int64")
            org_ids = pa.array(values, pa.int64(), from_pandas=True)
            method_np = np.asarray(method.to_numpy(zero_copy_only=False), dtype=object)
            method_np[unmatched[hit]] = "name"
            method = pa.array(method_np, pa.string())
            by_name_count = int(hit.sum())
    typed = typed.append_column("organization_id", org_ids).append_column("match_method", method)
    code_count = typed.num_rows - len(unmatched)
    return typed, {"code": code_count, "name": by_name_count,
                   "unmatched": len(unmatched) - by_name_count}


STAGING_SQL = """
    CREATE TEMP TABLE record_staging (
        source_record_id text, record_type text, credit_code text, org_name text,
        organization_id bigint, match_method text, occurred_on date, removed_on date,
        severity smallint, amount_10k numeric(14,2), grade text, title text, authority text,
        document_no text) ON COMMIT DROP"""
INSERT_SQL = """
    INSERT INTO bigdata_publicrecord
        (source_id, batch_id, source_record_id, record_type, credit_code, org_name, organization_id,
         match_method, occurred_on, removed_on, severity, amount_10k, grade, title, authority, document_no)
    SELECT %s, %s, source_record_id, record_type, credit_code, org_name, organization_id,
           COALESCE(match_method, ''), occurred_on, removed_on, severity, amount_10k, COALESCE(grade, ''),
           COALESCE(title, ''), COALESCE(authority, ''), COALESCE(document_no, '')
    FROM record_staging
    ON CONFLICT (source_id, source_record_id) DO NOTHING"""
def _copy_insert(typed: pa.Table, source: RecordSource, batch: ImportBatch) -> int:
    """PostgreSQL, a source that already has records: COPY into a temporary staging table and
    INSERT … ON CONFLICT DO NOTHING, so re-imports add nothing twice. (A source's first import
    loads its own partition: `_import_pipelined`.)"""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [_IMPORT_LOCK, source.pk])  # one import per source
        cursor.execute(STAGING_SQL)
        cursor.copy_expert("COPY record_staging FROM STDIN WITH (FORMAT binary)", _binary_stream(typed.select(STORED)))
        cursor.execute(INSERT_SQL, [source.pk, batch.pk])
        inserted = cursor.rowcount
        cursor.execute("DROP TABLE record_staging")  # several imports may share one transaction
        return inserted


_IMPORT_LOCK = 5032  # advisory-lock namespace of imports (the second key is the source id)


#: How each stored column travels in binary COPY (the rest are text).
COPY_KINDS = {"organization_id": pgbinary.INT8, "id": pgbinary.INT8, "severity": pgbinary.INT2,
              "occurred_on": pgbinary.DATE, "removed_on": pgbinary.DATE, "amount_10k": pgbinary.NUMERIC2}


def _copy_kinds(table: pa.Table) -> list[str]:
    return [COPY_KINDS.get(name, pgbinary.TEXT) for name in table.column_names]


def _binary_stream(table: pa.Table) -> io.BytesIO:
    return io.BytesIO(pgbinary.SIGNATURE + pgbinary.encode(table, _copy_kinds(table)).to_pybytes()
                      + pgbinary.TRAILER)


#: Text columns stored as '' rather than NULL.
TEXT_COLUMNS = ["source_record_id", "credit_code", "org_name", "match_method", "grade", "title", "authority",
                "document_no"]


def _bulk_insert(typed: pa.Table, source: RecordSource, batch: ImportBatch) -> int:
    rows = typed.select(STORED).to_pylist()
    existing = set(PublicRecord.objects.filter(source=source, source_record_id__in=[r["source_record_id"] for r in rows])
                   .values_list("source_record_id", flat=True))
    objects = [PublicRecord(source=source, batch=batch, **{k: ("" if v is None and k in TEXT_COLUMNS else v)
                                                           for k, v in row.items()})
               for row in rows if row["source_record_id"] not in existing]
    PublicRecord.objects.bulk_create(objects, batch_size=2000)
    return len(objects)


def _refused_whole(batch) -> ImportRefused:
    """Refusal of a file with rejected rows; one whose every row was rejected says so (there are
    no valid rows to import, even with accept_partial)."""
    if batch.rows_rejected >= batch.rows_total:
        return ImportRefused("all_rejected", n=batch.rows_rejected)
    return ImportRefused("rows_rejected", n=batch.rows_rejected)


def _raw_cells(values: dict) -> dict:
    """A rejected row's cells as stored for the report: at most 200 characters, NUL shown as ␀."""
    return {k: str(v)[:200].replace("\x00", "\u2400") for k, v in values.items()}


def _record_imported(batch, imported: int, duplicates: int, counts: dict, started, actor) -> ImportBatch:
    batch.rows_imported, batch.rows_duplicate = imported, duplicates
    batch.matched_by_code, batch.matched_by_name, batch.unmatched = counts["code"], counts["name"], counts["unmatched"]
    batch.status = ImportBatch.Status.IMPORTED
    _finish(batch, started)
    audit_record(action="bigdata.import", obj=batch, actor=actor, after={
        "source": batch.source.code, "file": batch.file_name, "imported": imported, "duplicates": duplicates,
        "rejected": batch.rows_rejected})
    return batch


def new_batch(*, source: RecordSource, data: bytes, file_name: str, actor=None) -> ImportBatch:
    """The batch row of one file, status running (its import may still be queued)."""
    return ImportBatch.objects.create(source=source, file_name=Path(file_name.replace("\x00", "")).name[:255],
                                      file_sha256=hashlib.sha256(data).hexdigest(), imported_by=actor)


def import_file(*, source: RecordSource, data: bytes, file_name: str, actor=None,
                accept_partial: bool = False, batch: ImportBatch | None = None) -> ImportBatch:
    """Import one file. Side effects: an ImportBatch (always; `batch` when the import was queued
    with one), RejectedRow rows, PublicRecord rows (only when accepted), an audit event."""
    started = time.perf_counter()
    if batch is None:
        batch = new_batch(source=source, data=data, file_name=file_name, actor=actor)
    try:
        first_load = connection.vendor == "postgresql" and _first_load_possible(source)
        if first_load and not _is_excel(file_name):
            batch.encoding = "utf-8"
            loaded = _import_pipelined(_csv_slices(data, source), source, batch, accept_partial, actor, started,
                                       max_rows=data.count(b"\n"))
            if loaded is not None:
                return loaded  # else: not plain UTF-8, duplicate ids, or a concurrent import; from the start
        table, encoding = read_table(data, file_name, source)
        batch.encoding = encoding
        if table.num_rows == 0:
            raise ImportRefused("no_rows")
        table = map_columns(table, source)
        if first_load and _first_load_possible(source):
            loaded = _import_pipelined(_table_slices(table), source, batch, accept_partial, actor, started,
                                       max_rows=table.num_rows, duplicates=duplicate_ids(table["source_record_id"]))
            if loaded is not None:
                return loaded  # else another import of this source got there first: stage as usual
        typed, reasons = validate(table, source)
        batch.rows_total = typed.num_rows
        rejected = reasons != 0
        batch.rows_rejected = int(rejected.sum())
        if batch.rows_rejected:
            _store_rejected(batch, table, reasons, rejected)
        if batch.rows_rejected and (not accept_partial or batch.rows_rejected == batch.rows_total):
            raise _refused_whole(batch)
        valid = typed.filter(pa.array(~rejected)) if batch.rows_rejected else typed
        valid = valid.append_column("severity", pa.array(severity(valid, source.record_type), pa.int16()))
        valid = valid.append_column("record_type", pa.array([source.record_type] * valid.num_rows, pa.string()))
        valid, counts = match(valid)
        with transaction.atomic():
            imported = (_copy_insert if connection.vendor == "postgresql" else _bulk_insert)(valid, source, batch)
            return _record_imported(batch, imported, valid.num_rows - imported, counts, started, actor)
    except ImportRefused as exc:
        batch.status, batch.message_code, batch.message_params = ImportBatch.Status.REFUSED, exc.code, exc.params
    except DatabaseError:  # never shown raw to the office: it may quote data and internals
        logger.exception("import of %s (batch %s) refused by the database", batch.file_name, batch.pk)
        batch.status, batch.message_code = ImportBatch.Status.FAILED, "failed_database"
        batch.message_params = {"batch": batch.pk}
    except Exception as exc:  # noqa: BLE001  (recorded on the batch; nothing was imported)
        batch.status, batch.message_code = ImportBatch.Status.FAILED, "failed"
        batch.message_params = {"error": f"{exc.__class__.__name__}: {exc}"[:2000]}
    _finish(batch, started)
    audit_record(action="bigdata.import_refused", obj=batch, actor=actor,
                 after={"source": source.code, "file": batch.file_name, "message_code": batch.message_code,
                        "message_params": batch.message_params})
    return batch


SLICE_ROWS = 200_000
SLICE_BYTES = 32 << 20  # about 180,000 rows of a typical record file


class _Restart(Exception):
    """The streamed first load cannot finish as it began (the file is not plain UTF-8, or ids
    repeat, or it has no rows); it is rolled back and the file is read whole instead."""


def _csv_slices(data: bytes, source: RecordSource):
    """The rows of a UTF-8 CSV file, mapped to our columns, slice by slice as they are parsed, so
    the first COPY starts before the whole file is read."""
    data = _without_bom(data)
    try:
        reader = pacsv.open_csv(io.BytesIO(data), **_csv_options(_header(data, "utf-8"), SLICE_BYTES))
        for part in reader:
            if part.num_rows:
                yield map_columns(pa.Table.from_batches([part]), source)
    except (UnicodeDecodeError, pa.ArrowInvalid, StopIteration) as exc:
        raise _Restart from exc


def _table_slices(table: pa.Table):
    for lo in range(0, table.num_rows, SLICE_ROWS):
        yield table.slice(lo, SLICE_ROWS)


def _first_load_possible(source) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass(%s) IS NULL AND NOT EXISTS "
                       "(SELECT 1 FROM bigdata_publicrecord_default WHERE source_id = %s)",
                       [_partition_name(source), source.pk])
        return cursor.fetchone()[0]


def _partition_name(source) -> str:
    return f"bigdata_publicrecord_s{int(source.pk)}"


#: What COPY's thread takes per read: a whole slice, so it needs the GIL (which the thread
#: preparing the next slice holds most of the time) once per slice rather than once per MB.
COPY_READ_BYTES = 256 << 20


class _QueueStream:
    """A file-like object COPY reads from while the main thread is still preparing later slices."""

    def __init__(self):
        self.queue = queue.Queue(maxsize=3)
        self.buffer = memoryview(b"")
        self.closed = False
        self.abandoned = threading.Event()  # COPY stopped reading (it failed): puts are dropped

    def put(self, data):
        while not self.abandoned.is_set():
            try:
                self.queue.put(data, timeout=0.5)
                return
            except queue.Full:
                continue

    def close(self):
        self.put(None)

    def read(self, size=-1):
        while not self.buffer and not self.closed:
            item = self.queue.get()
            if item is None:
                self.closed = True
            else:
                self.buffer = memoryview(item)
        if size is None or size < 0:
            size = len(self.buffer)
        chunk, self.buffer = self.buffer[:size], self.buffer[size:]
        return chunk.tobytes()


class _Refused(Exception):
    pass


def _import_pipelined(slices, source, batch, accept_partial, actor, started, *, max_rows: int,
                      duplicates: np.ndarray | None = None) -> ImportBatch | None:
    """The first import of a source on PostgreSQL, in slices: while COPY (in a thread, on this
    transaction's connection) loads slice k into the new partition, this thread parses, validates,
    matches, sorts and encodes slice k+1; the indexes are built once when the partition is
    attached. Any rejected row (without accept_partial) stops the load and rolls everything back.
    `duplicates` marks the ids repeated earlier in the file; when it is not known (a streamed
    file), repeated ids found at the end restart the import from the whole file (None)."""
    lookup = OrgLookup()
    rejected_parts, counts, imported, seen_ids = [], {"code": 0, "name": 0, "unmatched": 0}, 0, []
    partition = _partition_name(source)
    batch.rows_total = 0
    try:
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [_IMPORT_LOCK, source.pk])
                if not _first_load_possible(source):
                    return None  # a concurrent first import created the partition while we waited
                first_id = _reserve_ids(cursor, max_rows)
                cursor.execute(f"CREATE TABLE {partition} (LIKE bigdata_publicrecord INCLUDING DEFAULTS)")
                # Columns constant for the whole load come from defaults instead of every row.
                cursor.execute(f"ALTER TABLE {partition} ALTER COLUMN source_id SET DEFAULT %s, "
                               f"ALTER COLUMN batch_id SET DEFAULT %s, ALTER COLUMN record_type SET DEFAULT %s",
                               [source.pk, batch.pk, source.record_type])
            stream, outcome = _QueueStream(), {}
            copied = [c for c in STORED if c != "record_type"] + ["id"]
            columns = ", ".join(copied)
            raw = connection.connection

            def copy():
                try:
                    with raw.cursor() as copy_cursor:
                        copy_cursor.copy_expert(f"COPY {partition} ({columns}) FROM STDIN WITH "
                                                f"(FORMAT binary, FREEZE true)", stream, size=COPY_READ_BYTES)
                except BaseException as exc:  # noqa: BLE001  (re-raised in the main thread)
                    outcome["error"] = exc
                    stream.abandoned.set()

            worker = threading.Thread(target=copy, name=f"copy-{partition}")
            worker.start()
            stream.put(pgbinary.SIGNATURE)
            kinds = None
            feeding, next_id = True, first_id
            try:
                for part in slices:
                    lo = batch.rows_total
                    batch.rows_total += part.num_rows
                    if duplicates is None:
                        seen_ids.append(part["source_record_id"])
                        part_duplicates = np.zeros(part.num_rows, dtype=bool)
                    else:
                        part_duplicates = duplicates[lo:lo + part.num_rows]
                    typed, reasons = validate(part, source, part_duplicates)
                    bad = reasons != 0
                    if bad.any():
                        rejected_parts.append((lo, part, reasons, bad))
                        feeding = feeding and accept_partial
                    if not feeding or "error" in outcome:
                        continue
                    valid = typed.filter(pa.array(~bad)) if bad.any() else typed
                    valid = valid.append_column("severity", pa.array(severity(valid, source.record_type), pa.int16()))
                    valid = valid.append_column("record_type", pa.array([source.record_type] * valid.num_rows,
                                                                        pa.string()))
                    valid, part_counts = match(valid, lookup)
                    for key, value in part_counts.items():
                        counts[key] += value
                    rows = valid.select(copied[:-1]).sort_by([("organization_id", "ascending"), ("occurred_on", "ascending")])
                    size = rows.num_rows
                    rows = rows.append_column("id", pa.array(np.arange(next_id, next_id + size, dtype=np.int64)))
                    next_id += size
                    kinds = kinds or _copy_kinds(rows)
                    stream.put(pgbinary.encode(rows, kinds))
                    imported += size
                if not batch.rows_total or batch.rows_total > max_rows:
                    raise _Restart
                if seen_ids:  # while COPY takes the last slices in
                    ids = pa.chunked_array(seen_ids)
                    if pc.count_distinct(ids).as_py() != len(ids):
                        raise _Restart
            finally:
                stream.put(pgbinary.TRAILER)
                stream.close()
                worker.join()
            if "error" in outcome:
                raise outcome["error"]
            batch.rows_rejected = int(sum(bad.sum() for _lo, _p, _r, bad in rejected_parts))
            if batch.rows_rejected and (not accept_partial or batch.rows_rejected == batch.rows_total):
                raise _Refused
            with connection.cursor() as cursor:
                cursor.execute(f"ALTER TABLE {partition} ALTER COLUMN source_id DROP DEFAULT, "
                               f"ALTER COLUMN batch_id DROP DEFAULT, ALTER COLUMN record_type DROP DEFAULT")
                cursor.execute(f"ALTER TABLE {partition} ADD CONSTRAINT {partition}_source "
                               f"CHECK (source_id = {int(source.pk)})")
                cursor.execute("SET LOCAL maintenance_work_mem = '512MB'")
                cursor.execute(f"ALTER TABLE bigdata_publicrecord ATTACH PARTITION {partition} "
                               f"FOR VALUES IN ({int(source.pk)})")
            _store_rejected_parts(batch, rejected_parts)
            return _record_imported(batch, imported, 0, counts, started, actor)
    except _Restart:
        return None
    except _Refused:  # the rejected rows are stored after the rollback, for the report
        _store_rejected_parts(batch, rejected_parts)
        raise _refused_whole(batch) from None


def _reserve_ids(cursor, n) -> int:
    """A block of n ids from the records table's identity sequence (imports hold the lock)."""
    cursor.execute("SELECT pg_get_serial_sequence('bigdata_publicrecord', 'id')")
    sequence = cursor.fetchone()[0]
    cursor.execute("SELECT pg_advisory_xact_lock(%s, 0)", [_IMPORT_LOCK])
    cursor.execute("SELECT nextval(%s)", [sequence])
    first_id = cursor.fetchone()[0]
    cursor.execute("SELECT setval(%s, %s)", [sequence, first_id + max(n, 1)])
    return first_id


def _store_rejected_parts(batch, parts):
    stored = 0
    for lo, part, reasons, bad in parts:
        positions = np.flatnonzero(bad)[: max(MAX_REJECTED_STORED - stored, 0)]
        if not len(positions):
            continue
        raw = part.take(pa.array(positions)).to_pylist()
        RejectedRow.objects.bulk_create([
            RejectedRow(batch=batch, row_number=lo + int(pos) + 2, code=REJECTION_CODES[reasons[pos]],
                        raw=_raw_cells(values))
            for pos, values in zip(positions, raw, strict=True)], batch_size=2000)
        stored += len(positions)


def _finish(batch, started):
    batch.finished_at = timezone.now()
    batch.seconds = round(time.perf_counter() - started, 3)
    batch.save()


def _store_rejected(batch, table, reasons, rejected):
    # Row numbers as the office sees them in a spreadsheet: the header is row 1.
    positions = np.flatnonzero(rejected)[:MAX_REJECTED_STORED]
    raw = table.take(pa.array(positions)).to_pylist()
    rows = [RejectedRow(batch=batch, row_number=int(pos) + 2, code=REJECTION_CODES[reasons[pos]],
                        raw=_raw_cells(values))
            for pos, values in zip(positions, raw, strict=True)]
    RejectedRow.objects.bulk_create(rows, batch_size=2000)
