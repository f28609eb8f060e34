"""Evidence uploads: refused by content, size, emptiness, type and count with a clear message
through the upload page, never disturbing the draft; accepted for real documents, stored under
MEDIA_ROOT with a safe name; every download audited."""

import io
import zipfile
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from applications import drafts
from applications.models import Attachment
from applications.uploads import safe_name
from award_portal.audit import audit_events_for

from .support import (
    docx_bytes,
    draft,
    english,
    jpeg_bytes,
    make_org,
    make_rep,
    open_round,
    pdf_bytes,
    png_bytes,
)

pytestmark = pytest.mark.django_db

PDF_MIME = "application/pdf"
DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@pytest.fixture
def rnd():
    rnd = open_round("beijing")
    rnd.program.max_attachment_mb = 1
    rnd.program.max_attachments = 3
    rnd.program.save(update_fields=["max_attachment_mb", "max_attachments"])
    return rnd


@pytest.fixture
def rep(make_user):
    return make_rep(make_user, make_org())


@pytest.fixture
def application(rnd, rep):
    """A draft with a typed step and one accepted attachment, so refusals can be shown to keep both."""
    application = draft(rnd, rep.organizations.get(), rep)
    drafts.draft_save(application_id=application.pk, actor=rep, step="basic",
                      data={"address": "北京市海淀区测试路1号", "revenue_10k": "abc"}, version=1)
    drafts.attachment_add(application_id=application.pk, actor=rep,
                          upload=ContentFile(pdf_bytes(), name="质量手册.pdf"))
    application.refresh_from_db()
    return application


@pytest.fixture
def client_rep(client, rep):
    client.force_login(rep)
    return english(client)


def upload(client, application, name, content, *, mime="application/octet-stream", description=""):
    """Post one file to the upload view; return the messages shown after the redirect."""
    response = client.post(reverse("attachment-upload", args=[application.pk]),
                           {"file": SimpleUploadedFile(name, content, mime), "description": description},
                           follow=True)
    assert response.redirect_chain == [(reverse("application-edit", args=[application.pk, "attachments"]), 302)]
    return [str(m) for m in response.context["messages"]]


def state_of(application):
    application.refresh_from_db()
    return (application.draft_data, application.version,
            list(application.attachments.values_list("original_name", "sha256")),
            audit_events_for(application).filter(action="attachment.upload").count())


# ------------------------------------------------------------------ refusals

REFUSALS = [
    pytest.param("report.pdf", b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 200,
                 "“report.pdf” is not really a .pdf file (its content does not match its name) and was refused.",
                 id="exe-bytes-named-pdf"),
    pytest.param("scan.pdf", png_bytes(),
                 "“scan.pdf” is not really a .pdf file (its content does not match its name) and was refused.",
                 id="png-named-pdf"),
    pytest.param("photo.jpg", pdf_bytes(),
                 "“photo.jpg” is not really a .jpg file (its content does not match its name) and was refused.",
                 id="pdf-named-jpg"),
    pytest.param("manual.docx", b"PK\x03\x04 not really a zip",
                 "“manual.docx” is not really a .docx file (its content does not match its name) and was refused.",
                 id="broken-zip-named-docx"),
    pytest.param("setup.exe", b"MZ\x90\x00" + b"\x00" * 100,
                 "“setup.exe”: only PDF, PNG, JPEG and Office documents (Word, Excel, PowerPoint) are accepted.",
                 id="exe"),
    pytest.param("evidence.zip", docx_bytes(),
                 "“evidence.zip”: only PDF, PNG, JPEG and Office documents (Word, Excel, PowerPoint) are accepted.",
                 id="zip"),
    pytest.param("README", pdf_bytes(),
                 "“README”: only PDF, PNG, JPEG and Office documents (Word, Excel, PowerPoint) are accepted.",
                 id="no-extension"),
]


@pytest.mark.parametrize(("name", "content", "message"), REFUSALS)
def test_upload_refused_by_type_or_content_keeps_the_draft(client_rep, application, name, content, message):
    before = state_of(application)

    messages = upload(client_rep, application, name, content)

    assert messages == [message]
    assert state_of(application) == before


def test_oversized_upload_is_refused_with_the_limit(client_rep, application):
    before = state_of(application)
    content = pdf_bytes() + b"%" + b"0" * (1024 * 1024)  # just over the program's 1 MB

    messages = upload(client_rep, application, "年度报告.pdf", content)

    assert messages == ["“年度报告.pdf” is 1.0 MB; the limit is 1 MB."]
    assert state_of(application) == before


def test_empty_upload_is_refused_with_a_clear_message(client_rep, application):
    before = state_of(application)

    messages = upload(client_rep, application, "empty.pdf", b"")

    assert messages == ["The submitted file is empty."]
    assert state_of(application) == before


def test_empty_file_is_refused_by_the_service_too(application, rep):
    with translation.override("en"), pytest.raises(drafts.ValidationError) as caught:
        drafts.attachment_add(application_id=application.pk, actor=rep, upload=ContentFile(b"", name="empty.pdf"))

    with translation.override("en"):
        assert caught.value.messages == ["“empty.pdf” is empty."]


def test_upload_without_a_file_asks_for_one(client_rep, application):
    before = state_of(application)

    response = client_rep.post(reverse("attachment-upload", args=[application.pk]), {"description": "x"},
                               follow=True)

    assert [str(m) for m in response.context["messages"]] == ["Choose a file to upload."]
    assert state_of(application) == before


def test_count_limit(client_rep, application):
    assert upload(client_rep, application, "b.pdf", pdf_bytes()) == ["Uploaded."]
    assert upload(client_rep, application, "c.pdf", pdf_bytes()) == ["Uploaded."]
    before = state_of(application)

    messages = upload(client_rep, application, "d.pdf", pdf_bytes())

    assert messages == ["At most 3 attachments are allowed."]
    assert state_of(application) == before
    assert application.attachments.count() == 3


# ------------------------------------------------------------------ accepted files

ACCEPTED = [
    pytest.param("体系证书.pdf", pdf_bytes(), PDF_MIME, id="pdf"),
    pytest.param("现场照片.png", png_bytes(), "image/png", id="png"),
    pytest.param("车间.jpg", jpeg_bytes(), "image/jpeg", id="jpg"),
    pytest.param("车间.JPEG", jpeg_bytes(), "image/jpeg", id="jpeg-upper-case"),
    pytest.param("质量手册.docx", docx_bytes(), DOCX_MIME, id="docx"),
]


@pytest.mark.parametrize(("name", "content", "mime"), ACCEPTED)
def test_real_documents_are_accepted_and_stored_under_media_root(client_rep, application, rep, name, content,
                                                                 mime):
    import hashlib

    messages = upload(client_rep, application, name, content, description="证明材料")

    assert messages == ["Uploaded."]
    attachment = application.attachments.get(original_name=name)
    assert (attachment.kind, attachment.content_type, attachment.size, attachment.sha256,
            attachment.description, attachment.uploaded_by) == (
        Attachment.Kind.EVIDENCE, mime, len(content), hashlib.sha256(content).hexdigest(), "证明材料", rep)
    stored = Path(attachment.file.path).resolve()
    assert stored.is_relative_to(Path(settings.MEDIA_ROOT).resolve())
    assert not stored.is_relative_to(Path(settings.STATIC_ROOT).resolve())
    assert stored.parent.name == str(application.pk)
    assert stored.name != name  # stored under a random name, never the one the user chose
    assert stored.read_bytes() == content
    assert not attachment.file.url.startswith(settings.STATIC_URL) and not attachment.file.url.startswith(
        "/" + settings.STATIC_URL)
    event = audit_events_for(application).filter(action="attachment.upload").order_by("-id").first()
    assert event.after == {"attachment": attachment.pk, "name": name, "sha256": attachment.sha256}


def test_docx_is_checked_by_its_parts_not_its_name(client_rep, application):
    """A zip with word/ parts but no content-types list is not a Word document."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")

    messages = upload(client_rep, application, "fake.docx", out.getvalue())

    assert messages == ["“fake.docx” is not really a .docx file (its content does not match its name) and was refused."]


# ------------------------------------------------------------------ names

@pytest.mark.parametrize(("raw", "safe"), [
    ("../../etc/passwd.pdf", "passwd.pdf"),
    ("..\\..\\windows\\system32\\报告.pdf", "报告.pdf"),
    ("re\x00po\x07rt\x1b\u200e.pdf", "report.pdf"),
    ("a;b|c$d`e&f'g.pdf", "a_b_c_d_e_f_g.pdf"),
    ("  ..hidden.pdf. ", "hidden.pdf"),
    ("", "file"),
    ("x" * 300 + ".pdf", "x" * 146 + ".pdf"),
])
def test_safe_name(raw, safe):
    assert safe_name(raw) == safe


def test_path_and_control_characters_never_reach_the_stored_name(application, rep):
    for raw in ("../../etc/passwd.pdf", "年度\x07报告\x1b[31m.pdf"):
        drafts.attachment_add(application_id=application.pk, actor=rep, upload=ContentFile(pdf_bytes(), name=raw))

    names = list(application.attachments.order_by("id").values_list("original_name", flat=True))
    assert names == ["质量手册.pdf", "passwd.pdf", "年度报告[31m.pdf"]
    for attachment in application.attachments.all():
        assert Path(attachment.file.path).resolve().is_relative_to(Path(settings.MEDIA_ROOT).resolve())


def test_upload_view_sanitises_names(client_rep, application):
    assert upload(client_rep, application, "../../etc/passwd.pdf", pdf_bytes()) == ["Uploaded."]
    assert upload(client_rep, application, "年度\t报告.pdf", pdf_bytes()) == ["Uploaded."]

    names = set(application.attachments.values_list("original_name", flat=True))
    assert names == {"质量手册.pdf", "passwd.pdf", "年度报告.pdf"}


# ------------------------------------------------------------------ download and removal

def test_download_returns_the_file_and_writes_an_audit_event(client_rep, application, rep):
    attachment = application.attachments.get()

    response = client_rep.get(reverse("attachment-download", args=[attachment.pk]))

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == pdf_bytes()
    assert response["Content-Type"] == PDF_MIME
    assert response["Content-Disposition"].startswith("attachment;")
    event = audit_events_for(application).filter(action="attachment.download").get()
    assert (event.actor_id, event.after) == (rep.pk, {"attachment": attachment.pk, "name": "质量手册.pdf"})


def test_remove_deletes_the_row_and_the_file(client_rep, application):
    attachment = application.attachments.get()
    path = Path(attachment.file.path)

    response = client_rep.post(reverse("attachment-delete", args=[attachment.pk]))

    assert response.status_code == 302
    assert not application.attachments.exists()
    assert not path.exists()
    assert audit_events_for(application).filter(action="attachment.remove").get().before == {"name": "质量手册.pdf"}
