"""Building blocks for the notices tests: a program with its notice stages, a round at the stage
with applications on the list, a published notice, little real files."""

import datetime

from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from applications.enums import ApplicationState, NoticeStage, RoundPhase
from applications.models import ProgramNoticeStage
from applications.services import system_office_user
from notices.publication import notice_publish
from tests.applications.factories import make_application, make_org, make_program, make_round, make_tier

S = ApplicationState
PDF = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
       b"trailer<</Root 1 0 R>>\n%%EOF\n")


def pdf_upload(name="证据.pdf"):
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def noticed_program(*, days=5, verification_days=None, stages=(NoticeStage.PROPOSED_WINNERS,)):
    program = make_program(objection_verification_days=verification_days)
    for stage in stages:
        ProgramNoticeStage.objects.create(program=program, stage=stage, working_days=days)
    return program


def round_with_proposed(program=None, *, n=2, phase=RoundPhase.PUBLIC_NOTICE):
    """A round past its deadline in `phase`, with `n` applications proposed for a tier."""
    program = program or noticed_program()
    tier = make_tier(program, quota=10)
    rnd = make_round(program, phase=phase, deadline=timezone.now() - datetime.timedelta(days=200))
    apps = [make_application(rnd, make_org(), state=S.PROPOSED, tier=tier) for _ in range(n)]
    return rnd, apps


def publish(rnd, stage=NoticeStage.PROPOSED_WINNERS, *, starts_on=None, actor=None):
    cache.clear()
    return notice_publish(round_id=rnd.pk, stage=stage, actor=actor or system_office_user(),
                          starts_on=starts_on, historical=starts_on is not None)
