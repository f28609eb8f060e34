"""Building blocks for the application-form tests (form, attachments, access, recommendation,
registration): the shipped programs, rounds opened through the phase service, organisations,
the people acting for them, complete applications filled through the web form's services,
real little files, and a reader for the values a rendered form shows.

Plain functions with boring defaults; each test module wraps what it needs in fixtures.
"""

import datetime
import io
import itertools
import random
import struct
import zipfile
import zlib
from html.parser import HTMLParser

import pytest
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from applications import uscc
from applications.demo import demo_authority, fill_application
from applications.drafts import application_submit
from applications.enums import LegalForm, RoundPhase
from applications.models import Application, AwardProgram, Membership, Organization, Round
from applications.program_fixtures import load_all_programs
from applications.recommendation import recommendation_endorse
from applications.services import application_create, round_set_phase_for_demo
from award_portal.roles import Role

_seq = itertools.count(1)


def english(client):
    """Make `client` browse the portal in English, whatever the default language."""
    client.cookies["django_language"] = "en"
    return client


# ------------------------------------------------------------------ programs, rounds

def program(code: str = "beijing") -> AwardProgram:
    """One of the shipped programs (loaded from its JSON fixture on first use in a test)."""
    if not AwardProgram.objects.filter(code=code).exists():
        load_all_programs()
    return AwardProgram.objects.get(code=code)


def open_round(code: str = "beijing", *, deadline=None, **fields) -> Round:
    """A round of the program, walked to "applications open" through the audited phase service."""
    # The phase service acts as the system office user; a flushed (transactional) test database
    # no longer holds the groups of the data migration.
    Group.objects.get_or_create(name=str(Role.OFFICE))
    prog = program(code)
    n = next(_seq)
    deadline = deadline or timezone.now() + datetime.timedelta(days=60)
    rnd = Round.objects.create(program=prog, edition=600 + n, year=timezone.localtime(deadline).year,
                               name_zh=f"{prog.name_zh}（测试第{n}届）", name_en=f"{prog.name_en} (test {n})",
                               application_deadline=deadline, **fields)
    return round_set_phase_for_demo(rnd, RoundPhase.APPLICATIONS_OPEN)


def advance(rnd: Round, phase: str) -> Round:
    return round_set_phase_for_demo(Round.objects.get(pk=rnd.pk), phase)


def authority(prog: AwardProgram):
    """The recommending authority `fill_application` routes applications to."""
    return demo_authority(prog)


# ------------------------------------------------------------------ organisations and people

def make_org(*, region: str = "110108", registered_on=datetime.date(2010, 3, 1), name=None,
             **fields) -> Organization:
    """A manufacturer with a valid credit code and every profile field the form asks for."""
    n = next(_seq)
    org = Organization(**{
        "credit_code": uscc.generate(random.Random(f"support-org-{n}"), region=region),
        "name": name or f"测试精密制造{n}有限公司", "registered_on": registered_on,
        "legal_form": LegalForm.COMPANY, "address": f"测试路{n}号", "industry_section": "C",
        "industry_division": "3742", "employees": 600, "revenue_10k": 30000, "assets_10k": 40000,
        "muju_grade": "A", "muju_year": 2025, "excellence_model_since": datetime.date(2015, 1, 1),
        "contact_name": "质量部", "contact_phone": "010-60000000", "contact_email": "quality@example.cn",
        **fields})
    org.full_clean()
    org.save()
    return org


def make_rep(make_user, org, *, role=Membership.Role.ADMIN, **fields):
    """An applicant user acting for `org`."""
    n = next(_seq)
    fields.setdefault("email", f"rep{n}@example.cn")
    user = make_user(role="applicant", username=f"rep-{n}", **fields)
    Membership.objects.create(user=user, organization=org, role=role)
    return user


def make_recommender_user(make_user, prog, **fields):
    """A member of the authority `fill_application` routes Beijing applications to."""
    user = make_user(role="recommender", **fields)
    authority(prog).members.add(user)
    return user


# ------------------------------------------------------------------ applications

def draft(rnd, org, rep) -> Application:
    return application_create(round_id=rnd.pk, organization_id=org.pk, actor=rep)


def complete_application(rnd, org, rep) -> Application:
    """A draft with every step filled in, like an applicant would (the demo's own filler)."""
    application = draft(rnd, org, rep)
    fill_application(application, rep)
    application.refresh_from_db()
    return application


def submitted_application(rnd, org, rep) -> Application:
    application = complete_application(rnd, org, rep)
    application_submit(application_id=application.pk, actor=rep)
    application.refresh_from_db()
    return application


def recommended_application(rnd, org, rep, recommender) -> Application:
    application = submitted_application(rnd, org, rep)
    recommendation_endorse(application_id=application.pk, actor=recommender, opinion="同意推荐。",
                           stamped_form=pdf_upload("推荐表.pdf"))
    application.refresh_from_db()
    return application


def put_in_state(application, state) -> Application:
    """Test setup only: production code changes state through the transition service."""
    Application.objects.filter(pk=application.pk).update(state=state)
    application.refresh_from_db()
    return application


# ------------------------------------------------------------------ real little files

def pdf_bytes(text: str = "evidence") -> bytes:
    """A small, well-formed one-page PDF (cross-reference offsets computed)."""
    stream = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode()
    objects = [
        b"<</Type/Catalog/Pages 2 0 R>>",
        b"<</Type/Pages/Kids[3 0 R]/Count 1>>",
        b"<</Type/Page/Parent 2 0 R/MediaBox[0 0 612 792]/Contents 4 0 R/Resources<</Font<</F1 5 0 R>>>>>>",
        b"<</Length %d>>stream\n" % len(stream) + stream + b"\nendstream",
        b"<</Type/Font/Subtype/Type1/BaseFont/Helvetica>>",
    ]
    return pdf_from_objects(objects)


def pdf_from_objects(objects: list[bytes]) -> bytes:
    """A PDF of these numbered objects (1 is the catalog), cross-reference offsets computed."""
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(b"trailer<</Size %d/Root 1 0 R>>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref))
    return out.getvalue()


def png_bytes() -> bytes:
    """A valid 1×1 white PNG."""
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(b"\x00\xff\xff\xff")) + chunk(b"IEND", b""))


def jpeg_bytes() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (4, 4), "white").save(out, format="JPEG")
    return out.getvalue()


def docx_bytes() -> bytes:
    """The smallest Word document: its content-types list and its main part."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", (
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-'
            'officedocument.wordprocessingml.document.main+xml"/></Types>'))
        archive.writestr("word/document.xml", (
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
            '<w:body><w:p><w:r><w:t>质量手册</w:t></w:r></w:p></w:body></w:document>'))
    return out.getvalue()


def pdf_upload(name: str = "evidence.pdf", content: bytes | None = None) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content if content is not None else pdf_bytes(), "application/pdf")


# ------------------------------------------------------------------ reading a rendered form

class _FormValues(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.values: dict[str, str] = {}
        self._select = None
        self._textarea = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        name = attrs.get("name")
        if tag == "input" and name and attrs.get("type") not in ("submit", "button", "file"):
            if attrs.get("type") in ("radio", "checkbox"):
                if "checked" in attrs:
                    self.values[name] = attrs.get("value", "on")
            else:
                self.values[name] = attrs.get("value", "")
        elif tag == "select" and name:
            self._select = name
            self.values.setdefault(name, "")
        elif tag == "option" and self._select and "selected" in attrs:
            self.values[self._select] = attrs.get("value", "")
        elif tag == "textarea" and name:
            self._textarea = name
            self.values[name] = ""

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea" and self._textarea:
            # Browsers drop the newline that follows <textarea>, as Django's widget writes one.
            text = self.values[self._textarea]
            self.values[self._textarea] = text[1:] if text.startswith("\n") else text
            self._textarea = None

    def handle_data(self, data):
        if self._textarea:
            self.values[self._textarea] += data


def form_values(html: str) -> dict[str, str]:
    """What each named field of the page shows: input values, selected options, textarea text,
    checked radios."""
    parser = _FormValues()
    parser.feed(html)
    return parser.values


# ------------------------------------------------------------------ the table's own mechanics

#: Apps whose guards need their own records (a signed vote, a finished notice, an approval):
#: each tests its guards itself (tests/deliberation, tests/notices, tests/awards).
ROUND_END_APPS = ("deliberation.", "notices.", "awards.")


@pytest.fixture
def without_round_end_guards():
    """The transition table with only its own guards and those of the apps before the round's end,
    for tests of the table's mechanics (quotas, phases, races, states)."""
    from applications.workflow import TRANSITIONS

    removed = {}
    for action, transition in TRANSITIONS.items():
        ours = [g for g in transition.extra_guards if getattr(g, "__module__", "").startswith(ROUND_END_APPS)]
        for guard in ours:
            transition.extra_guards.remove(guard)
        removed[action] = ours
    yield
    for action, guards in removed.items():
        for guard in guards:
            if guard not in TRANSITIONS[action].extra_guards:
                TRANSITIONS[action].extra_guards.append(guard)
