"""Importing record files (CSV or Excel) into `PublicRecord`.

Every row is validated (code format and check digit, dates, amounts, ids) with vectorised
pandas/numpy work; rejected rows are reported with their row number and reason. By default a
file with any rejected row is refused whole (nothing is imported) so the office can correct
it; `accept_partial=True` imports the valid rows and reports the others. An import lands in
one transaction: all or nothing. Re-importing a file adds nothing twice (records are unique per
source and source id). Records are matched to organisations by credit code, then by
normalised name (reported as such); the rest stay unmatched and are listed.

On PostgreSQL the valid rows go through `COPY` into a temporary staging table and one
`INSERT … SELECT … ON CONFLICT DO NOTHING`; on SQLite through `bulk_create`.
"""

import hashlib
import io
import time
from pathlib import Path

import numpy as np
import pandas as pd
from django.db import connection, transaction
from django.utils import timezone

from applications.models import Organization
from award_portal.audit import audit_record

from .codes import code_problems, normalise_codes, normalise_name, normalise_names
from .models import ImportBatch, PublicRecord, RecordSource, RecordType, RejectedRow, Severity

REQUIRED = ["source_record_id", "credit_code", "org_name", "occurred_on"]
OPTIONAL = ["removed_on", "amount_10k", "grade", "title", "authority", "document_no", "deaths"]
STORED = ["source_record_id", "record_type", "credit_code", "org_name", "organization_id", "match_method",
          "occurred_on", "removed_on", "severity", "amount_10k", "grade", "title", "authority", "document_no"]
MAX_REJECTED_STORED = 10_000
LIMITS = {"source_record_id": 80, "org_name": 200, "grade": 16, "title": 300, "authority": 200, "document_no": 100}


class ImportRefused(Exception):
    """The file as a whole cannot be read (encoding, missing columns, empty)."""


def decode(data: bytes) -> tuple[str, str]:
    """UTF-8 (with or without BOM), else GB18030 (a superset of GBK and GB2312)."""
    try:
        return data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError as utf8_error:
        try:
            return data.decode("gb18030"), "gbk"
        except UnicodeDecodeError:
            line = data[: utf8_error.start].count(b"\n") + 1
            raise ImportRefused(
                f"文件编码无法识别：第{line}行含有既非UTF-8也非GBK的字节。请以UTF-8或GBK编码另存后重新上传。") from None


def read_table(data: bytes, file_name: str) -> tuple[pd.DataFrame, str]:
    if file_name.lower().endswith((".xlsx", ".xlsm")):
        frame = pd.read_excel(io.BytesIO(data), dtype=str, keep_default_na=False, engine="openpyxl")
        return frame.fillna(""), "xlsx"
    text, encoding = decode(data)
    frame = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False, na_filter=False,
                        skipinitialspace=False, engine="c")
    return frame, encoding


def map_columns(frame: pd.DataFrame, source: RecordSource) -> pd.DataFrame:
    mapping = {k.strip(): v for k, v in (source.column_mapping or {}).items()}
    frame = frame.rename(columns=lambda c: mapping.get(str(c).strip(), str(c).strip()))
    missing = [field for field in REQUIRED if field not in frame.columns]
    if missing:
        wanted = {v: k for k, v in mapping.items()}
        names = "、".join(wanted.get(f, f) for f in missing)
        raise ImportRefused(f"文件缺少必需的列：{names}。")
    for field in OPTIONAL:
        if field not in frame.columns:
            frame[field] = ""
    return frame[REQUIRED + OPTIONAL]


def _parse_dates(values: pd.Series, date_format: str) -> pd.Series:
    return pd.to_datetime(values.str.strip(), format=date_format or "%Y-%m-%d", errors="coerce")


def validate(frame: pd.DataFrame, source: RecordSource) -> tuple[pd.DataFrame, pd.Series]:
    """Returns the typed frame and, per row, "" or the reason it is rejected (first problem)."""
    n = len(frame)
    reasons = pd.Series(np.full(n, "", dtype=object), index=frame.index)

    def reject(mask, reason):
        mask = np.asarray(mask) & (reasons.to_numpy() == "")
        reasons[mask] = reason

    frame["credit_code"] = normalise_codes(frame["credit_code"])
    reject(frame["source_record_id"].str.strip() == "", "缺少记录编号")
    code_reasons = code_problems(frame["credit_code"])
    bad_code = code_reasons.to_numpy() != ""
    reasons[bad_code & (reasons.to_numpy() == "")] = code_reasons[bad_code & (reasons.to_numpy() == "")]
    reject(frame["org_name"].str.strip() == "", "缺少主体名称")
    occurred = _parse_dates(frame["occurred_on"], source.date_format)
    reject(occurred.isna(), "日期无法识别（应为YYYY-MM-DD）")
    has_removed = frame["removed_on"].str.strip() != ""
    removed = _parse_dates(frame["removed_on"], source.date_format)
    reject(has_removed & removed.isna(), "移出/截止日期无法识别（应为YYYY-MM-DD）")
    has_amount = frame["amount_10k"].str.strip() != ""
    amount = pd.to_numeric(frame["amount_10k"].str.strip().str.replace(",", "", regex=False), errors="coerce")
    reject(has_amount & (amount.isna() | (amount < 0) | (amount >= 1e12)), "金额不是有效的非负数字")
    has_deaths = frame["deaths"].str.strip() != ""
    deaths = pd.to_numeric(frame["deaths"].str.strip(), errors="coerce")
    reject(has_deaths & (deaths.isna() | (deaths < 0)), "死亡人数不是有效的非负整数")
    for field, limit in LIMITS.items():
        reject(frame[field].str.len() > limit, f"“{field}”超过{limit}个字符")
    duplicated = frame["source_record_id"].duplicated(keep="first")
    reject(duplicated, "记录编号在文件中重复")
    typed = pd.DataFrame({
        "source_record_id": frame["source_record_id"].str.strip(),
        "record_type": source.record_type,
        "credit_code": frame["credit_code"],
        "org_name": frame["org_name"].str.strip(),
        "occurred_on": occurred.dt.date,
        "removed_on": removed.dt.date.where(has_removed, None),
        "amount_10k": amount.where(has_amount, None).round(2),
        "grade": frame["grade"].str.strip(),
        "title": frame["title"].str.strip(),
        "authority": frame["authority"].str.strip(),
        "document_no": frame["document_no"].str.strip(),
        "deaths": deaths.where(has_deaths, 0).fillna(0),
    }, index=frame.index)
    return typed, reasons


VETO_ACCIDENT = {"较大", "重大", "特别重大"}
HIGH_PENALTY = {"降低资质等级", "吊销许可证件", "责令停产停业", "责令关闭"}


def severity(typed: pd.DataFrame, record_type: str) -> np.ndarray:
    """DOMAIN.md §5 severity model, per record type, vectorised."""
    n = len(typed)
    grade = typed["grade"]
    listed = typed["removed_on"].isna().to_numpy()
    if record_type in (RecordType.DISHONESTY_LIST, RecordType.TAX_VIOLATION):
        return np.where(listed, Severity.VETO, Severity.HIGH)
    if record_type == RecordType.ACCIDENT:
        return np.select([grade.isin(VETO_ACCIDENT).to_numpy(), (typed["deaths"] > 0).to_numpy()],
                         [Severity.VETO, Severity.HIGH], Severity.MEDIUM)
    if record_type == RecordType.SPOT_CHECK:
        return np.where((grade == "不合格").to_numpy(), Severity.HIGH, Severity.INFO)
    if record_type == RecordType.COURT_ENFORCEMENT:
        dishonest = (grade == "失信被执行人").to_numpy()
        return np.select([dishonest & listed, dishonest], [Severity.VETO, Severity.HIGH], Severity.MEDIUM)
    if record_type == RecordType.PENALTY:
        amount = typed["amount_10k"].astype(float).fillna(0).to_numpy()
        return np.select([grade.isin(HIGH_PENALTY).to_numpy() | (amount >= 10), amount > 0],
                         [Severity.HIGH, Severity.MEDIUM], Severity.LOW)
    if record_type == RecordType.ABNORMAL_OPERATION:
        return np.where(listed, Severity.MEDIUM, Severity.LOW)
    if record_type == RecordType.COMPLAINT:
        return np.full(n, Severity.LOW)
    if record_type == RecordType.MEDIA_REPORT:
        return np.where((grade == "负面").to_numpy(), Severity.LOW, Severity.INFO)
    return np.full(n, Severity.INFO)


def match(typed: pd.DataFrame) -> dict:
    """Set organization_id and match_method: by credit code, then by normalised name."""
    by_code = dict(Organization.objects.values_list("credit_code", "id"))
    org_ids = typed["credit_code"].map(by_code)
    method = np.where(org_ids.notna(), "code", "")
    unmatched = org_ids.isna()
    if unmatched.any():
        names = {}
        for org_id, name in Organization.objects.values_list("id", "name"):
            names.setdefault(normalise_name(name), []).append(org_id)
        unique_names = {k: v[0] for k, v in names.items() if len(v) == 1}
        by_name = normalise_names(typed.loc[unmatched, "org_name"]).map(unique_names)
        org_ids.loc[unmatched] = by_name
        method = np.where(unmatched.to_numpy() & by_name.reindex(typed.index).notna().to_numpy(), "name", method)
    typed["organization_id"] = org_ids.astype("Int64")
    typed["match_method"] = method
    return {"code": int((method == "code").sum()), "name": int((method == "name").sum()),
            "unmatched": int((method == "").sum())}


def _copy_insert(typed: pd.DataFrame, source: RecordSource, batch: ImportBatch) -> int:
    """PostgreSQL: COPY into a temporary staging table, then one INSERT … ON CONFLICT."""
    buffer = io.StringIO()
    typed[STORED].to_csv(buffer, index=False, header=False, na_rep="\\N", date_format="%Y-%m-%d")
    buffer.seek(0)
    with connection.cursor() as cursor:
        cursor.execute("""
            CREATE TEMP TABLE record_staging (
                source_record_id text, record_type text, credit_code text, org_name text,
                organization_id bigint, match_method text, occurred_on date, removed_on date,
                severity smallint, amount_10k numeric(14,2), grade text, title text, authority text,
                document_no text) ON COMMIT DROP""")
        cursor.copy_expert("COPY record_staging FROM STDIN WITH (FORMAT csv, NULL '\\N')", buffer)
        cursor.execute("""
            INSERT INTO bigdata_publicrecord
                (source_id, batch_id, source_record_id, record_type, credit_code, org_name, organization_id,
                 match_method, occurred_on, removed_on, severity, amount_10k, grade, title, authority, document_no)
            SELECT %s, %s, source_record_id, record_type, credit_code, org_name, organization_id,
                   match_method, occurred_on, removed_on, severity, amount_10k, grade, title, authority, document_no
            FROM record_staging
            ON CONFLICT (source_id, source_record_id) DO NOTHING""", [source.pk, batch.pk])
        return cursor.rowcount


def _bulk_insert(typed: pd.DataFrame, source: RecordSource, batch: ImportBatch) -> int:
    existing = set(PublicRecord.objects.filter(source=source, source_record_id__in=list(typed["source_record_id"]))
                   .values_list("source_record_id", flat=True))
    fresh = typed[~typed["source_record_id"].isin(existing)]
    objects = [PublicRecord(source=source, batch=batch, **{k: (None if pd.isna(v) else v) for k, v in row.items()})
               for row in fresh[STORED].to_dict("records")]
    PublicRecord.objects.bulk_create(objects, batch_size=2000)
    return len(objects)


def import_file(*, source: RecordSource, data: bytes, file_name: str, actor=None,
                accept_partial: bool = False) -> ImportBatch:
    """Import one file. Side effects: an ImportBatch (always), RejectedRow rows, PublicRecord rows
    (only when accepted), an audit event."""
    started = time.perf_counter()
    batch = ImportBatch.objects.create(source=source, file_name=Path(file_name).name[:255],
                                       file_sha256=hashlib.sha256(data).hexdigest(), imported_by=actor)
    try:
        frame, encoding = read_table(data, file_name)
        batch.encoding = encoding
        if frame.empty:
            raise ImportRefused("文件中没有数据行。")
        frame = map_columns(frame, source)
        typed, reasons = validate(frame, source)
        batch.rows_total = len(typed)
        rejected = reasons.to_numpy() != ""
        batch.rows_rejected = int(rejected.sum())
        if batch.rows_rejected:
            _store_rejected(batch, frame, reasons, rejected)
        if batch.rows_rejected and not accept_partial:
            batch.status = ImportBatch.Status.REFUSED
            batch.message = (f"{batch.rows_rejected}行未通过校验，整份文件未导入。请修正后重新上传，"
                             f"或选择仅导入通过校验的行。")
        else:
            valid = typed[~rejected].copy()
            valid["severity"] = severity(valid, source.record_type)
            counts = match(valid)
            with transaction.atomic():
                imported = (_copy_insert if connection.vendor == "postgresql" else _bulk_insert)(valid, source, batch)
                batch.rows_imported = imported
                batch.rows_duplicate = len(valid) - imported
                batch.matched_by_code, batch.matched_by_name, batch.unmatched = (
                    counts["code"], counts["name"], counts["unmatched"])
                batch.status = ImportBatch.Status.IMPORTED
                _finish(batch, started)
                audit_record(action="bigdata.import", obj=batch, actor=actor, after={
                    "source": source.code, "file": batch.file_name, "imported": imported,
                    "duplicates": batch.rows_duplicate, "rejected": batch.rows_rejected})
            return batch
    except ImportRefused as exc:
        batch.status, batch.message = ImportBatch.Status.REFUSED, str(exc)
    except Exception as exc:  # noqa: BLE001  (recorded on the batch; nothing was imported)
        batch.status, batch.message = ImportBatch.Status.FAILED, f"{exc.__class__.__name__}: {exc}"
    _finish(batch, started)
    audit_record(action="bigdata.import_refused", obj=batch, actor=actor,
                 after={"source": source.code, "file": batch.file_name, "message": batch.message[:300]})
    return batch


def _finish(batch, started):
    batch.finished_at = timezone.now()
    batch.seconds = round(time.perf_counter() - started, 3)
    batch.save()


def _store_rejected(batch, frame, reasons, rejected):
    # Row numbers as the office sees them in a spreadsheet: the header is row 1.
    positions = np.flatnonzero(rejected)[:MAX_REJECTED_STORED]
    rows = [RejectedRow(batch=batch, row_number=int(pos) + 2, reason=reasons.iloc[pos][:300],
                        raw={k: str(v)[:200] for k, v in frame.iloc[pos].items()})
            for pos in positions]
    RejectedRow.objects.bulk_create(rows, batch_size=2000)
