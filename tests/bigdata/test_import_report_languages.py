"""An import report reads in the reader's language: rejected rows and batch messages are stored
as reason codes with parameters and translated when shown; rows and batches stored as Chinese
text before the codes existed stay readable (migration 0008 converts the known reasons, the
others are shown as stored).
"""

import importlib

import pytest
from django.apps import apps
from django.conf import settings
from django.test import Client
from django.utils import translation

from bigdata.models import ImportBatch, RejectedRow, Run

from ..applications.factories import make_org
from .support import import_bytes, load_programs, record_file, row_for, source

pytestmark = pytest.mark.django_db


@pytest.fixture
def refused(office):
    load_programs()
    org = make_org()
    rows = [row_for(org, occurred_on="2023-05-10", grade="警告"),
            row_for(org, occurred_on="2023-13-01", grade="警告"),
            row_for(org, occurred_on="2023-05-10", grade="警告", credit_code=org.credit_code[:17])]
    return import_bytes(source("gov-penalty"), record_file(source("gov-penalty"), rows), "处罚.csv", actor=office)


def page_in(language, user, url):
    client = Client()
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client.get(url).content.decode()


def test_the_same_report_renders_in_chinese_and_in_english(refused, office):
    url = f"/bigdata/imports/{refused.pk}/"

    chinese, english = page_in("zh-hans", office, url), page_in("en", office, url)

    assert list(refused.rejected_rows.values_list("row_number", "code", "reason")) == [
        (3, "bad_date", ""), (4, "code_length", "")]
    assert "2行未通过校验，整份文件未导入" in chinese
    assert "日期无法识别（应为YYYY-MM-DD）" in chinese and "统一社会信用代码应为18位" in chinese
    assert "2 rows failed the checks, so nothing of the file was imported" in english
    assert "The date cannot be read (expected YYYY-MM-DD)" in english
    assert "The unified social credit code must have 18 characters" in english
    assert "日期无法识别" not in english and "未通过校验" not in english


def test_messages_with_parameters_are_translated_with_them(office):
    load_programs()
    batch = import_bytes(source("gov-penalty"), "记录编号,主体名称\nX-1,某公司\n".encode(), "缺列.csv", actor=office)

    with translation.override("zh-hans"):
        chinese = batch.message_text
    with translation.override("en"):
        english = batch.message_text

    assert chinese == "文件缺少必需的列：统一社会信用代码、处罚决定日期。"
    assert english == "The file lacks required columns: 统一社会信用代码, 处罚决定日期."


def test_a_failed_runs_message_is_translated(office):
    run = Run(message_code="chunks_not_done", message_params={"chunks": [1, 3]})

    with translation.override("zh-hans"):
        assert run.message_text == "未完成的分块：1、3"
    with translation.override("en"):
        assert run.message_text == "Chunks not done: 1, 3"


def test_rows_and_batches_stored_as_text_stay_readable(refused, office):
    """What the importer stored before the codes: the migration converts the reasons it knows;
    anything else, and a batch's message, is shown as it was stored."""
    RejectedRow.objects.filter(batch=refused).update(code="")
    RejectedRow.objects.filter(batch=refused, row_number=3).update(reason="日期无法识别（应为YYYY-MM-DD）")
    RejectedRow.objects.filter(batch=refused, row_number=4).update(reason="某种旧的原因")
    old = ImportBatch.objects.create(source=source("gov-penalty"), file_name="旧.csv", file_sha256="0" * 64,
                                     status=ImportBatch.Status.REFUSED, message="文件中没有数据行。")

    migration = importlib.import_module("bigdata.migrations.0008_rule_articles_kinds_message_codes")
    migration.reasons_to_codes(apps, None)

    assert list(refused.rejected_rows.values_list("row_number", "code", "reason")) == [
        (3, "bad_date", ""), (4, "", "某种旧的原因")]
    english = page_in("en", office, f"/bigdata/imports/{refused.pk}/")
    assert "The date cannot be read (expected YYYY-MM-DD)" in english and "某种旧的原因" in english
    assert "文件中没有数据行。" in page_in("en", office, f"/bigdata/imports/{old.pk}/")
