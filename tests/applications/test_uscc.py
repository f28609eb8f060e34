import random

import pytest
from django.utils import translation

from applications import uscc

VALID_CODES = [
    "914403001922038216",  # 华为技术有限公司
    "9144030071526726XG",  # 腾讯科技(深圳)有限公司
    "91440300708461136T",  # 深圳市腾讯计算机系统有限公司
    "91330100799655058B",  # 阿里巴巴(中国)有限公司
    "91110108551385082Q",  # 小米科技有限责任公司
    "91110000802100433B",
    "91350100M000100Y43",
    "91512081MA62K0260E",  # worked example
    "123502001549897397",  # 机构编制 code
]


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def error_of(raw):
    with pytest.raises(uscc.CreditCodeError) as info:
        uscc.validate(raw)
    return info.value


def test_charset_and_weights():
    assert uscc.CHARSET == "0123456789ABCDEFGHJKLMNPQRTUWXY"
    assert len(uscc.CHARSET) == 31
    assert not set("IOSVZ") & set(uscc.CHARSET)
    assert uscc.WEIGHTS == (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
    assert uscc.WEIGHTS == tuple(pow(3, i, 31) for i in range(17))


@pytest.mark.parametrize("code", VALID_CODES)
def test_published_codes_are_valid(code):
    assert uscc.validate(code) == code
    assert uscc.is_valid(code)
    assert uscc.compute_check_char(code[:17]) == code[17]
    assert uscc.gb11714_check_ok(code)


def test_worked_example_sum():
    first17 = "91512081MA62K0260"
    total = sum(uscc.VALUES[c] * w for c, w in zip(first17, uscc.WEIGHTS, strict=True))
    # Some published write-ups quote the sum as 1495, but 1495 mod 31 is 7; the sum that gives the
    # quoted remainder 17 (and the check char E) is 1505, which is what the weights produce
    # (docs/domain.md, Unified social credit codes).
    assert total == 1505
    assert total % 31 == 17
    assert 31 - total % 31 == uscc.VALUES["E"] == 14
    assert uscc.compute_check_char(first17) == "E"


def test_gb11714_worked_example():
    assert uscc.gb11714_check_char("59467239") == "9"


@pytest.mark.parametrize("code,expected", [("91350203M0001QAY9B", "9"), ("91330100799655058C", "B")])
def test_check_digit_failures(code, expected):
    err = error_of(code)
    assert err.code == "check_digit"
    assert err.expected == expected
    assert err.actual == code[17]
    assert str(err) == (f"The check digit should be {expected}, not {code[17]}: "
                        "the code is probably mistyped.")
    assert not uscc.is_valid(code)


def test_known_anomaly_passes_the_embedded_gb11714_check():
    # Only its mod-31 check char is off (B instead of 9); positions 9-17 M0001QAY9 are a
    # well-formed organisation code, although published tables list it as failing that check too.
    assert uscc.gb11714_check_char("M0001QAY") == "9"
    assert uscc.gb11714_check_ok("91350203M0001QAY9B")
    assert not uscc.gb11714_check_ok("91330100799655058B".replace("58B", "48B"))


@pytest.mark.parametrize("code", VALID_CODES)
@pytest.mark.parametrize("pos", range(18))
def test_every_single_character_change_fails(code, pos):
    for char in uscc.CHARSET:
        if char == code[pos]:
            continue
        changed = code[:pos] + char + code[pos + 1:]
        err = error_of(changed)
        if 2 <= pos <= 7 and not char.isdigit():
            assert err.code == "region", changed
        else:
            assert err.code == "check_digit", changed


@pytest.mark.parametrize("raw", [
    "  914403001922038216  ",
    "\u3000914403001922038216\u3000",
    "\t914403001922038216\n",
    "９１４４０３００１９２２０３８２１６",
    "９１４４０３００７１５２６７２６ＸＧ",
    "9144030071526726xg",
    "９１４４０３００７１５２６７２６ｘｇ",
    "\u3000 9144030071526726Xg \u3000",
])
def test_normalisation(raw):
    assert uscc.validate(raw) in ("914403001922038216", "9144030071526726XG")


def test_normalize():
    assert uscc.normalize("\u3000 ９１ａＢc \n") == "91ABC"
    assert uscc.normalize("") == ""


@pytest.mark.parametrize("raw,n", [
    ("91440300192203821", 17),
    ("9144030019220382160", 19),
    ("", 0),
    ("   ", 0),
    ("9144 0300 1922 0382 16", 22),
])
def test_wrong_length(raw, n):
    err = error_of(raw)
    assert err.code == "length"
    assert str(err) == f"A unified social credit code has 18 characters; this one has {n}."


@pytest.mark.parametrize("letter", "IOZSV")
@pytest.mark.parametrize("pos", range(18))
def test_never_used_letters_are_charset_errors(letter, pos):
    code = VALID_CODES[0]
    err = error_of(code[:pos] + letter + code[pos + 1:])
    assert err.code == "charset"
    assert err.position == pos + 1
    assert str(err) == (f"Character {letter} at position {pos + 1} is not allowed: "
                        "the letters I, O, S, V and Z are never used.")


def test_lower_case_never_used_letter_reported_upper_case():
    err = error_of("9144030019220382o6")
    assert err.code == "charset" and err.position == 17
    assert "Character O at position 17" in str(err)


@pytest.mark.parametrize("char", ["-", "*", "中", "É", "."])
def test_other_foreign_characters_are_charset_errors(char):
    code = "91440300" + char + "922038216"
    err = error_of(code)
    assert err.code == "charset"
    assert err.position == 9
    assert str(err).startswith(f"Character {char} at position 9 is not allowed: only digits")


def test_charset_error_reports_first_position():
    err = error_of("9I4403001922038O16")
    assert err.position == 2


@pytest.mark.parametrize("pos", range(2, 8))
def test_letter_in_region_is_region_error(pos):
    code = VALID_CODES[0]
    err = error_of(code[:pos] + "A" + code[pos + 1:])
    assert err.code == "region"
    assert str(err) == "Positions 3-8 must be the six digits of an administrative region code."


def test_format_errors_come_before_check_digit():
    # a region letter and a wrong check digit: the region is reported
    assert error_of("91A40300192203821X").code == "region"
    # charset error and wrong check digit: the charset is reported
    assert error_of("914403001922038I1X").code == "charset"


def test_error_is_value_error_and_lazy():
    err = error_of("123")
    assert isinstance(err, ValueError)
    with translation.override("zh-hans"):
        assert str(err)  # renders in the active language without failing
    assert err.params == {"n": 3}


def test_region_and_province():
    assert uscc.region_code("914403001922038216") == "440300"
    assert uscc.province_code("914403001922038216") == "440000"
    assert uscc.region_code(" 91110108551385082q ") == "110108"
    assert uscc.province_code("91110108551385082Q") == "110000"
    with pytest.raises(uscc.CreditCodeError):
        uscc.region_code("9111")


def test_registration_authority_and_category():
    assert uscc.registration_authority("914403001922038216") == "工商"
    assert uscc.org_category("914403001922038216") == "企业"
    assert uscc.registration_authority("123502001549897397") == "机构编制"
    assert uscc.org_category("123502001549897397") == "事业单位"
    assert uscc.org_category("51110000500000000X") == "社会团体"
    assert uscc.org_category("93110000500000000X") == "农民专业合作社"
    assert uscc.org_category("Y1110000500000000X") == "其他"
    # unknown department or category codes: None, and the code is not rejected for it
    unknown = "A1" + "110108" + "55138508"
    unknown += uscc.gb11714_check_char("55138508")
    unknown += uscc.compute_check_char(unknown)
    assert uscc.registration_authority(unknown) is None
    assert uscc.org_category(unknown) is None
    assert uscc.is_valid(unknown)
    assert uscc.org_category("9Q110000500000000X") is None


def test_organization_code():
    assert uscc.organization_code("914403001922038216") == "192203821"


def test_gb11714_check_malformed_returns_false():
    assert not uscc.gb11714_check_ok("")
    assert not uscc.gb11714_check_ok("91440300-92203821X")
    assert not uscc.gb11714_check_ok("9144030019220382")


def test_compute_check_char_rejects_bad_input():
    with pytest.raises(ValueError):
        uscc.compute_check_char("9144030019220382")
    with pytest.raises(ValueError):
        uscc.compute_check_char("91440300192203821I"[:17].replace("1", "I", 1))


@pytest.mark.parametrize("seed", range(200))
def test_generate_yields_valid_codes(seed):
    rng = random.Random(seed)
    for _ in range(5):
        code = uscc.generate(rng)
        assert uscc.validate(code) == code
        assert uscc.gb11714_check_ok(code)
        assert code.startswith("91110108")
        assert set(code) <= set(uscc.CHARSET)


def test_generate_region_and_prefix():
    rng = random.Random(1)
    code = uscc.generate(rng, region="440300", prefix="12")
    assert uscc.is_valid(code) and uscc.gb11714_check_ok(code)
    assert uscc.region_code(code) == "440300"
    assert uscc.org_category(code) == "事业单位"


def test_generate_is_deterministic_and_varied():
    a = [uscc.generate(random.Random(7)) for _ in range(3)]
    assert len(set(a)) == 1
    rng = random.Random(7)
    assert len({uscc.generate(rng) for _ in range(500)}) == 500


@pytest.mark.parametrize("kwargs", [{"region": "11010A"}, {"region": "1101"}, {"prefix": "9"}, {"prefix": "9I"}])
def test_generate_rejects_bad_arguments(kwargs):
    with pytest.raises(ValueError):
        uscc.generate(random.Random(0), **kwargs)
