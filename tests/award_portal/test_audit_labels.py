"""The audit trail page names actions and roles in the reader's language (award_portal/audit.py)."""

import re
from pathlib import Path

import pytest
from django.utils import translation

from award_portal.audit import ACTION_LABELS, action_label, audit_record, role_label
from award_portal.roles import Role

ROOT = Path(__file__).resolve().parents[2]


def test_every_literal_action_code_has_a_label():
    codes = set()
    for app in ("award_portal", "applications", "bigdata", "review", "monitoring"):
        for path in (ROOT / app).rglob("*.py"):
            codes |= set(re.findall(r'action="([a-z_]+\.[a-z_.]+)"', path.read_text(encoding="utf-8")))
    assert sorted(codes - set(ACTION_LABELS)) == []


def test_labels_are_translated_with_a_fallback():
    with translation.override("zh-hans"):
        assert action_label("eligibility.evaluate") == "评估资格条件"
        assert role_label(Role.OFFICE) == "评审办"
        assert role_label("system") == "系统"
        assert action_label("unknown.code") == "unknown.code"
    with translation.override("en"):
        assert action_label("eligibility.evaluate") == "Evaluated the eligibility rules"


@pytest.mark.django_db
def test_audit_page_shows_names_not_codes(client, make_user):
    office = make_user(role=Role.OFFICE)
    audit_record(action="eligibility.evaluate", actor=office, object_repr="测试组织",
                 before={"state": "submitted"}, after={"state": "recommended"})
    client.force_login(office)

    page = client.get("/audit/", {"q": "测试组织"}).content.decode()

    assert "评估资格条件" in page and "评审办" in page
    assert ">eligibility.evaluate<" not in page
    assert "{&#x27;state&#x27;" not in page and "submitted → recommended" in page
