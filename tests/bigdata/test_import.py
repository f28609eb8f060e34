"""Importing record files: the row-level report, all-or-nothing, encodings, Excel, re-imports
and matching records to registered organisations.

Row numbers are those the office sees in a spreadsheet: the header is row 1.
"""

import datetime
import io
import random

import pandas as pd
import pytest
from django.db import connection

import bigdata.importer
from applications import uscc
from award_portal.audit import audit_events_for
from bigdata.models import ImportBatch, PublicRecord, RejectedRow

from ..applications.factories import make_org
from .support import import_bytes, load_programs, record_file, row_for, source

pytestmark = pytest.mark.django_db

D = datetime.date


@pytest.fixture(autouse=True)
def sources():
    load_programs()


def bad_check_digit(code):
    wrong = uscc.CHARSET[(uscc.CHARSET.index(code[17]) + 1) % len(uscc.CHARSET)]
    return code[:17] + wrong


def unknown_code(seed):
    """A valid code that no test organisation has."""
    return uscc.generate(random.Random(10_000 + seed), region="110105")


def penalty(org, **fields):
    return row_for(org, **{"occurred_on": "2023-05-10", "grade": "罚款", "amount_10k": "2", **fields})


def malformed_file(org, other):
    rows = [
        penalty(org, source_record_id="P-1"),                                          # row 2: fine
        penalty(org, credit_code=bad_check_digit(org.credit_code)),                     # row 3
        penalty(org, credit_code=org.credit_code[:17]),                                 # row 4
        penalty(org, credit_code=org.credit_code[:9] + "O" + org.credit_code[10:]),     # row 5
        penalty(org, occurred_on="2024-13-01"),                                        # row 6
        penalty(org, occurred_on="yesterday"),                                         # row 7
        penalty(org, amount_10k="-5"),                                                 # row 8
        penalty(other, source_record_id="P-1"),                                        # row 9
        penalty(other, source_record_id="P-2", credit_code=f" {other.credit_code.lower()} "),  # row 10: fine
        penalty(other, removed_on="2024/02/01"),                                       # row 11
        penalty(other, org_name=""),                                                   # row 12
        penalty(other, source_record_id=""),                                           # row 13
        penalty(other, amount_10k="十万"),                                              # row 14
    ]
    return record_file(source("gov-penalty"), rows)


# Reasons are stored as codes and translated when shown (test_import_report_languages.py).
EXPECTED_REPORT = [
    (3, "code_check_digit"),
    (4, "code_length"),
    (5, "code_character"),
    (6, "bad_date"),
    (7, "bad_date"),
    (8, "bad_amount"),
    (9, "duplicate_id"),
    (11, "bad_removed_on"),
    (12, "missing_name"),
    (13, "missing_id"),
    (14, "bad_amount"),
]


def report(batch):
    return list(batch.rejected_rows.order_by("row_number").values_list("row_number", "code"))


# --- Row-level report, all or nothing ---------------------------------------------------------


def test_malformed_file_is_refused_whole_with_a_row_level_report(make_user):
    org, other = make_org(), make_org()
    office = make_user(role="office")

    batch = import_bytes(source("gov-penalty"), malformed_file(org, other), "处罚2024.csv", actor=office)

    assert (batch.status, batch.rows_total, batch.rows_rejected, batch.rows_imported) == (
        ImportBatch.Status.REFUSED, 13, 11, 0)
    assert report(batch) == EXPECTED_REPORT
    assert (batch.message_code, batch.message_params) == ("rows_rejected", {"n": 11})
    assert PublicRecord.objects.count() == 0
    assert batch.rejected_rows.get(row_number=6).raw["occurred_on"] == "2024-13-01"
    assert [e.action for e in audit_events_for(batch)] == ["bigdata.import_refused"]


def test_accept_partial_imports_the_valid_rows_and_reports_the_others():
    org, other = make_org(), make_org()

    batch = import_bytes(source("gov-penalty"), malformed_file(org, other), "处罚2024.csv", accept_partial=True)

    assert (batch.status, batch.rows_total, batch.rows_rejected, batch.rows_imported, batch.matched_by_code) == (
        ImportBatch.Status.IMPORTED, 13, 11, 2, 2)
    assert report(batch) == EXPECTED_REPORT
    assert sorted(PublicRecord.objects.values_list("source_record_id", "organization", "credit_code")) == [
        ("P-1", org.pk, org.credit_code), ("P-2", other.pk, other.credit_code)]


@pytest.mark.parametrize(("field", "value", "reason"), [
    ("occurred_on", "2023-02-29", "bad_date"),
    ("occurred_on", "2024-04-31", "bad_date"),
    ("removed_on", "2024-02-30", "bad_removed_on"),
])
def test_impossible_calendar_dates_are_rejected(field, value, reason):
    org = make_org()
    data = record_file(source("gov-penalty"), [penalty(org), penalty(org, **{field: value})])

    batch = import_bytes(source("gov-penalty"), data, "处罚.csv")

    assert (batch.status, report(batch), PublicRecord.objects.count()) == (ImportBatch.Status.REFUSED, [(3, reason)], 0)


def test_missing_required_columns_refuse_the_file_naming_them():
    org = make_org()
    data = ("记录编号,主体名称,罚款金额(万元)\n"
            f"P-1,{org.name},3\n").encode()

    batch = import_bytes(source("gov-penalty"), data, "缺列.csv")

    assert (batch.status, batch.message_code, batch.message_params, batch.rows_rejected) == (
        ImportBatch.Status.REFUSED, "missing_columns", {"columns": ["统一社会信用代码", "处罚决定日期"]}, 0)
    assert batch.message_text == "文件缺少必需的列：统一社会信用代码、处罚决定日期。"
    assert PublicRecord.objects.count() == RejectedRow.objects.count() == 0


def test_file_without_data_rows_is_refused():
    batch = import_bytes(source("gov-penalty"), record_file(source("gov-penalty"), []), "空.csv")

    assert (batch.status, PublicRecord.objects.count()) == (ImportBatch.Status.REFUSED, 0)


# The three ways rows reach the table: SQLite's bulk_create; PostgreSQL's staging insert (a
# source that already has records); PostgreSQL's pipelined first load of a source's partition
# (failing after the COPY and the attach, inside the transaction).
@pytest.mark.parametrize("insert", ["_bulk_insert", "_copy_insert", "_store_rejected_parts"])
def test_a_database_failure_during_the_insert_imports_nothing(monkeypatch, insert):
    if (insert == "_bulk_insert") == (connection.vendor == "postgresql"):
        pytest.skip(f"{insert} is not used on {connection.vendor}")
    before = 0
    if insert == "_copy_insert":  # the staging path: the source already has a record
        earlier = make_org()
        import_bytes(source("gov-penalty"), record_file(source("gov-penalty"), [penalty(earlier, source_record_id="E-1")]),
                     "早先.csv")
        before = 1
    orgs = [make_org() for _ in range(3)]
    real = getattr(bigdata.importer, insert)

    def insert_then_fail(*args, **kwargs):
        real(*args, **kwargs)
        assert PublicRecord.objects.count() == before + 3  # the rows were written …
        raise RuntimeError("connection to server lost")  # … and then the database went away

    monkeypatch.setattr(bigdata.importer, insert, insert_then_fail)

    batch = import_bytes(source("gov-penalty"), record_file(source("gov-penalty"), [penalty(o) for o in orgs]),
                         "处罚.csv")

    assert (batch.status, batch.message_code, batch.message_params, batch.rows_imported) == (
        ImportBatch.Status.FAILED, "failed", {"error": "RuntimeError: connection to server lost"}, 0)
    assert PublicRecord.objects.count() == before
    assert ImportBatch.objects.filter(file_name="处罚.csv").get().status == ImportBatch.Status.FAILED


# --- Encodings and Excel ----------------------------------------------------------------------


def test_gbk_file_is_decoded():
    org = make_org(name="安徽（合肥）精工机械有限公司")
    data = record_file(source("gov-penalty"), [penalty(org, title="未按规定标注产品标识", authority="合肥市市场监督管理局")],
                       encoding="gbk")

    batch = import_bytes(source("gov-penalty"), data, "gbk.csv")

    record = PublicRecord.objects.get()
    assert (batch.status, batch.encoding) == (ImportBatch.Status.IMPORTED, "gbk")
    assert (record.org_name, record.title, record.authority, record.organization) == (
        "安徽（合肥）精工机械有限公司", "未按规定标注产品标识", "合肥市市场监督管理局", org)


def test_utf8_file_with_bom_is_decoded():
    org = make_org()
    data = b"\xef\xbb\xbf" + record_file(source("gov-penalty"), [penalty(org, title="虚假宣传")])

    batch = import_bytes(source("gov-penalty"), data, "bom.csv")

    assert (batch.status, batch.encoding, PublicRecord.objects.get().title) == (
        ImportBatch.Status.IMPORTED, "utf-8", "虚假宣传")


def test_file_in_neither_utf8_nor_gbk_is_refused_naming_the_line():
    org = make_org()
    lines = record_file(source("gov-penalty"), [penalty(org), penalty(org), penalty(org)]).split(b"\n")
    lines[3] = lines[3].replace(b"2023-05-10", b"2023-\xff\xfe\xfa-10")  # line 4 of the file
    data = b"\n".join(lines)

    batch = import_bytes(source("gov-penalty"), data, "乱码.csv")

    assert batch.status == ImportBatch.Status.REFUSED
    assert (batch.message_code, batch.message_params) == ("unknown_encoding", {"line": 4})
    assert batch.message_text.startswith("文件编码无法识别：第4行"), batch.message_text
    assert PublicRecord.objects.count() == 0


def excel(src, rows):
    frame = pd.DataFrame([{header: row.get(field, "") for header, field in src.column_mapping.items()}
                          for row in rows])
    buffer = io.BytesIO()
    frame.to_excel(buffer, index=False, engine="openpyxl")
    return buffer.getvalue()


def test_excel_file_imports():
    org, other = make_org(), make_org()
    rows = [penalty(org, title="无照经营"), penalty(other, amount_10k="12.5")]

    batch = import_bytes(source("gov-penalty"), excel(source("gov-penalty"), rows), "处罚.xlsx")

    assert (batch.status, batch.encoding, batch.rows_imported) == (ImportBatch.Status.IMPORTED, "xlsx", 2)
    assert sorted((r.organization_id, r.occurred_on, str(r.amount_10k), r.title)
                  for r in PublicRecord.objects.all()) == sorted([
        (org.pk, D(2023, 5, 10), "2.00", "无照经营"), (other.pk, D(2023, 5, 10), "12.50", "")])


def test_excel_file_with_date_cells_imports():
    """Excel writes dates as date cells, not text."""
    org = make_org()
    rows = [penalty(org, occurred_on=datetime.datetime(2023, 5, 10), removed_on=datetime.datetime(2024, 5, 10))]

    batch = import_bytes(source("gov-penalty"), excel(source("gov-penalty"), rows), "处罚.xlsx")

    assert (batch.status, report(batch)) == (ImportBatch.Status.IMPORTED, [])
    assert (PublicRecord.objects.get().occurred_on, PublicRecord.objects.get().removed_on) == (
        D(2023, 5, 10), D(2024, 5, 10))


# --- Re-imports -------------------------------------------------------------------------------


def test_reimporting_the_same_file_adds_nothing():
    orgs = [make_org() for _ in range(4)]
    data = record_file(source("gov-penalty"), [penalty(o) for o in orgs])
    first = import_bytes(source("gov-penalty"), data, "处罚.csv")

    again = import_bytes(source("gov-penalty"), data, "处罚.csv")

    assert (first.rows_imported, first.rows_duplicate) == (4, 0)
    assert (again.status, again.rows_total, again.rows_imported, again.rows_duplicate) == (
        ImportBatch.Status.IMPORTED, 4, 0, 4)
    assert PublicRecord.objects.count() == 4
    assert set(PublicRecord.objects.values_list("batch", flat=True)) == {first.pk}


def test_a_file_overlapping_an_earlier_one_adds_only_the_new_records():
    orgs = [make_org() for _ in range(3)]
    rows = [penalty(o) for o in orgs]
    import_bytes(source("gov-penalty"), record_file(source("gov-penalty"), rows[:2]), "一月.csv")

    batch = import_bytes(source("gov-penalty"), record_file(source("gov-penalty"), rows), "二月.csv")

    assert (batch.rows_imported, batch.rows_duplicate, PublicRecord.objects.count()) == (1, 2, 3)


def test_the_same_record_id_in_another_source_is_another_record():
    org = make_org()
    import_bytes(source("gov-penalty"), record_file(source("gov-penalty"), [penalty(org, source_record_id="X-1")]),
                 "a.csv")

    batch = import_bytes(source("gov-abnormal"), record_file(source("gov-abnormal"), [
        row_for(org, source_record_id="X-1", occurred_on="2023-01-01")]), "b.csv")

    assert (batch.rows_imported, PublicRecord.objects.count()) == (1, 2)


def test_several_imports_in_one_transaction():
    """Several imports of one source inside one outer transaction: a caller that wraps its work in
    transaction.atomic (as `load_demo` wraps every app's demo), or ATOMIC_REQUESTS."""
    orgs = [make_org() for _ in range(3)]
    batches = [bigdata.importer.import_file(source=source("gov-penalty"), data=record_file(
        source("gov-penalty"), [penalty(org)]), file_name=f"{n}.csv") for n, org in enumerate(orgs)]

    assert [(b.status, b.message_code, b.message_text) for b in batches] == [("imported", "", "")] * 3
    assert PublicRecord.objects.count() == 3


# --- Matching ---------------------------------------------------------------------------------


def test_records_are_matched_by_code_then_by_normalised_name(make_user):
    by_code = make_org()
    by_name = make_org(name="北京（海淀）智能装备股份有限公司")
    make_org(name="北京同名贸易有限公司")
    make_org(name="北京同名贸易 有限公司")  # two organisations normalise to the same name
    rows = [
        penalty(by_code, source_record_id="C-1"),
        penalty(by_name, source_record_id="N-1", credit_code=unknown_code(1),
                org_name=" 北京 (海淀) 智能装备股份有限公司 "),
        penalty(by_name, source_record_id="N-2", credit_code=unknown_code(2), org_name="北京（海淀）智能装备股份有限公司"),
        {"source_record_id": "U-1", "credit_code": unknown_code(3), "org_name": "北京未注册贸易有限公司",
         "occurred_on": "2023-05-10", "grade": "警告"},
        {"source_record_id": "U-2", "credit_code": unknown_code(4), "org_name": "北京同名贸易有限公司",
         "occurred_on": "2023-05-10", "grade": "警告"},
    ]

    batch = import_bytes(source("gov-penalty"), record_file(source("gov-penalty"), rows), "处罚.csv")

    assert (batch.matched_by_code, batch.matched_by_name, batch.unmatched) == (1, 2, 2)
    assert sorted(PublicRecord.objects.values_list("source_record_id", "organization", "match_method")) == [
        ("C-1", by_code.pk, "code"), ("N-1", by_name.pk, "name"), ("N-2", by_name.pk, "name"),
        ("U-1", None, ""), ("U-2", None, "")]

    client_of_office = _client(make_user(role="office"))
    page = client_of_office.get(f"/bigdata/imports/{batch.pk}/").content.decode()
    assert "北京未注册贸易有限公司" in page and unknown_code(3) in page
    assert unknown_code(1) in page  # the name matches are listed for checking too


def _client(user):
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client
