"""Browser: an anonymous visitor reads the public notice of the proposed winners (every finalist
listed, the period shown), lodges an objection with an evidence file, and follows it with the
receipt number and secret."""

import pytest

from notices.models import Objection
from tests.notices.support import PDF, publish, round_with_proposed

from .conftest import CHROMIUM

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(not CHROMIUM.exists(), reason=f"{CHROMIUM} is missing: the browser tests need Debian's chromium"),
]


def test_the_public_notice_lists_the_finalists_and_accepts_an_objection_with_a_file(new_page, transactional_db,
                                                                                     tmp_path):
    rnd, apps = round_with_proposed(n=3)
    notice = publish(rnd)
    evidence = tmp_path / "证据材料.pdf"
    evidence.write_bytes(PDF)

    page = new_page()
    page.goto("/notices/")
    page.click(f'a[href="/notices/{notice.pk}/"]')
    listed = [t.strip() for t in page.locator("td.org").all_text_contents()]
    assert sorted(listed) == sorted(a.organization.name for a in apps)
    assert "公示期" in page.text_content("#notice-period")

    page.click("#lodge-objection")
    page.select_option("#id_entry", label=apps[1].organization.name)
    page.fill("#id_facts", "该企业近三年发生过重大质量事故。")
    page.fill("#id_reasons", "不符合申报条件。")
    page.set_input_files("#id_evidence", str(evidence))
    page.fill("#id_contact_name", "陈女士")
    page.fill("#id_contact", "chen@example.cn")
    page.click("#objection-form button[type=submit]")

    receipt = page.text_content("#receipt-number").strip()
    secret = page.text_content("#receipt-secret").strip()
    objection = Objection.objects.get(receipt=receipt)
    assert objection.entry.application_id == apps[1].pk
    assert [e.name for e in objection.evidence.all()] == ["证据材料.pdf"]

    page.goto("/notices/objection-status/")
    page.fill("#id_receipt", receipt)
    page.fill("#id_secret", secret)
    page.click("form.form button[type=submit]")
    assert page.text_content("#objection-status .finding").strip() == "核查中"
