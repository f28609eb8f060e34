"""Screening rules appear in the rules register under the articles they cite."""

import pytest

from applications.program_fixtures import load_all_programs
from applications.rules_register import program_register
from bigdata.models import ScreeningRule
from bigdata.program_data import load_all

pytestmark = pytest.mark.django_db


def test_every_screening_rule_is_in_its_programs_register():
    load_all_programs()
    for program in load_all():
        register = program_register(program)
        listed = {m.title for row in register.rows for m in row.measures}
        rules = ScreeningRule.objects.filter(program=program, active=True)
        assert rules.exists(), program.code
        assert {r.description for r in rules} <= listed, program.code
        assert [m.title for m in register.uncited] == [], program.code
