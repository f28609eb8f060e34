"""统一社会信用代码 (unified social credit code), GB 32100-2015.

Layout of the 18 characters (1-based positions):

====== ============================================ =======================
1      登记管理部门码 (registration authority)          31-character set
2      机构类别码 (organisation category)               31-character set
3-8    登记管理机关行政区划码 (GB/T 2260 region code)    digits only
9-17   主体标识码 = 9-char 组织机构代码 (GB 11714);     31-character set
       position 17 is that code's own check character
18     校验码 (check character, ISO 7064 modulus 31)    31-character set
====== ============================================ =======================

The character set is ``0123456789ABCDEFGHJKLMNPQRTUWXY``: the letters I, O, S, V and Z are
never used. The check character is C18 = 31 - (sum(value(c_i) * 3^(i-1) mod 31) mod 31), where
31 becomes 0.

`validate` runs the format checks first (length, character set, region digits) and the check
digit last, so that a caller can tell a mistyped-looking code (``code == "check_digit"``) from a
malformed one. The review office may accept a code that fails only the check digit, with a
written reason: real registered anomalies exist (e.g. 91350203M0001QAY9B). A passing check
only shows the code is well-formed, not whom it belongs to.

The embedded GB 11714 organisation-code check (`gb11714_check_ok`) is an optional second
check; every real sample tested passes it, including new-style "MA…" identifiers.
"""

from __future__ import annotations

import random

from django.utils.translation import gettext_lazy as _

CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
VALUES = {c: i for i, c in enumerate(CHARSET)}
# W_i = 3^(i-1) mod 31, i = 1..17
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
LENGTH = 18
NEVER_USED_LETTERS = "IOSVZ"

# GB 11714 organisation code: positions 9-16 of the USCC, characters 0-9/A-Z valued 0-35.
GB11714_CHARSET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
GB11714_VALUES = {c: i for i, c in enumerate(GB11714_CHARSET)}
GB11714_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)

# Core table of 登记管理部门码 / 机构类别码 (GB 32100-2015). Extended department codes differ
# between sources, so an unknown code is reported as None and never rejected.
REGISTRATION_AUTHORITIES = {
    "1": "机构编制",
    "5": "民政",
    "9": "工商",  # now 市场监督管理
    "Y": "其他",
}
ORG_CATEGORIES = {
    "11": "机关",
    "12": "事业单位",
    "13": "中央编办直接管理机构编制的群众团体",
    "19": "其他",
    "51": "社会团体",
    "52": "民办非企业单位",
    "53": "基金会",
    "59": "其他",
    "91": "企业",
    "92": "个体工商户",
    "93": "农民专业合作社",
    "Y1": "其他",
}

_FULL_WIDTH_SPACE = "\u3000"


class CreditCodeError(ValueError):
    """A code that is not a well-formed unified social credit code.

    ``code`` is one of ``"length"``, ``"charset"``, ``"region"``, ``"check_digit"``.
    ``message`` is a lazy translatable string with ``%(name)s`` placeholders filled from
    ``params``; ``str(error)`` renders it in the active language. ``position`` (1-based) is
    set for charset errors; ``expected`` / ``actual`` for check-digit errors.
    """

    CODES = ("length", "charset", "region", "check_digit")

    def __init__(self, code: str, message, params: dict | None = None, *, position: int | None = None):
        if code not in self.CODES:
            raise ValueError(f"unknown CreditCodeError code {code!r}")
        self.code = code
        self.message = message
        self.params = params or {}
        self.position = position
        self.expected = self.params.get("expected")
        self.actual = self.params.get("actual")
        super().__init__(code, message, self.params)

    def __str__(self) -> str:
        text = str(self.message)
        return text % self.params if self.params else text

    def __repr__(self) -> str:
        return f"CreditCodeError(code={self.code!r}, message={str(self)!r})"


def normalize(raw: str) -> str:
    """Strip surrounding whitespace (incl. U+3000), convert full-width ASCII to half-width,
    upper-case. Inner characters are left alone so that validation can report them."""
    chars = []
    for ch in raw:
        o = ord(ch)
        if 0xFF01 <= o <= 0xFF5E:  # full-width ASCII block: Ａ -> A, ０ -> 0
            ch = chr(o - 0xFEE0)
        elif ch == _FULL_WIDTH_SPACE:
            ch = " "
        chars.append(ch)
    return "".join(chars).strip().upper()


def _mod31_check_value(first17: str) -> int:
    total = sum(VALUES[c] * w for c, w in zip(first17, WEIGHTS, strict=True))
    return (31 - total % 31) % 31


def compute_check_char(first17: str) -> str:
    """The modulus-31 check character (position 18) for the first 17 characters."""
    if len(first17) != 17:
        raise ValueError(f"compute_check_char needs 17 characters, got {len(first17)}")
    bad = [c for c in first17 if c not in VALUES]
    if bad:
        raise ValueError(f"character {bad[0]!r} is not in the unified social credit code character set")
    return CHARSET[_mod31_check_value(first17)]


def _charset_error(char: str, pos: int) -> CreditCodeError:
    if char in NEVER_USED_LETTERS:
        message = _("Character %(char)s at position %(pos)s is not allowed: "
                    "the letters I, O, S, V and Z are never used.")
    else:
        message = _("Character %(char)s at position %(pos)s is not allowed: only digits and the "
                    "capital letters A-H, J-N, P, Q, R, T, U, W, X and Y are used.")
    return CreditCodeError("charset", message, {"char": char, "pos": pos}, position=pos)


def validate(raw: str) -> str:
    """Return the normalised code, or raise `CreditCodeError`.

    Order: length, character set (first offending position), region digits (positions 3-8),
    check digit (last, so ``code == "check_digit"`` means the format itself is fine).
    """
    code = normalize(raw)
    if len(code) != LENGTH:
        raise CreditCodeError(
            "length",
            _("A unified social credit code has 18 characters; this one has %(n)s."),
            {"n": len(code)},
        )
    for pos, char in enumerate(code, start=1):
        if char not in VALUES:
            raise _charset_error(char, pos)
    if not code[2:8].isdigit() or not code[2:8].isascii():
        raise CreditCodeError(
            "region", _("Positions 3-8 must be the six digits of an administrative region code.")
        )
    expected = compute_check_char(code[:17])
    if code[17] != expected:
        raise CreditCodeError(
            "check_digit",
            _("The check digit should be %(expected)s, not %(actual)s: the code is probably mistyped."),
            {"expected": expected, "actual": code[17]},
        )
    return code


def is_valid(raw: str) -> bool:
    try:
        validate(raw)
    except CreditCodeError:
        return False
    return True


def _prepared(code: str) -> str:
    code = normalize(code)
    if len(code) != LENGTH:
        raise CreditCodeError(
            "length",
            _("A unified social credit code has 18 characters; this one has %(n)s."),
            {"n": len(code)},
        )
    return code


def region_code(code: str) -> str:
    """Positions 3-8: the GB/T 2260 code of the registering authority's region, e.g. "440300"."""
    return _prepared(code)[2:8]


def province_code(code: str) -> str:
    """The province-level region code, e.g. "440000" for 440300 (深圳)."""
    return region_code(code)[:2] + "0000"


def registration_authority(code: str) -> str | None:
    """登记管理部门 from position 1 (core table only), e.g. "工商"; None if not in the table."""
    return REGISTRATION_AUTHORITIES.get(_prepared(code)[0])


def org_category(code: str) -> str | None:
    """机构类别 from positions 1-2 (core table only), e.g. "企业" for 91; None if not in the table."""
    return ORG_CATEGORIES.get(_prepared(code)[:2])


def organization_code(code: str) -> str:
    """Positions 9-17: the embedded 9-character GB 11714 organisation code (主体标识码)."""
    return _prepared(code)[8:17]


def gb11714_check_char(first8: str) -> str:
    """GB 11714 check character for an 8-character organisation-code body: "0"-"9" or "X"."""
    if len(first8) != 8:
        raise ValueError(f"gb11714_check_char needs 8 characters, got {len(first8)}")
    try:
        total = sum(GB11714_VALUES[c] * w for c, w in zip(first8, GB11714_WEIGHTS, strict=True))
    except KeyError as exc:
        raise ValueError(f"character {exc.args[0]!r} is not allowed in an organisation code") from None
    c = 11 - total % 11
    return "X" if c == 10 else "0" if c == 11 else str(c)


def gb11714_check_ok(code: str) -> bool:
    """Optional second check: does position 17 match the GB 11714 check of positions 9-16?"""
    try:
        code = _prepared(code)
        return gb11714_check_char(code[8:16]) == code[16]
    except ValueError:
        return False


def generate(rng: random.Random, region: str = "110108", prefix: str = "91") -> str:
    """A random well-formed code for demo and synthetic data.

    The 9-character body is 8 random characters from `CHARSET` plus their GB 11714 check
    character (a digit or X, both in the charset); position 18 is the modulus-31 check.
    """
    if len(prefix) != 2 or any(c not in VALUES for c in prefix):
        raise ValueError(f"prefix must be 2 characters from the charset, got {prefix!r}")
    if len(region) != 6 or not (region.isascii() and region.isdigit()):
        raise ValueError(f"region must be 6 digits, got {region!r}")
    body8 = "".join(rng.choice(CHARSET) for _i in range(8))
    first17 = prefix + region + body8 + gb11714_check_char(body8)
    return first17 + compute_check_char(first17)
