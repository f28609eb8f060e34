"""Fixtures shared by the big-data tests: the office user and the Beijing program loaded with
its screening rules and record sources."""

import pytest

from applications.models import AwardProgram

from .support import load_programs


@pytest.fixture
def office(make_user):
    return make_user(role="office")


@pytest.fixture
def beijing():
    load_programs()
    return AwardProgram.objects.get(code="beijing")
