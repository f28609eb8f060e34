"""The rules register names what the cultivation app runs under the articles it applies."""

import pytest
from django.utils import translation

from applications.models import AwardProgram
from applications.program_fixtures import load_all_programs
from applications.rules_register import program_register

pytestmark = pytest.mark.django_db


def test_langfang_hangzhou_and_beijing_articles_cite_cultivation():
    load_all_programs()
    with translation.override("en"):
        def measures(code):
            register = program_register(AwardProgram.objects.get(code=code))
            return {r.article.key: {m.kind for m in r.measures} for r in register.rows}

        langfang, hangzhou, beijing = measures("langfang"), measures("hangzhou"), measures("beijing")
    assert "Cultivation campaign" in langfang["lf:2.1"]
    assert "Courses and on-site coaching" in langfang["lf:2.2"]
    assert "Cultivation grant" in hangzhou["hz2025:4.3"]
    assert "Courses and on-site coaching" in beijing["bj2016:training"]
