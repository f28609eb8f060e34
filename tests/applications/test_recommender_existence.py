"""An authority recommends only for rounds held while it existed (applications/routing.py):
Beijing's November 2018 reform made the 经济和信息化委员会 (bj-jxw) the 经济和信息化局 (bj-jxj)."""

import datetime

import pytest
from django.utils import timezone

from applications.forms import BasicInfoForm
from applications.models import Recommender
from applications.routing import allowed_recommenders, recommender_refusal, round_date

from .support import make_org, open_round, program

pytestmark = pytest.mark.django_db

IN_2016 = datetime.date(2016, 6, 1)


def test_the_commission_recommends_in_2016_and_the_bureau_after_the_reform():
    beijing = program("beijing")
    org = make_org(region="110108")
    commission, bureau = Recommender.objects.get(code="bj-jxw"), Recommender.objects.get(code="bj-jxj")

    assert recommender_refusal(org, commission, beijing, on=IN_2016) is None
    assert "尚未设立或已撤销" in recommender_refusal(org, bureau, beijing, on=IN_2016)
    assert recommender_refusal(org, bureau, beijing) is None  # today
    assert "尚未设立或已撤销" in recommender_refusal(org, commission, beijing)

    in_2016 = set(allowed_recommenders(beijing, org, on=IN_2016).values_list("code", flat=True))
    today = set(allowed_recommenders(beijing, org).values_list("code", flat=True))
    assert "bj-jxw" in in_2016 and "bj-jxj" not in in_2016
    assert "bj-jxj" in today and "bj-jxw" not in today


def test_the_form_offers_the_authorities_of_the_rounds_day():
    beijing = program("beijing")
    org = make_org(region="110108")
    rnd = open_round()
    assert round_date(rnd) == timezone.localdate(rnd.application_deadline)
    offered = BasicInfoForm(program=beijing, organization=org, on=round_date(rnd)).fields["recommender"].queryset
    assert not offered.filter(code="bj-jxw").exists()
    old = BasicInfoForm(program=beijing, organization=org, on=IN_2016).fields["recommender"].queryset
    assert old.filter(code="bj-jxw").exists() and not old.filter(code="bj-jxj").exists()


def test_a_recommender_value_that_only_looks_numeric_is_refused_cleanly():
    """"²" passes str.isdigit() but is no id: the field refuses it as an invalid choice (a 500 before)."""
    from django.core.exceptions import ValidationError

    from applications.forms import RecommenderField

    beijing = program("beijing")
    field = RecommenderField(queryset=beijing.recommenders.all())
    field.program, field.organization = beijing, make_org()
    with pytest.raises(ValidationError):
        field.clean("²²")
