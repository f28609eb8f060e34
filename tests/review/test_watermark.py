"""Downloads reaching an expert carry their name and the time on every page, and are audited."""

import io
import shutil
import subprocess

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from pypdf import PdfReader

from applications.models import Attachment
from award_portal.audit import AuditEvent
from review.watermark import watermark_pdf, watermark_text
from tests.applications.support import pdf_bytes, pdf_from_objects, png_bytes

pytestmark = pytest.mark.django_db


def _attachment(application, name, data, content_type):
    from django.contrib.auth import get_user_model

    return Attachment.objects.create(application=application, file=ContentFile(data, name=name), original_name=name,
                                     content_type=content_type, size=len(data), sha256="0" * 64,
                                     uploaded_by=get_user_model().objects.first())


def _texts(data: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(data)).pages]


def test_application_pdf_is_watermarked_on_every_page_and_audited(client, review_objects, tmp_path):
    o = review_objects
    client.force_login(o.expert_a.user)
    response = client.get(reverse("review-application-pdf", args=[o.app_a.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment")
    assert "no-store" in response["Cache-Control"]
    texts = _texts(response.content)
    assert len(texts) >= 1
    assert all(o.expert_a.name in text for text in texts)
    event = AuditEvent.objects.filter(action="review.pdf_downloaded").latest("id")
    assert event.object_id == str(o.app_a.pk) and event.actor == o.expert_a.user
    if shutil.which("pdftoppm"):  # the first page renders (what a person looks at)
        path = tmp_path / "page.pdf"
        path.write_bytes(response.content)
        subprocess.run(["pdftoppm", "-png", "-r", "40", "-f", "1", "-l", "1", str(path), str(tmp_path / "p")],
                       check=True, timeout=60)
        assert list(tmp_path.glob("p*.png"))


def test_pdf_attachment_is_watermarked_other_files_served_as_they_are(client, review_objects):
    o = review_objects
    two_pages = pdf_from_objects([
        b"<</Type/Catalog/Pages 2 0 R>>",
        b"<</Type/Pages/Kids[3 0 R 4 0 R]/Count 2>>",
        b"<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]/Contents 5 0 R/Resources<</Font<</F1 6 0 R>>>>>>",
        b"<</Type/Page/Parent 2 0 R/MediaBox[0 0 842 595]/Rotate 90/Contents 5 0 R/Resources<</Font<</F1 6 0 R>>>>>>",
        b"<</Length 37>>stream\nBT /F1 12 Tf 72 500 Td (page) Tj ET\nendstream",
        b"<</Type/Font/Subtype/Type1/BaseFont/Helvetica>>",
    ])
    pdf_file = _attachment(o.app_a, "质量证书.pdf", two_pages, "application/pdf")
    png = png_bytes()
    image = _attachment(o.app_a, "photo.png", png, "image/png")
    client.force_login(o.expert_a.user)
    response = client.get(reverse("review-attachment-download", args=[o.app_a.pk, pdf_file.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    texts = _texts(response.content)
    assert len(texts) == 2 and all(o.expert_a.name in t for t in texts)
    event = AuditEvent.objects.filter(action="review.attachment_downloaded").latest("id")
    assert event.object_id == str(o.app_a.pk) and event.after["attachment"] == pdf_file.pk
    response = client.get(reverse("review-attachment-download", args=[o.app_a.pk, image.pk]))
    assert response.status_code == 200 and response.content == png
    assert response["Content-Disposition"].startswith("attachment")
    assert AuditEvent.objects.filter(action="review.attachment_downloaded").count() == 2


def test_watermark_keeps_the_original_text_and_adds_the_name():
    text = watermark_text("王五")
    out = watermark_pdf(pdf_bytes("original words"), text)
    page = _texts(out)[0]
    assert "original words" in page and "王五" in page
