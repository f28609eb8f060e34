"""How the portal writes amounts of money.

Amounts are stored in 万元 (fields ending in `_10k`: revenue, profit, tax, fines) or in yuan
(prize amounts). Both read the same on a page:

- Chinese pages: in 万元, with at most two decimals and no trailing zeros: ``1,234.5万元``;
- English pages: the full amount in yuan: ``CNY 12,345,000`` (never "10k yuan" arithmetic left to
  the reader).

    {% load portal_format %}
    {{ figures.revenue_10k|wan }}     a value stored in 万元
    {{ tier.prize_amount|yuan }}      a value stored in yuan

An empty value (None or "") shows as "—"; a value that is not a number is shown unchanged.
"""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django import template
from django.utils.translation import get_language

register = template.Library()

TEN_THOUSAND = Decimal(10000)
EMPTY = "—"


def _decimal(value):
    if value is None or value == "":
        return None
    try:
        number = Decimal(str(value).replace(",", "").strip())
    except (InvalidOperation, ValueError):
        return None
    return number if number.is_finite() else None


def _grouped(number: Decimal, places: int) -> str:
    """`number` with thousands separators and at most `places` decimals (trailing zeros cut)."""
    quantized = number.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    text = f"{quantized:,.{places}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def money_from_yuan(yuan: Decimal, language: str | None = None) -> str:
    if (language or get_language() or "zh-hans").startswith("zh"):
        return f"{_grouped(yuan / TEN_THOUSAND, 2)}万元"
    return f"CNY {_grouped(yuan, 2)}"


@register.filter
def wan(value):
    """A value stored in 万元, written for the page's language."""
    number = _decimal(value)
    if number is None:
        return EMPTY if value is None or value == "" else value
    return money_from_yuan(number * TEN_THOUSAND)


@register.filter
def yuan(value):
    """A value stored in yuan, written for the page's language."""
    number = _decimal(value)
    if number is None:
        return EMPTY if value is None or value == "" else value
    return money_from_yuan(number)
