"""Certificates: random codes, the PDF with its QR code, the public check (Chinese and English,
genuine or revoked, limited per client), and the decision PDF with the trail's head."""

import re
import subprocess

import pytest
from django.core.cache import cache
from django.test import override_settings
from django.urls import reverse

from applications.enums import ApplicationState
from award_portal.audit import AuditEvent
from award_portal.roles import Role
from awards import certificates as certificate_module
from awards.pdf import certificates_pdf, decision_pdf
from tests.applications.support import put_in_state
from tests.awards.support import approval_round, conferred, member

pytestmark = pytest.mark.django_db


@pytest.fixture
def issued(make_user):
    cache.clear()
    office = make_user(Role.OFFICE)
    o = approval_round(n_award=2, n_nomination=1)
    o.office = office
    o.decision, o.certificates = conferred(office, o)
    return o


def _text(pdf: bytes, tmp_path) -> str:
    path = tmp_path / "doc.pdf"
    path.write_bytes(pdf)
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True,
                          text=True).stdout


def test_codes_are_random_not_sequential(issued):
    codes = [c.code for c in issued.certificates]
    assert all(len(c) == 16 and set(c) <= set(certificate_module.ALPHABET) for c in codes)
    assert len(set(codes)) == len(codes)
    # Nothing about a code follows from the certificate's number or the other codes.
    assert not any(c.number.replace("-", "") in c.code for c in issued.certificates)
    assert len({c[:4] for c in codes}) == len(codes)


def test_certificate_pdf_prints_the_code_and_the_verification_address(issued, tmp_path):
    certificate = issued.certificates[0]
    text = _text(certificates_pdf([certificate]), tmp_path)
    assert certificate.organization_name in text and "荣誉证书" in re.sub(r"\s+", "", text)
    assert certificate.code_display in text
    assert reverse("awards-certificate-verify", args=[certificate.code]) in text
    assert certificate_module.qr_data_uri(certificate).startswith("data:image/svg+xml;base64,")


def test_decision_pdf_lists_winners_per_tier_and_prints_the_trail_head(issued, tmp_path):
    text = re.sub(r"\s+", "", _text(decision_pdf(issued.decision), tmp_path))
    assert issued.decision.document_number in text
    assert "质量管理奖（2个）" in text and "提名奖（1个）" in text
    assert issued.decision.audit_hash in text and f"第{issued.decision.audit_event_id}条" in text


def test_verify_page_confirms_a_genuine_certificate_in_chinese_and_english(client, issued):
    certificate = issued.certificates[0]
    url = reverse("awards-certificate-verify", args=[certificate.code])
    page = client.get(url).content.decode()
    assert 'data-verdict="genuine"' in page and "证书真实有效" in page
    assert certificate.organization_name in page and "质量管理奖" in page

    client.cookies["django_language"] = "en"
    page = client.get(url).content.decode()
    assert "This certificate is genuine." in page and "Quality Award" in page


def test_verify_accepts_the_code_as_printed(client, issued):
    certificate = issued.certificates[0]
    response = client.get(reverse("awards-verify"), {"code": certificate.code_display.lower()})
    assert response.status_code == 302
    assert response["Location"] == reverse("awards-certificate-verify", args=[certificate.code])


def test_verify_page_says_a_revoked_award_is_revoked(client, issued):
    certificate = issued.certificates[1]
    put_in_state(certificate.application, ApplicationState.REVOKED)
    client.cookies["django_language"] = "en"
    page = client.get(reverse("awards-certificate-verify", args=[certificate.code])).content.decode()
    assert 'data-verdict="revoked"' in page and "revoked" in page


def test_unknown_code_is_a_clear_404(client, issued):
    response = client.get(reverse("awards-certificate-verify", args=["ABCDEFGHJKLMNPQR"]))
    assert response.status_code == 404 and 'data-verdict="unknown"' in response.content.decode()


@override_settings(AWARDS_VERIFY_LIMIT=3)
def test_lookups_are_limited_per_client(client, issued):
    cache.clear()
    url = reverse("awards-certificate-verify", args=["ZZZZZZZZZZZZZZZZ"])
    assert [client.get(url).status_code for _ in range(3)] == [404, 404, 404]
    limited = client.get(reverse("awards-certificate-verify", args=[issued.certificates[0].code]))
    assert limited.status_code == 429
    other = client.get(url, REMOTE_ADDR="198.51.100.7")
    assert other.status_code == 404
    api = client.get(reverse("api-awards-certificate-verify", args=[issued.certificates[0].code]))
    assert api.status_code == 429


def test_api_verify_answers_without_login(client, issued):
    cache.clear()
    certificate = issued.certificates[0]
    data = client.get(reverse("api-awards-certificate-verify", args=[certificate.code])).json()
    assert data["status"] == "genuine" and data["number"] == certificate.number


def test_members_download_their_certificate_others_get_404(client, make_user, issued):
    certificate = issued.certificates[0]
    url = reverse("awards-certificate-pdf", args=[certificate.pk])
    client.force_login(member(make_user, certificate.application))
    response = client.get(url)
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    assert "no-store" in response["Cache-Control"]
    assert AuditEvent.objects.filter(action="awards.certificate_downloaded", object_id=str(certificate.pk)).exists()
    client.force_login(member(make_user, issued.certificates[1].application))
    assert client.get(url).status_code == 404


def test_the_decision_pdf_is_public(client, issued):
    response = client.get(reverse("awards-decision-pdf", args=[issued.decision.pk]))
    assert response.status_code == 200 and response.content.startswith(b"%PDF")


def test_the_application_page_shows_the_certificate_to_its_members(client, make_user, issued):
    certificate = issued.certificates[0]
    client.force_login(member(make_user, certificate.application))
    page = client.get(reverse("application-detail", args=[certificate.application_id])).content.decode()
    assert 'id="awards-panel"' in page and reverse("awards-certificate-pdf", args=[certificate.pk]) in page


def test_a_revoked_certificate_is_no_longer_downloaded_by_the_winner(client, make_user, issued):
    certificate = issued.certificates[0]
    holder = member(make_user, certificate.application)
    put_in_state(certificate.application, ApplicationState.REVOKED)
    client.force_login(holder)
    assert client.get(reverse("awards-certificate-pdf", args=[certificate.pk])).status_code == 404
    client.force_login(issued.office)
    assert client.get(reverse("awards-certificate-pdf", args=[certificate.pk])).status_code == 200
