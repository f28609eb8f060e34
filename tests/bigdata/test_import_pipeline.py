"""PostgreSQL's first load of a source: the file streamed in slices into a new partition through
binary COPY, and the ways it falls back to reading the whole file (repeated ids, an encoding
other than UTF-8). The values must arrive exactly as the CSV said, whatever slice they are in."""

import datetime
import io
import struct
from decimal import Decimal

import pyarrow as pa
import pytest
from django.db import connection

import bigdata.importer
from bigdata import pgbinary
from bigdata.models import ImportBatch, PublicRecord

from ..applications.factories import make_org
from .support import import_bytes, load_programs, record_file, row_for, source

pytestmark = pytest.mark.django_db

D = datetime.date


@pytest.fixture(autouse=True)
def postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("binary COPY and partitions are PostgreSQL's")
    load_programs()


@pytest.fixture
def small_slices(monkeypatch):
    """Slices of about a dozen rows, so a test file of a few hundred rows crosses many."""
    monkeypatch.setattr(bigdata.importer, "SLICE_BYTES", 2048)
    monkeypatch.setattr(bigdata.importer, "SLICE_ROWS", 12)


def partition_exists(src):
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_inherits WHERE inhrelid = to_regclass(%s)",
                       [f"bigdata_publicrecord_s{src.pk}"])
        return cursor.fetchone()[0] == 1


def penalties(orgs, count):
    return [row_for(orgs[i % len(orgs)], occurred_on=D(2020, 1, 1) + datetime.timedelta(days=i),
                    grade="罚款", amount_10k=f"{i}.{i % 100:02d}", title=f"第{i}号处罚") for i in range(count)]


# --- The binary COPY encoder -------------------------------------------------------------------


def test_binary_copy_round_trips_every_kind_of_value():
    table = pa.table({
        "t": pa.array(["宝源（北京）食品有限公司", "", None, "a,b\n\"c\"", "x" * 300], pa.string()),
        "i8": pa.array([1, None, -(2 ** 62), 2 ** 62, 0], pa.int64()),
        "i2": pa.array([0, 5, -3, 32767, 1], pa.int16()),
        "d": pa.array([D(2024, 2, 29), None, D(1900, 1, 1), D(2099, 12, 31), D(2000, 1, 1)], pa.date32()),
        "n": pa.array([0.01, None, -79146.1, 999_999_999_999.99, 12345.6], pa.float64()),
    })
    kinds = [pgbinary.TEXT, pgbinary.INT8, pgbinary.INT2, pgbinary.DATE, pgbinary.NUMERIC2]
    payload = pgbinary.SIGNATURE + pgbinary.encode(table, kinds).to_pybytes() + pgbinary.TRAILER
    with connection.cursor() as cursor:
        cursor.execute("CREATE TEMP TABLE copied (t text, i8 bigint, i2 smallint, d date, n numeric(14,2))")
        cursor.copy_expert("COPY copied FROM STDIN WITH (FORMAT binary)", io.BytesIO(payload))
        cursor.execute("SELECT t, i8, i2, d, n FROM copied")
        rows = cursor.fetchall()
        cursor.execute("DROP TABLE copied")

    assert rows == [
        ("宝源（北京）食品有限公司", 1, 0, D(2024, 2, 29), Decimal("0.01")),
        ("", None, 5, None, None),
        ("", -(2 ** 62), -3, D(1900, 1, 1), Decimal("-79146.10")),
        ("a,b\n\"c\"", 2 ** 62, 32767, D(2099, 12, 31), Decimal("999999999999.99")),
        ("x" * 300, 0, 1, D(2000, 1, 1), Decimal("12345.60")),
    ]


def test_binary_copy_rows_are_framed_as_postgres_reads_them():
    table = pa.table({"t": pa.array(["ab"]), "i2": pa.array([7], pa.int16())})
    body = pgbinary.encode(table, [pgbinary.TEXT, pgbinary.INT2]).to_pybytes()
    assert body == struct.pack(">h", 2) + struct.pack(">i", 2) + b"ab" + struct.pack(">ih", 2, 7)
    assert pgbinary.encode(table.slice(0, 0), [pgbinary.TEXT, pgbinary.INT2]).size == 0


# --- Streaming first load ----------------------------------------------------------------------


def test_a_first_load_streams_many_slices_and_keeps_every_value(small_slices, monkeypatch):
    orgs = [make_org(), make_org(), make_org()]
    rows = penalties(orgs, 300)
    src = source("gov-penalty")

    def whole_file_read(*args):
        raise AssertionError("a plain UTF-8 first load is streamed, not read whole")

    monkeypatch.setattr(bigdata.importer, "read_table", whole_file_read)

    batch = import_bytes(src, record_file(src, rows), "处罚.csv")

    assert (batch.status, batch.rows_total, batch.rows_imported, batch.matched_by_code) == (
        ImportBatch.Status.IMPORTED, 300, 300, 300)
    assert partition_exists(src)
    stored = {r.source_record_id: r for r in PublicRecord.objects.filter(source=src)}
    assert len(stored) == 300
    assert len({r.pk for r in stored.values()}) == 300
    for i in (0, 13, 150, 299):
        record = stored[rows[i]["source_record_id"]]
        assert (record.organization_id, record.occurred_on, record.amount_10k, record.title, record.grade) == (
            orgs[i % 3].pk, rows[i]["occurred_on"], Decimal(rows[i]["amount_10k"]), f"第{i}号处罚", "罚款")


def test_a_rejected_row_in_a_late_slice_is_reported_with_its_spreadsheet_row(small_slices):
    orgs = [make_org(), make_org()]
    rows = penalties(orgs, 200)
    rows[170]["occurred_on"] = "2023-02-29"
    src = source("gov-penalty")

    refused = import_bytes(src, record_file(src, rows), "处罚.csv")
    assert (refused.status, refused.rows_total, refused.rows_imported) == (ImportBatch.Status.REFUSED, 200, 0)
    assert list(refused.rejected_rows.values_list("row_number", "code")) == [(172, "bad_date")]
    assert not partition_exists(src) and not PublicRecord.objects.exists()

    partial = import_bytes(src, record_file(src, rows), "处罚.csv", accept_partial=True)
    assert (partial.status, partial.rows_imported, partial.rows_rejected) == (ImportBatch.Status.IMPORTED, 199, 1)
    assert PublicRecord.objects.filter(source=src).count() == 199


def test_an_id_repeated_across_slices_falls_back_to_the_whole_file(small_slices):
    orgs = [make_org()]
    rows = penalties(orgs, 120)
    rows[100]["source_record_id"] = rows[3]["source_record_id"]
    src = source("gov-penalty")

    refused = import_bytes(src, record_file(src, rows), "处罚.csv")
    assert refused.status == ImportBatch.Status.REFUSED
    assert list(refused.rejected_rows.values_list("row_number", "code")) == [(102, "duplicate_id")]
    assert not PublicRecord.objects.exists()

    partial = import_bytes(src, record_file(src, rows), "处罚.csv", accept_partial=True)
    assert (partial.status, partial.rows_imported) == (ImportBatch.Status.IMPORTED, 119)
    assert PublicRecord.objects.get(source_record_id=rows[3]["source_record_id"]).title == "第3号处罚"


def test_a_gbk_first_load_is_read_whole_and_lands_in_its_partition(small_slices):
    org = make_org()
    rows = penalties([org], 40)
    src = source("gov-penalty")

    batch = import_bytes(src, record_file(src, rows, encoding="gbk"), "处罚.csv")

    assert (batch.status, batch.encoding, batch.rows_imported) == (ImportBatch.Status.IMPORTED, "gbk", 40)
    assert partition_exists(src)
    assert set(PublicRecord.objects.values_list("title", flat=True)) == {f"第{i}号处罚" for i in range(40)}


def test_a_missing_column_refuses_a_streamed_file_and_leaves_no_partition():
    src = source("gov-penalty")
    data = "行政处罚决定书文号,名称\nX-1,某公司\n".encode()

    batch = import_bytes(src, data, "处罚.csv")

    assert batch.status == ImportBatch.Status.REFUSED
    assert batch.message_code == "missing_columns" and "缺少必需的列" in batch.message_text
    assert not partition_exists(src)


def test_dates_before_1900_are_read_value_by_value():
    org = make_org()
    src = source("gov-penalty")
    rows = [row_for(org, occurred_on="1899-12-31", grade="罚款"), row_for(org, occurred_on="2024-02-29", grade="罚款")]

    batch = import_bytes(src, record_file(src, rows), "处罚.csv")

    assert batch.status == ImportBatch.Status.IMPORTED
    assert sorted(PublicRecord.objects.values_list("occurred_on", flat=True)) == [D(1899, 12, 31), D(2024, 2, 29)]


def test_a_copy_that_fails_mid_file_fails_the_import_and_leaves_nothing(small_slices, monkeypatch):
    """The slices prepared after COPY failed are dropped (the preparing thread must not wait
    for a reader that is gone)."""
    orgs = [make_org()]
    src = source("gov-penalty")
    real_encode, calls = pgbinary.encode, []

    def encode_then_garble(table, kinds):
        calls.append(table.num_rows)
        return pa.py_buffer(b"\x00\x05") if len(calls) == 2 else real_encode(table, kinds)

    monkeypatch.setattr(pgbinary, "encode", encode_then_garble)

    batch = import_bytes(src, record_file(src, penalties(orgs, 300)), "处罚.csv")

    assert batch.status == ImportBatch.Status.FAILED
    assert batch.message_code == "failed" and "field count" in batch.message_text
    assert not partition_exists(src) and not PublicRecord.objects.exists()
