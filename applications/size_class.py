"""Enterprise size classes: 统计上大中小微型企业划分办法(2017) (国统字〔2017〕213号).

Indicators: X = 从业人员 (``employees``, persons), Y = 营业收入 (``revenue``, 万元),
Z = 资产总额 (``assets``, 万元). Each industry lists one or two indicators with the lower
bounds of the large, medium and small tiers; "a-b" in the official table means a <= v < b.

Rule (NBS): 大型、中型和小型企业须同时满足所列指标的下限，否则下划一档；微型企业只须满足所列
指标中的一项即可. So an enterprise is placed in the highest tier whose lower bounds it meets on
*every* listed indicator, and it is micro as soon as one indicator is under the small bound.
Equivalently: the size class is the worst tier over the listed indicators.

Not covered by this rule: 金融业 (GB/T 4754 section J, see 《金融业企业划型标准规定》),
铁路运输业 (division 53, excluded from 交通运输业) and 自有房地产经营活动 (group 704);
`industry_for_gbt4754` raises `NotCovered` for them.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import NamedTuple

from django.db import models
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class SizeClass(models.TextChoices):
    LARGE = "large", pgettext_lazy("enterprise size", "Large")  # 大型
    MEDIUM = "medium", pgettext_lazy("enterprise size", "Medium")  # 中型
    SMALL = "small", pgettext_lazy("enterprise size", "Small")  # 小型
    MICRO = "micro", pgettext_lazy("enterprise size", "Micro")  # 微型


class SizeIndustry(models.TextChoices):
    AGRICULTURE = "agriculture", _("Agriculture, forestry, animal husbandry and fishery")  # 农、林、牧、渔业
    INDUSTRY = "industry", _("Industry (mining, manufacturing, utilities)")  # 工业
    CONSTRUCTION = "construction", _("Construction")  # 建筑业
    WHOLESALE = "wholesale", _("Wholesale")  # 批发业
    RETAIL = "retail", _("Retail")  # 零售业
    TRANSPORT = "transport", _("Transport (excluding railways)")  # 交通运输业
    WAREHOUSING = "warehousing", _("Warehousing")  # 仓储业
    POSTAL = "postal", _("Postal services")  # 邮政业
    ACCOMMODATION = "accommodation", _("Accommodation")  # 住宿业
    CATERING = "catering", _("Catering")  # 餐饮业
    INFORMATION_TRANSMISSION = "information_transmission", _("Information transmission")  # 信息传输业
    SOFTWARE_IT = "software_it", _("Software and information technology services")  # 软件和信息技术服务业
    REAL_ESTATE_DEVELOPMENT = "real_estate_development", _("Real estate development")  # 房地产开发经营
    PROPERTY_MANAGEMENT = "property_management", _("Property management")  # 物业管理
    LEASING_BUSINESS = "leasing_business", _("Leasing and business services")  # 租赁和商务服务业
    OTHER = "other", _("Other industries not listed")  # 其他未列明行业


EMPLOYEES = "employees"  # X 从业人员 (persons)
REVENUE = "revenue"  # Y 营业收入 (万元)
ASSETS = "assets"  # Z 资产总额 (万元)

INDICATOR_LABELS = {
    EMPLOYEES: _("number of employees (从业人员)"),
    REVENUE: _("operating revenue in 10,000 yuan (营业收入, 万元)"),
    ASSETS: _("total assets in 10,000 yuan (资产总额, 万元)"),
}


class Bounds(NamedTuple):
    """Lower bounds (inclusive) of the large, medium and small tiers; below `small` is micro."""

    large: int
    medium: int
    small: int


# Transcribed from the official table (docs/domain.md, Enterprise size classes). Order of
# indicators follows the table.
THRESHOLDS: dict[SizeIndustry, dict[str, Bounds]] = {
    SizeIndustry.AGRICULTURE: {
        REVENUE: Bounds(20000, 500, 50),
    },
    SizeIndustry.INDUSTRY: {
        EMPLOYEES: Bounds(1000, 300, 20),
        REVENUE: Bounds(40000, 2000, 300),
    },
    SizeIndustry.CONSTRUCTION: {
        REVENUE: Bounds(80000, 6000, 300),
        ASSETS: Bounds(80000, 5000, 300),
    },
    SizeIndustry.WHOLESALE: {
        EMPLOYEES: Bounds(200, 20, 5),
        REVENUE: Bounds(40000, 5000, 1000),
    },
    SizeIndustry.RETAIL: {
        EMPLOYEES: Bounds(300, 50, 10),
        REVENUE: Bounds(20000, 500, 100),
    },
    SizeIndustry.TRANSPORT: {
        EMPLOYEES: Bounds(1000, 300, 20),
        REVENUE: Bounds(30000, 3000, 200),
    },
    SizeIndustry.WAREHOUSING: {
        EMPLOYEES: Bounds(200, 100, 20),
        REVENUE: Bounds(30000, 1000, 100),
    },
    SizeIndustry.POSTAL: {
        EMPLOYEES: Bounds(1000, 300, 20),
        REVENUE: Bounds(30000, 2000, 100),
    },
    SizeIndustry.ACCOMMODATION: {
        EMPLOYEES: Bounds(300, 100, 10),
        REVENUE: Bounds(10000, 2000, 100),
    },
    SizeIndustry.CATERING: {
        EMPLOYEES: Bounds(300, 100, 10),
        REVENUE: Bounds(10000, 2000, 100),
    },
    SizeIndustry.INFORMATION_TRANSMISSION: {
        EMPLOYEES: Bounds(2000, 100, 10),
        REVENUE: Bounds(100000, 1000, 100),
    },
    SizeIndustry.SOFTWARE_IT: {
        EMPLOYEES: Bounds(300, 100, 10),
        REVENUE: Bounds(10000, 1000, 50),
    },
    SizeIndustry.REAL_ESTATE_DEVELOPMENT: {
        REVENUE: Bounds(200000, 1000, 100),
        ASSETS: Bounds(10000, 5000, 2000),
    },
    SizeIndustry.PROPERTY_MANAGEMENT: {
        EMPLOYEES: Bounds(1000, 300, 100),
        REVENUE: Bounds(5000, 1000, 500),
    },
    SizeIndustry.LEASING_BUSINESS: {
        EMPLOYEES: Bounds(300, 100, 10),
        ASSETS: Bounds(120000, 8000, 100),
    },
    SizeIndustry.OTHER: {
        EMPLOYEES: Bounds(300, 100, 10),
    },
}

_TIERS = (SizeClass.LARGE, SizeClass.MEDIUM, SizeClass.SMALL, SizeClass.MICRO)


class MissingIndicator(ValueError):
    """An indicator the industry's rule needs was not given. ``indicator`` names it."""

    def __init__(self, industry: SizeIndustry, indicator: str):
        self.industry = industry
        self.indicator = indicator
        super().__init__(
            _t("Classifying a %(industry)s enterprise needs the %(indicator)s (%(name)s).")
            % {"industry": industry.label, "indicator": INDICATOR_LABELS[indicator], "name": indicator}
        )


class NotCovered(ValueError):
    """The GB/T 4754 industry is outside the 2017 size-classification rule."""


def required_indicators(industry: SizeIndustry | str) -> tuple[str, ...]:
    """The indicator names ("employees", "revenue", "assets") the industry's rule uses."""
    return tuple(THRESHOLDS[SizeIndustry(industry)])


def _as_decimal(name: str, value) -> Decimal:
    if isinstance(value, bool):
        raise ValueError(f"{name} must be a number, not {value!r}")
    try:
        number = value if isinstance(value, Decimal) else Decimal(str(value))
    except (InvalidOperation, ValueError, TypeError):
        raise ValueError(f"{name} must be a number, not {value!r}") from None
    if not number.is_finite():
        raise ValueError(f"{name} must be a finite number, not {value!r}")
    if number < 0:
        raise ValueError(f"{name} cannot be negative ({value!r})")
    return number


def _tier(value: Decimal, bounds: Bounds) -> int:
    """0 large, 1 medium, 2 small, 3 micro."""
    if value >= bounds.large:
        return 0
    if value >= bounds.medium:
        return 1
    if value >= bounds.small:
        return 2
    return 3


def classify(industry: SizeIndustry | str, *, employees=None, revenue=None, assets=None) -> SizeClass:
    """Size class under the 2017 rule.

    ``revenue`` and ``assets`` are in 万元 (10,000 yuan). Values may be int, float, Decimal or
    a numeric string. Indicators the industry does not use are ignored. A missing indicator
    the industry needs raises `MissingIndicator` (a ValueError) naming it.
    """
    try:
        industry = SizeIndustry(industry)
    except ValueError:
        raise ValueError(f"unknown size-classification industry {industry!r}") from None
    given = {EMPLOYEES: employees, REVENUE: revenue, ASSETS: assets}
    worst = 0
    for indicator, bounds in THRESHOLDS[industry].items():
        raw = given[indicator]
        if raw is None:
            raise MissingIndicator(industry, indicator)
        worst = max(worst, _tier(_as_decimal(indicator, raw), bounds))
    return _TIERS[worst]


def industry_for_gbt4754(section: str, division: str | None = None) -> SizeIndustry:
    """Map a GB/T 4754-2017 section letter (and, where needed, a division code) to the industry
    group of the 2017 size rule.

    ``division`` is the 2-digit division, or a longer group/class code starting with it
    ("52", "521", "7020"); only its first 2 digits matter, except in K where the group decides.

    * A -> agriculture; B, C, D -> industry; E -> construction
    * F (division required): 51 wholesale, 52 retail
    * G: transport, except 59 warehousing and 60 postal; 53 railways -> `NotCovered`
    * H (division required): 61 accommodation, 62 catering
    * I (division required): 63, 64 information_transmission; 65 software_it
    * J (finance) -> `NotCovered` (《金融业企业划型标准规定》 applies)
    * K: group 702 -> property_management; 703, 709 -> other; 704 (自有房地产经营活动, excluded
      by the rule's note on 其他未列明行业) -> `NotCovered`; otherwise (70, 701, 7010, or no
      division) -> real_estate_development
    * L -> leasing_business
    * every other section (M, N, O, P, Q, R, S, T) -> other. Simplification: the rule's scope
      names M, N, O, R and Q85 社会工作; P, Q84 卫生, S and T are not named, but an enterprise
      there is best treated as "other" rather than refused.
    """
    sec = (section or "").strip().upper()
    if len(sec) != 1 or not ("A" <= sec <= "T"):
        raise ValueError(f"unknown GB/T 4754 section {section!r}")
    code = (division or "").strip()
    if code and not (code.isascii() and code.isdigit() and 2 <= len(code) <= 4):
        raise ValueError(f"GB/T 4754 division must be 2-4 digits, got {division!r}")
    div = code[:2]

    def by_division(table: dict[str, SizeIndustry]) -> SizeIndustry:
        if not div:
            raise ValueError(f"GB/T 4754 section {sec} needs a division ({', '.join(table)})")
        if div not in table:
            raise ValueError(f"division {div} is not in GB/T 4754 section {sec} ({', '.join(table)})")
        return table[div]

    if sec == "A":
        return SizeIndustry.AGRICULTURE
    if sec in "BCD":
        return SizeIndustry.INDUSTRY
    if sec == "E":
        return SizeIndustry.CONSTRUCTION
    if sec == "F":
        return by_division({"51": SizeIndustry.WHOLESALE, "52": SizeIndustry.RETAIL})
    if sec == "G":
        if div == "53":
            raise NotCovered("railway transport (GB/T 4754 division 53) is excluded from the 2017 size rule")
        if div and div not in ("53", "54", "55", "56", "57", "58", "59", "60"):
            raise ValueError(f"division {div} is not in GB/T 4754 section G (53-60)")
        return {"59": SizeIndustry.WAREHOUSING, "60": SizeIndustry.POSTAL}.get(div, SizeIndustry.TRANSPORT)
    if sec == "H":
        return by_division({"61": SizeIndustry.ACCOMMODATION, "62": SizeIndustry.CATERING})
    if sec == "I":
        return by_division({
            "63": SizeIndustry.INFORMATION_TRANSMISSION,
            "64": SizeIndustry.INFORMATION_TRANSMISSION,
            "65": SizeIndustry.SOFTWARE_IT,
        })
    if sec == "J":
        raise NotCovered("finance (GB/T 4754 section J) uses 《金融业企业划型标准规定》, not the 2017 size rule")
    if sec == "K":
        if div and div != "70":
            raise ValueError(f"division {div} is not in GB/T 4754 section K (70)")
        group = code[:3]
        if group == "702":
            return SizeIndustry.PROPERTY_MANAGEMENT
        if group == "704":
            raise NotCovered("自有房地产经营活动 (GB/T 4754 group 704) is excluded from the 2017 size rule")
        if group in ("703", "709"):
            return SizeIndustry.OTHER
        return SizeIndustry.REAL_ESTATE_DEVELOPMENT
    if sec == "L":
        return SizeIndustry.LEASING_BUSINESS
    return SizeIndustry.OTHER
