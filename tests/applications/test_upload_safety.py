"""Uploads that would harm the experts who open them: Office documents that are zip bombs
(too many parts, too many bytes unpacked, an impossible compression ratio, forged sizes) and
PDFs carrying JavaScript, launch actions, automatic actions or XFA forms. Refused through the
upload page with a message naming the problem, the draft untouched; real documents (including
the portal's own PDF and a PDF whose opening view is a page) accepted."""

import io
import os
import struct
import zipfile

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from pypdf import PdfWriter
from pypdf.generic import ArrayObject, DictionaryObject, NameObject, TextStringObject

from applications import drafts, uploads
from applications.pdf import application_pdf_bytes
from award_portal.audit import audit_events_for

from .support import docx_bytes, draft, english, make_org, make_rep, open_round, pdf_bytes, pdf_from_objects

pytestmark = pytest.mark.django_db

CONTENT_TYPES = ('<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
                 'package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/></Types>')


@pytest.fixture
def rep(make_user):
    return make_rep(make_user, make_org())


@pytest.fixture
def application(rep):
    """A draft of the 2026 Beijing round (20 MB per attachment) with one accepted PDF."""
    application = draft(open_round("beijing"), rep.organizations.get(), rep)
    drafts.attachment_add(application_id=application.pk, actor=rep,
                          upload=ContentFile(pdf_bytes(), name="质量手册.pdf"))
    return application


@pytest.fixture
def client_rep(client, rep):
    client.force_login(rep)
    return english(client)


def upload(client, application, name, content):
    response = client.post(reverse("attachment-upload", args=[application.pk]),
                           {"file": SimpleUploadedFile(name, content, "application/octet-stream")}, follow=True)
    return [str(m) for m in response.context["messages"]]


def stored(application):
    return (list(application.attachments.order_by("pk").values_list("original_name", flat=True)),
            audit_events_for(application).filter(action="attachment.upload").count())


# ------------------------------------------------------------------ Office documents

def ooxml(members: dict[str, bytes | int], *, kind="word") -> bytes:
    """A zip with an OOXML content-types part and `kind`'s directory; an int member is that
    many zero bytes, written in chunks (deflate packs them about 1,000 to 1)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        for name, content in {f"{kind}/document.xml": b"<w:document/>", **members}.items():
            if isinstance(content, int):
                with archive.open(name, "w") as stream:
                    for _ in range(content // (1 << 20)):
                        stream.write(bytes(1 << 20))
            else:
                archive.writestr(name, content)
    return out.getvalue()


def forge_sizes(data: bytes, member: str, declared: int) -> bytes:
    """The archive with `member`'s uncompressed size understated in both its headers."""
    data = bytearray(data)
    # (signature, offset of the uncompressed size, of the name's length, of the name)
    for signature, size_at, length_at, name_at in ((b"PK\x03\x04", 22, 26, 30), (b"PK\x01\x02", 24, 28, 46)):
        offset = data.find(signature)
        while offset != -1:
            name_length = struct.unpack_from("<H", data, offset + length_at)[0]
            if bytes(data[offset + name_at:offset + name_at + name_length]) == member.encode():
                struct.pack_into("<I", data, offset + size_at, declared)
            offset = data.find(signature, offset + 4)
    return bytes(data)


def test_a_real_word_document_is_accepted(client_rep, application):
    messages = upload(client_rep, application, "manual.docx", docx_bytes())

    assert messages == ["Uploaded."]
    assert stored(application) == (["质量手册.pdf", "manual.docx"], 2)


def test_a_zip_bomb_is_refused_by_its_compression_ratio(client_rep, application):
    before = stored(application)
    bomb = ooxml({"word/media/zeros.bin": 40 << 20})  # 40 MB of zeros in ~40 KB

    messages = upload(client_rep, application, "report.docx", bomb)

    assert len(bomb) < 200_000
    assert messages == ["“report.docx” was refused: it unpacks to more than 100 times its size, which no "
                        "real Office document does (a “zip bomb”). Save it again from Word, Excel or PowerPoint."]
    assert stored(application) == before


def test_a_bomb_hidden_among_incompressible_parts_is_refused_by_its_total_size(client_rep, application):
    before = stored(application)
    # 3 MB that does not compress keeps the overall ratio below 100; 300 MB of zeros beside it.
    bomb = ooxml({"xl/media/photo.jpg": os.urandom(3 << 20), "xl/media/zeros.bin": 300 << 20}, kind="xl")

    messages = upload(client_rep, application, "figures.xlsx", bomb)

    assert messages == ["“figures.xlsx” was refused: it would unpack to more than 256 MB, which no real "
                        "Office document does (a “zip bomb”). Save it again from Word, Excel or PowerPoint."]
    assert stored(application) == before


def test_an_archive_of_too_many_parts_is_refused(client_rep, application):
    before = stored(application)
    many = ooxml({f"word/media/p{i}.xml": b"<p/>" for i in range(5_001)})

    messages = upload(client_rep, application, "many.docx", many)

    assert messages == ["“many.docx” was refused: it has 5003 parts, at most 5000 are accepted, which no real "
                        "Office document does (a “zip bomb”). Save it again from Word, Excel or PowerPoint."]
    assert stored(application) == before


def test_an_archive_that_understates_a_size_is_refused_as_damaged(client_rep, application):
    before = stored(application)
    forged = forge_sizes(ooxml({"word/media/zeros.bin": 8 << 20}), "word/media/zeros.bin", 1_000)

    messages = upload(client_rep, application, "forged.docx", forged)

    assert messages == ["“forged.docx” is a damaged or unsupported Office document and was refused."]
    assert stored(application) == before


# ------------------------------------------------------------------ PDFs

def pypdf_document(build) -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    build(writer)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def action(kind: str, **entries) -> DictionaryObject:
    return DictionaryObject({NameObject("/S"): NameObject(kind),
                             **{NameObject(f"/{k}"): TextStringObject(v) for k, v in entries.items()}})


def set_open_action(value):
    def build(writer):
        writer._root_object[NameObject("/OpenAction")] = value
    return build


def add_document_javascript(writer, code="app.alert('x');"):
    """A document-level script: the catalog's /Names /JavaScript name tree."""
    tree = DictionaryObject({NameObject("/Names"): ArrayObject([TextStringObject("x"),
                                                                 action("/JavaScript", JS=code)])})
    writer._root_object[NameObject("/Names")] = DictionaryObject({NameObject("/JavaScript"): tree})


def set_page_additional_action(writer):
    writer.pages[0][NameObject("/AA")] = DictionaryObject({NameObject("/O"): action("/URI", URI="http://x.example")})


def raw_pdf(catalog: bytes) -> bytes:
    """A hand-written one-page PDF with this catalog (names may be #-escaped, as attackers do)."""
    return pdf_from_objects([catalog, b"<</Type/Pages/Kids[3 0 R]/Count 1>>",
                             b"<</Type/Page/Parent 2 0 R/MediaBox[0 0 612 792]>>"])


def refusal(name, what):
    return (f"“{name}” contains active content ({what}) that would run on the experts' computers, and was "
            "refused. Print it to PDF again without scripts or actions.")


ACTIVE_PDFS = [
    pytest.param(pypdf_document(add_document_javascript), "JavaScript", id="document-javascript"),
    pytest.param(pypdf_document(set_open_action(action("/JavaScript", JS="app.launchURL('x')"))), "JavaScript",
                 id="open-action-javascript"),
    pytest.param(pypdf_document(set_open_action(action("/Launch", F="cmd.exe"))), "an action that starts a program",
                 id="open-action-launch"),
    pytest.param(pypdf_document(set_page_additional_action), "automatic actions (/AA)", id="page-additional-action"),
    pytest.param(raw_pdf(b"<</Type/Catalog/Pages 2 0 R/OpenAction<</S/J#61vaScript/J#53(app.alert(1))>>>>"),
                 "JavaScript", id="escaped-names"),
    pytest.param(raw_pdf(b"<</Type/Catalog/Pages 2 0 R/AcroForm<</Fields[]/XFA 3 0 R>>>>"),
                 "an XFA form (may carry scripts)", id="xfa-form"),
    # No cross-reference table: pypdf cannot read it, a viewer repairs it; its names still count.
    pytest.param(b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R/OpenAction 3 0 R>>endobj\n"
                 b"3 0 obj<</S/JavaScript/JS(app.alert(1))>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n",
                 "JavaScript", id="damaged-with-javascript"),
]


@pytest.mark.parametrize(("content", "what"), ACTIVE_PDFS)
def test_a_pdf_with_active_content_is_refused(client_rep, application, content, what):
    before = stored(application)

    messages = upload(client_rep, application, "evidence.pdf", content)

    assert messages == [refusal("evidence.pdf", what)]
    assert stored(application) == before


def test_a_pdf_with_several_kinds_names_them_all():
    content = pypdf_document(lambda w: (add_document_javascript(w), set_open_action(action("/Launch", F="x"))(w)))

    with translation.override("en"), pytest.raises(uploads.ValidationError) as refused:
        uploads.check_upload(ContentFile(content, name="a.pdf"), max_bytes=1 << 20)

    assert "JavaScript" in refused.value.messages[0]
    assert "an action that starts a program" in refused.value.messages[0]


def test_a_password_protected_pdf_is_refused(client_rep, application):
    def encrypt(writer):
        writer.encrypt(user_password="secret", owner_password="owner", algorithm="RC4-128")

    messages = upload(client_rep, application, "locked.pdf", pypdf_document(encrypt))

    assert messages == ["“locked.pdf” is protected by a password, so it cannot be checked for scripts and was "
                        "refused. Upload it without the password."]


def test_a_damaged_pdf_without_active_content_is_accepted_as_viewers_repair_it(client_rep, application):
    damaged = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
               b"trailer<</Root 1 0 R>>\n%%EOF\n")  # what the demo data attaches

    assert upload(client_rep, application, "scan.pdf", damaged) == ["Uploaded."]


def test_a_pdf_opening_on_a_page_and_the_portals_own_pdf_are_accepted(client_rep, application):
    opening_view = raw_pdf(b"<</Type/Catalog/Pages 2 0 R/OpenAction[3 0 R/Fit]>>")
    own = application_pdf_bytes(application)

    assert uploads.pdf_active_content(uploads.PdfReader(io.BytesIO(own))) == set()
    assert upload(client_rep, application, "view.pdf", opening_view) == ["Uploaded."]
    assert upload(client_rep, application, "application.pdf", own) == ["Uploaded."]

    assert stored(application) == (["质量手册.pdf", "view.pdf", "application.pdf"], 3)


# ------------------------------------------------------------------ big-data Excel imports

def xlsx(header: list[str], rows: int, *, broken_tail=False, extra: dict | None = None) -> bytes:
    """An Excel workbook whose first sheet has `header` and `rows` generated rows (inline
    strings, written by hand so that large sheets are quick to make); `broken_tail` cuts the
    sheet's XML off in the middle of a row, as a reader going through the whole sheet finds."""
    from openpyxl import Workbook
    from openpyxl.utils import get_column_letter

    letters = [get_column_letter(i + 1) for i in range(len(header))]

    def row(number, values):
        cells = "".join(f'<c r="{col}{number}" t="inlineStr"><is><t>{v}</t></is></c>' for col, v in zip(letters, values, strict=False))
        return f'<row r="{number}">{cells}</row>'

    # The <dimension> element up front, as Excel writes it (without it openpyxl scans the whole
    # sheet for one before giving the first row).
    parts = ['<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="http://schemas.openxml'
             f'formats.org/spreadsheetml/2006/main"><dimension ref="A1:{letters[-1]}{rows + 1}"/><sheetData>',
             row(1, header)]
    parts += [row(n, [f"R{n}", "91110108MA01ABCD1X", f"测试公司{n}", "2023-05-10"][: len(header)])
              for n in range(2, rows + 2)]
    parts.append(f'<row r="{rows + 2}"><c r="A{rows + 2}" t="inlineStr"><is><t>cut off' if broken_tail
                 else "</sheetData></worksheet>")
    workbook = io.BytesIO()
    Workbook().save(workbook)
    out = io.BytesIO()
    with zipfile.ZipFile(workbook) as template, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for member in template.infolist():
            data = "".join(parts).encode() if member.filename == "xl/worksheets/sheet1.xml" else template.read(member)
            archive.writestr(member.filename, data)
        for name, size in (extra or {}).items():
            with archive.open(name, "w") as stream:
                for _ in range(size // (1 << 20)):
                    stream.write(bytes(1 << 20))
    return out.getvalue()


@pytest.fixture
def penalty_source():
    from tests.bigdata.support import load_programs, source

    load_programs()
    return source("gov-penalty")


def headers_of(src, *, without: str | None = None) -> list[str]:
    """The source's Chinese headers of the four required fields, one of them left out."""
    header_of = {field: header for header, field in src.column_mapping.items()}
    return [header_of[f] for f in ("source_record_id", "credit_code", "org_name", "occurred_on") if f != without]


def test_excel_import_missing_a_column_is_refused_from_its_header_alone(penalty_source):
    from bigdata.importer import import_file
    from bigdata.models import ImportBatch, PublicRecord

    # Past its header the sheet is broken: reading it all would fail instead of naming the column.
    data = xlsx(headers_of(penalty_source, without="org_name"), 5_000, broken_tail=True)
    missing = {f: h for h, f in penalty_source.column_mapping.items()}["org_name"]

    batch = import_file(source=penalty_source, data=data, file_name="处罚.xlsx")

    assert (batch.status, batch.message_code, batch.message_params) == (
        ImportBatch.Status.REFUSED, "missing_columns", {"columns": [missing]})
    assert PublicRecord.objects.count() == 0


def test_excel_import_with_its_columns_reads_the_whole_sheet(penalty_source):
    from bigdata.importer import import_file
    from bigdata.models import ImportBatch

    whole = import_file(source=penalty_source, data=xlsx(headers_of(penalty_source), 3), file_name="处罚.xlsx")
    broken = import_file(source=penalty_source, data=xlsx(headers_of(penalty_source), 5_000, broken_tail=True),
                         file_name="处罚.xlsx")

    assert (whole.rows_total, whole.encoding) == (3, "xlsx")
    assert (broken.status, broken.message_code) == (ImportBatch.Status.FAILED, "failed")


def test_excel_import_that_is_a_zip_bomb_is_refused_before_it_is_opened(penalty_source):
    from bigdata.importer import import_file
    from bigdata.models import ImportBatch

    data = xlsx(headers_of(penalty_source), 3, extra={"xl/media/zeros.bin": 64 << 20})

    batch = import_file(source=penalty_source, data=data, file_name="处罚.xlsx")

    assert len(data) < 200_000
    assert (batch.status, batch.message_code) == (ImportBatch.Status.REFUSED, "unparsable")
    assert batch.message_params["error"].startswith("zip bomb refused: 10 parts unpacking to 67")


# ------------------------------------------------------------------ the application's PDF

def pdf_text(data: bytes) -> str:
    return "".join("".join(page.extract_text().split()) for page in uploads.PdfReader(io.BytesIO(data)).pages)


def test_pdf_prints_the_validated_report_and_cuts_an_overlong_draft_text(application):
    from applications.forms import report_field_name, report_max_chars
    from applications.models import SelfAssessment

    first, second = application.round.program.criteria.categories.all()[:2]
    limit = report_max_chars(second)
    # A draft written before the limits existed (or around the form): ten times the limit.
    application.draft_data = {"report": {report_field_name(first): "草稿文本" * 100,
                                         report_field_name(second): "溢" * (limit * 10)}}
    application.save(update_fields=["draft_data"])
    SelfAssessment.objects.create(application=application, category=first, text="经过校验的领导章节")

    text = pdf_text(application_pdf_bytes(application))

    assert "经过校验的领导章节" in text and "草稿文本" not in text
    assert text.count("溢") == limit
    assert f"[超出{limit}字上限的{limit * 9}字未打印]" in text
