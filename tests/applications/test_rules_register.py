"""The rules register: generated from what runs, so it names what is applied, what is left to the
office and what the portal does not handle yet, and it flags data that cites no article."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from applications.enums import Action
from applications.models import AwardProgram, ProgramArticle
from applications.program_fixtures import load_all_programs
from applications.rules_register import PROVIDERS, Measure, program_register, register_provider

from .factories import make_program, make_rule

pytestmark = pytest.mark.django_db


@pytest.fixture
def programs():
    return load_all_programs()


def test_every_shipped_program_has_a_consistent_register(programs):
    """A shipped rule that cites no article (or one missing from the catalogue) fails here, and so
    does an article the catalogue calls applied that nothing running cites."""
    for program in programs:
        register = program_register(program)
        assert register.rows, program.code
        assert [(m.kind, m.title, m.articles) for m in register.uncited] == [], program.code
        assert [r.article.key for r in register.unapplied] == [], program.code


def test_register_joins_rules_settings_transitions_and_providers():
    program = make_program(reapply_wait_editions=2)
    ProgramArticle.objects.create(program=program, key="x:art4", order=1, ref_zh="第四条", summary_zh="每两年一届",
                                  status="applied", settings=["reapply_wait_editions"])
    ProgramArticle.objects.create(program=program, key="x:art12", order=2, ref_zh="第十二条", summary_zh="申报条件",
                                  status="applied")
    ProgramArticle.objects.create(program=program, key="x:art24", order=3, ref_zh="第二十四条", summary_zh="弄虚作假",
                                  status="applied", transitions=["disqualify"])
    ProgramArticle.objects.create(program=program, key="x:art25", order=4, ref_zh="第二十五条", summary_zh="纪律",
                                  status="not_yet", note_zh="专家纪律尚未实现")
    make_rule(program, "legal_person", articles=["x:art12"])
    make_rule(program, "legal_person", description_zh="无出处的规则", articles=[])
    provider = lambda p: [Measure("筛查规则", "重大事故", "", ["x:art12", "x:missing"])]  # noqa: E731
    register_provider(provider)
    try:
        register = program_register(program)
    finally:
        PROVIDERS.remove(provider)

    rows = {r.article.key: [(m.title, m.detail) for m in r.measures] for r in register.rows}
    assert rows["x:art4"][0][1] == "2"
    assert [t for t, _ in rows["x:art12"]][1:] == ["重大事故"]
    assert rows["x:art24"][0][0] == str(Action.DISQUALIFY.label)
    assert [r.article.key for r in register.not_yet] == ["x:art25"]
    assert sorted(m.title for m in register.uncited) == ["无出处的规则", "重大事故"]
    assert register.unapplied == []


def test_article_marked_applied_with_nothing_behind_it_is_reported():
    program = make_program()
    ProgramArticle.objects.create(program=program, key="x:art9", ref_zh="第九条", summary_zh="…", status="applied")

    assert [r.article.key for r in program_register(program).unapplied] == ["x:art9"]


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_register_page_is_public_and_bilingual(client, programs, language):
    client.cookies["django_language"] = language
    for program in programs:
        with translation.override(language), CaptureQueriesContext(connection) as queries:
            response = client.get(reverse("program-register", args=[program.code]))
        assert response.status_code == 200
        body = response.content.decode()
        assert ("规则登记" in body) if language == "zh-hans" else ("Rules register" in body and "规则登记" not in body)
        for article in program.articles.all()[:3]:
            assert f'data-key="{article.key}"' in body
        assert len(queries) < 40, (program.code, len(queries))


def test_unknown_program_is_a_404(client):
    assert client.get(reverse("program-register", args=["nowhere"])).status_code == 404


def test_program_list_links_to_each_register(client, programs):
    body = client.get(reverse("programs")).content.decode()
    for program in AwardProgram.objects.all():
        assert reverse("program-register", args=[program.code]) in body
