from decimal import Decimal

import pytest
from django.utils import translation

from applications.size_class import (
    THRESHOLDS,
    Bounds,
    MissingIndicator,
    NotCovered,
    SizeClass,
    SizeIndustry,
    classify,
    industry_for_gbt4754,
    required_indicators,
)

L, M, S, MICRO = SizeClass.LARGE, SizeClass.MEDIUM, SizeClass.SMALL, SizeClass.MICRO

# The official table (docs/domain.md, Enterprise size classes), written out again independently
# of the module.
OFFICIAL = {
    "agriculture": {"revenue": (20000, 500, 50)},
    "industry": {"employees": (1000, 300, 20), "revenue": (40000, 2000, 300)},
    "construction": {"revenue": (80000, 6000, 300), "assets": (80000, 5000, 300)},
    "wholesale": {"employees": (200, 20, 5), "revenue": (40000, 5000, 1000)},
    "retail": {"employees": (300, 50, 10), "revenue": (20000, 500, 100)},
    "transport": {"employees": (1000, 300, 20), "revenue": (30000, 3000, 200)},
    "warehousing": {"employees": (200, 100, 20), "revenue": (30000, 1000, 100)},
    "postal": {"employees": (1000, 300, 20), "revenue": (30000, 2000, 100)},
    "accommodation": {"employees": (300, 100, 10), "revenue": (10000, 2000, 100)},
    "catering": {"employees": (300, 100, 10), "revenue": (10000, 2000, 100)},
    "information_transmission": {"employees": (2000, 100, 10), "revenue": (100000, 1000, 100)},
    "software_it": {"employees": (300, 100, 10), "revenue": (10000, 1000, 50)},
    "real_estate_development": {"revenue": (200000, 1000, 100), "assets": (10000, 5000, 2000)},
    "property_management": {"employees": (1000, 300, 100), "revenue": (5000, 1000, 500)},
    "leasing_business": {"employees": (300, 100, 10), "assets": (120000, 8000, 100)},
    "other": {"employees": (300, 100, 10)},
}


def large_values(industry):
    return {name: bounds.large for name, bounds in THRESHOLDS[SizeIndustry(industry)].items()}


def test_choices():
    assert [c.value for c in SizeClass] == ["large", "medium", "small", "micro"]
    with translation.override("en"):
        assert [str(c.label) for c in SizeClass] == ["Large", "Medium", "Small", "Micro"]
    assert {c.value for c in SizeIndustry} == set(OFFICIAL)
    assert len(SizeIndustry.choices) == 16


def test_thresholds_match_the_official_table():
    assert set(THRESHOLDS) == set(SizeIndustry)
    for industry, indicators in OFFICIAL.items():
        table = THRESHOLDS[SizeIndustry(industry)]
        assert {k: tuple(v) for k, v in table.items()} == indicators, industry
        for bounds in table.values():
            assert isinstance(bounds, Bounds)
            assert bounds.large > bounds.medium > bounds.small > 0


BOUNDARY_CASES = [
    (industry, indicator, tier)
    for industry, indicators in OFFICIAL.items()
    for indicator in indicators
    for tier in range(3)
]


@pytest.mark.parametrize("industry,indicator,tier", BOUNDARY_CASES)
def test_boundaries(industry, indicator, tier):
    """Exactly at a lower bound -> that tier; just below it -> the next tier down.
    The other indicator is held at the large bound so only this one decides."""
    bound = OFFICIAL[industry][indicator][tier]
    tiers = [L, M, S, MICRO]
    values = large_values(industry)

    values[indicator] = bound
    assert classify(industry, **values) == tiers[tier]
    values[indicator] = Decimal(bound)
    assert classify(industry, **values) == tiers[tier]

    below = bound - 1 if indicator == "employees" else Decimal(bound) - Decimal("0.01")
    values[indicator] = below
    assert classify(industry, **values) == tiers[tier + 1]
    values[indicator] = float(below)
    assert classify(industry, **values) == tiers[tier + 1]


def test_all_indicators_must_be_met_otherwise_drop_a_tier():
    # NBS example: industry needs both X >= 1000 and Y >= 40000 to be large
    assert classify("industry", employees=1000, revenue=40000) == L
    assert classify("industry", employees=1000, revenue=39999) == M
    assert classify("industry", employees=999, revenue=10**6) == M
    # drops further until all bounds are met
    assert classify("industry", employees=5000, revenue=1999) == S
    assert classify("industry", employees=299, revenue=10**6) == S
    assert classify("construction", revenue=100000, assets=5000) == M
    assert classify("construction", revenue=100000, assets=4999.99) == S
    assert classify("real_estate_development", revenue=300000, assets=9999) == M
    assert classify("wholesale", employees=19, revenue=50000) == S


def test_micro_when_only_one_indicator_is_under_the_small_bound():
    assert classify("industry", employees=19, revenue=10**6) == MICRO
    assert classify("industry", employees=5000, revenue=299) == MICRO
    assert classify("retail", employees=1000, revenue=Decimal("99.99")) == MICRO
    assert classify("leasing_business", employees=9, assets=10**6) == MICRO
    assert classify("industry", employees=0, revenue=0) == MICRO


def test_single_indicator_industries():
    assert classify("agriculture", revenue=20000) == L
    assert classify("agriculture", revenue=49.99) == MICRO
    assert classify("other", employees=300) == L
    assert classify("other", employees=9) == MICRO


def test_domain_test_case():
    assert classify(SizeIndustry.SOFTWARE_IT, employees=103, revenue=Decimal("15735.28")) == M
    assert classify("software_it", employees=103, revenue=15735.28) == M
    assert classify("software_it", employees=103, revenue="15735.28") == M


def test_unused_indicators_are_ignored():
    assert classify("agriculture", employees=1, revenue=30000, assets=0) == L
    assert classify("other", employees=150, revenue=0) == M


@pytest.mark.parametrize("industry,kwargs,missing", [
    ("industry", {"employees": 500}, "revenue"),
    ("industry", {"revenue": 500}, "employees"),
    ("construction", {"revenue": 500}, "assets"),
    ("agriculture", {"employees": 500, "assets": 1}, "revenue"),
    ("other", {"revenue": 500}, "employees"),
    ("leasing_business", {"employees": 500, "revenue": 1}, "assets"),
])
def test_missing_indicator(industry, kwargs, missing):
    with pytest.raises(MissingIndicator) as info:
        classify(industry, **kwargs)
    err = info.value
    assert isinstance(err, ValueError)
    assert err.indicator == missing
    assert missing in str(err)


def test_missing_indicator_message_is_readable():
    with translation.override("en"), pytest.raises(ValueError) as info:
        classify("software_it", employees=103)
    assert str(info.value) == (
        "Classifying a Software and information technology services enterprise needs the "
        "operating revenue in 10,000 yuan (营业收入, 万元) (revenue)."
    )


@pytest.mark.parametrize("value", [-1, "abc", float("nan"), float("inf"), True, [1]])
def test_bad_values(value):
    with pytest.raises(ValueError):
        classify("other", employees=value)


def test_unknown_industry():
    with pytest.raises(ValueError):
        classify("banking", employees=10)


def test_required_indicators():
    assert required_indicators("industry") == ("employees", "revenue")
    assert required_indicators(SizeIndustry.CONSTRUCTION) == ("revenue", "assets")
    assert required_indicators("other") == ("employees",)


I = SizeIndustry  # noqa: E741


@pytest.mark.parametrize("section,division,expected", [
    ("A", None, I.AGRICULTURE),
    ("A", "01", I.AGRICULTURE),
    ("B", None, I.INDUSTRY),
    ("C", "39", I.INDUSTRY),
    ("c", None, I.INDUSTRY),
    ("D", "44", I.INDUSTRY),
    ("E", None, I.CONSTRUCTION),
    ("F", "51", I.WHOLESALE),
    ("F", "5132", I.WHOLESALE),
    ("F", "52", I.RETAIL),
    ("F", "521", I.RETAIL),
    ("G", None, I.TRANSPORT),
    ("G", "54", I.TRANSPORT),
    ("G", "58", I.TRANSPORT),
    ("G", "59", I.WAREHOUSING),
    ("G", "60", I.POSTAL),
    ("H", "61", I.ACCOMMODATION),
    ("H", "62", I.CATERING),
    ("I", "63", I.INFORMATION_TRANSMISSION),
    ("I", "64", I.INFORMATION_TRANSMISSION),
    ("I", "65", I.SOFTWARE_IT),
    ("I", "6510", I.SOFTWARE_IT),
    ("K", None, I.REAL_ESTATE_DEVELOPMENT),
    ("K", "70", I.REAL_ESTATE_DEVELOPMENT),
    ("K", "701", I.REAL_ESTATE_DEVELOPMENT),
    ("K", "7010", I.REAL_ESTATE_DEVELOPMENT),
    ("K", "702", I.PROPERTY_MANAGEMENT),
    ("K", "7020", I.PROPERTY_MANAGEMENT),
    ("K", "703", I.OTHER),
    ("K", "709", I.OTHER),
    ("L", None, I.LEASING_BUSINESS),
    ("L", "72", I.LEASING_BUSINESS),
    ("M", "73", I.OTHER),
    ("N", None, I.OTHER),
    ("O", None, I.OTHER),
    ("Q", "85", I.OTHER),
    ("R", None, I.OTHER),
])
def test_industry_for_gbt4754(section, division, expected):
    assert industry_for_gbt4754(section, division) == expected


@pytest.mark.parametrize("section,division", [
    ("F", None), ("H", None), ("I", None),       # division needed
    ("F", "61"), ("H", "51"), ("I", "66"), ("K", "71"), ("G", "61"),  # not in the section
    ("Z", None), ("", None), ("AB", None),        # unknown section
    ("C", "3a"), ("C", "1"), ("C", "12345"),      # malformed division
])
def test_industry_for_gbt4754_errors(section, division):
    with pytest.raises(ValueError):
        industry_for_gbt4754(section, division)


@pytest.mark.parametrize("section,division", [("J", None), ("J", "66"), ("G", "53"), ("K", "704")])
def test_industry_for_gbt4754_not_covered(section, division):
    with pytest.raises(NotCovered):
        industry_for_gbt4754(section, division)


def test_mapping_then_classify():
    industry = industry_for_gbt4754("I", "65")
    assert classify(industry, employees=103, revenue=Decimal("15735.28")) == M
