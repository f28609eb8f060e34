"""The round dashboard warns the office before a deadline needs a calendar year nobody entered."""

import datetime

import pytest
from django.urls import reverse

from award_portal.roles import Role

from .factories import make_program, make_round

pytestmark = pytest.mark.django_db


def test_dashboard_warns_of_a_year_without_a_calendar(client, make_user):
    rnd = make_round(make_program())
    rnd.award_ceremony_on = datetime.date(2031, 12, 1)  # the package's data ends long before
    rnd.save(update_fields=["award_ceremony_on"])
    client.force_login(make_user(Role.OFFICE))

    body = client.get(reverse("round-dashboard", args=[rnd.pk])).content.decode()

    assert "2031" in body and reverse("calendar-year-enter") in body


def test_no_warning_when_every_year_is_known(client, make_user):
    rnd = make_round(make_program())
    client.force_login(make_user(Role.SUPERVISOR))

    body = client.get(reverse("round-dashboard", args=[rnd.pk])).content.decode()

    assert "calendar-warnings" not in body
