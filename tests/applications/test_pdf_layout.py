"""The application PDF reads well (issue 11): table rows are never split across pages, the
signer's IP address is labelled as one, and no text is wrapped in brackets inside brackets even
when what the applicant typed (a position, a file name, a description) holds brackets itself."""

import io
import re

import pytest
from pypdf import PdfReader

from applications import drafts
from applications.pdf import application_pdf_bytes

from .support import complete_application, make_org, make_rep, open_round, pdf_upload

pytestmark = pytest.mark.django_db

TEMPLATE = "templates/applications/pdf/application.html"


def _nested_brackets(text: str) -> list[str]:
    """Every place where a bracket opens inside another (Chinese or Latin, mixed)."""
    found, depth = [], 0
    for i, char in enumerate(text):
        if char in "（(":
            depth += 1
            if depth >= 2:
                found.append(text[max(0, i - 40):i + 40])
        elif char in "）)":
            depth = max(0, depth - 1)
    return found


def _text(data: bytes) -> str:
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def test_rows_are_kept_together_across_pages():
    from django.conf import settings

    css = (settings.BASE_DIR / TEMPLATE).read_text(encoding="utf-8")
    rule = re.search(r"\btr\s*\{([^}]*)\}", css)
    assert rule and "page-break-inside: avoid" in rule.group(1) and "break-inside: avoid" in rule.group(1)


def test_pdf_labels_the_signers_ip_and_nests_no_brackets(make_user):
    org = make_org(name="北京括号（测试）精工有限公司")
    rep = make_rep(make_user, org)
    application = complete_application(open_round(), org, rep)
    drafts.commitment_sign(application_id=application.pk, actor=rep, signer_name="张三",
                           signer_title="总经理（法定代表人）", ip="203.0.113.7")
    drafts.attachment_add(application_id=application.pk, actor=rep, upload=pdf_upload("证书（2024年）.pdf"),
                          description="质量奖证书（复印件）")

    text = _text(application_pdf_bytes(application))
    compact = "".join(text.split())

    assert "总经理（法定代表人）" in compact and "证书（2024年）.pdf" in compact  # pypdf reads the CJK text
    assert "签署IP地址" in compact
    assert "203.0.113.7" in compact
    assert not re.search(r"(?<!IP)地址[:：]203", compact)  # not the bare "地址" (address) any more
    assert _nested_brackets(text) == []
