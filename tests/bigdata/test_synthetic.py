"""bigdata.synthetic and the generate_records command.

The disqualification check here is written independently of the generator: it reads the CSV files
with pandas and applies the four rules relative to the reference date.
"""

import datetime as dt
import hashlib
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from django.core.management import call_command

from applications import uscc
from applications.models import Organization
from bigdata import synthetic

ORGS, RECORDS, SEED, SHARE = 300, 5000, 7, 0.05
REF = dt.date(2026, 6, 30)
GRADES = {
    "gov-penalty": ("处罚类别", {"警告", "通报批评", "罚款", "没收违法所得", "降低资质等级", "吊销许可证件", "责令停产停业", "责令关闭"}),
    "gov-dishonesty": ("名单类型", {"市场监督管理严重违法失信名单", "安全生产严重失信主体", "统计严重失信企业",
                                "政府采购严重违法失信行为记录"}),
    "court-enforcement": ("类别", {"失信被执行人", "被执行人"}),
    "spot-check": ("抽查结果", {"合格", "不合格"}),
    "accident": ("事故等级", {"一般", "较大", "重大", "特别重大"}),
    "consumer-complaint": ("处理结果", {"调解成功", "调解不成功", "终止调解", "不予受理", "撤回"}),
    "media-report": ("情感倾向", {"正面", "中性", "负面"}),
    "certification": ("认证类别", {"ISO9001", "ISO14001", "ISO45001", "其他"}),
    "credit-rating": ("信用等级", {"AAA", "AA", "A", "BBB", "BB", "B", "CCC", "CC", "C"}),
}


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    out = tmp_path_factory.mktemp("synthetic")
    manifest = synthetic.generate(ORGS, RECORDS, SEED, out, SHARE, REF)
    return out, manifest


def read(out: Path, name: str) -> pd.DataFrame:
    return pd.read_csv(out / name, dtype=str, keep_default_na=False, encoding="utf-8")


def file_hashes(out: Path) -> dict:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(out.iterdir())}


def disqualified_from_files(out: Path, ref: dt.date) -> dict[str, set[str]]:
    """Credit code -> reasons, computed from the CSV files alone."""
    ref_ts = pd.Timestamp(ref)
    since = ref_ts - pd.DateOffset(years=3)
    found: dict[str, set[str]] = {}

    def add(codes, reason):
        for code in codes:
            found.setdefault(code, set()).add(reason)

    dis = read(out, "gov-dishonesty.csv")
    removed = pd.to_datetime(dis["移出日期"].replace("", None))
    add(dis.loc[removed.isna() | (removed > ref_ts), "统一社会信用代码"], "dishonesty_current")
    acc = read(out, "accident.csv")
    recent = pd.to_datetime(acc["事故发生日期"]) >= since
    # Only 重大 and 特别重大 disqualify (Hangzhou 三(二)4, Anhui art. 14(3), Beijing art. 14(4)).
    add(acc.loc[recent & acc["事故等级"].isin(["重大", "特别重大"]), "统一社会信用代码"], "major_accident_3y")
    spot = read(out, "spot-check.csv")
    recent = pd.to_datetime(spot["抽查日期"]) >= since
    add(spot.loc[recent & (spot["抽查结果"] == "不合格"), "统一社会信用代码"], "failed_spot_check_3y")
    tax = read(out, "tax-violation.csv")
    add(tax.loc[pd.to_datetime(tax["公布日期"]) >= since, "统一社会信用代码"], "tax_violation_3y")
    return found


def test_files_and_exact_headers(run):
    out, manifest = run
    sources = synthetic.load_sources()
    assert len(sources) == 12
    expected = {"organizations.csv", "manifest.json"} | {f"{s['code']}.csv" for s in sources}
    assert {p.name for p in out.iterdir()} == expected
    with open(out / "organizations.csv", encoding="utf-8") as f:
        assert f.readline().rstrip("\n").split(",") == [
            "统一社会信用代码", "名称", "注册日期", "行业门类", "从业人员", "营业收入(万元)"]
    for source in sources:
        with open(out / f"{source['code']}.csv", encoding="utf-8") as f:
            assert f.readline().rstrip("\n").split(",") == list(source["column_mapping"]), source["code"]
    assert json.loads((out / "manifest.json").read_text(encoding="utf-8")) == manifest


def test_record_counts_sum_to_the_requested_total(run):
    out, manifest = run
    counts = {}
    for source in synthetic.load_sources():
        frame = read(out, f"{source['code']}.csv")
        assert list(frame.columns) == list(source["column_mapping"])
        counts[f"{source['code']}.csv"] = len(frame)
        ids = frame["记录编号"]
        assert ids.is_unique
        assert ids.str.fullmatch(r"[A-Z]{3}-\d{8}").all()
    assert sum(counts.values()) == RECORDS == manifest["record_files_total"]
    assert {k: v for k, v in manifest["files"].items() if k != "organizations.csv"} == counts
    assert len(read(out, "organizations.csv")) == ORGS == manifest["files"]["organizations.csv"]


def test_type_mix_is_dominated_by_the_common_types(run):
    _out, manifest = run
    files = manifest["files"]
    common = sum(files[f"{c}.csv"] for c in ("consumer-complaint", "media-report", "gov-penalty", "spot-check",
                                             "certification", "credit-rating", "self-reported"))
    assert common > 0.9 * RECORDS
    assert files["consumer-complaint.csv"] > files["gov-penalty.csv"] > files["tax-violation.csv"]


def test_credit_codes_are_valid_unique_and_regional(run):
    out, _manifest = run
    orgs = read(out, "organizations.csv")
    codes = orgs["统一社会信用代码"]
    assert codes.is_unique
    for code in codes:
        assert uscc.validate(code) == code
        assert uscc.gb11714_check_ok(code)
        assert code.startswith("91")
    regions = codes.str[2:8]
    assert (regions.str.startswith("1101") | regions.str.startswith("3301") | regions.str.startswith("34")).all()
    assert regions.str.startswith("1101").any() and regions.str.startswith("3301").any()
    assert regions.str.startswith("34").any()
    # every record names a generated organisation, with its name
    names = dict(zip(codes, orgs["名称"], strict=True))
    for source in synthetic.load_sources():
        frame = read(out, f"{source['code']}.csv")
        assert frame["统一社会信用代码"].isin(names).all()
        assert (frame["统一社会信用代码"].map(names) == frame["主体名称"]).all()


def test_vectorised_check_digits_match_the_reference_implementation():
    rng = np.random.Generator(np.random.PCG64(3))
    regions = np.array(["110105", "330106", "340104", "341802"] * 500)
    new_style = rng.random(len(regions)) < 0.5
    codes = synthetic.make_credit_codes(rng, regions, new_style)
    assert len(set(codes)) == len(codes)
    for code, region, new in zip(codes, regions, new_style, strict=True):
        assert uscc.compute_check_char(code[:17]) == code[17]
        assert uscc.gb11714_check_char(code[8:16]) == code[16]
        assert code[2:8] == region
        assert code[8:10] == "MA" if new else code[8:16].isdigit()


def test_organisations_look_plausible(run):
    out, _manifest = run
    orgs = read(out, "organizations.csv")
    assert orgs["名称"].str.endswith("公司").all()
    assert orgs["名称"].nunique() >= ORGS - 3
    reg = pd.to_datetime(orgs["注册日期"])
    assert reg.min() >= pd.Timestamp("1990-01-01") and reg.max() <= pd.Timestamp("2022-12-31")
    assert orgs["行业门类"].str.fullmatch("[A-T]").all()
    assert (orgs["从业人员"].astype(int) >= 1).all()
    assert (orgs["营业收入(万元)"].astype(float) > 0).all()


def test_vocabularies_dates_and_formats(run):
    out, _manifest = run
    orgs = read(out, "organizations.csv").set_index("统一社会信用代码")
    for code, (column, vocabulary) in GRADES.items():
        values = set(read(out, f"{code}.csv")[column])
        assert values <= vocabulary, code
    for source in synthetic.load_sources():
        frame = read(out, f"{source['code']}.csv")
        date_header = next(h for h, f in source["column_mapping"].items() if f == "occurred_on")
        dates = pd.to_datetime(frame[date_header], format="%Y-%m-%d")
        assert (dates < pd.Timestamp(REF)).all(), source["code"]
        registered = pd.to_datetime(frame["统一社会信用代码"].map(orgs["注册日期"]))
        assert (dates >= registered).all(), source["code"]
        for header, field in source["column_mapping"].items():
            if field == "removed_on":
                removed = frame[header]
                filled = removed != ""
                assert (pd.to_datetime(removed[filled], format="%Y-%m-%d") >= dates[filled]).all()
    # dates weighted toward the last 6 years
    complaints = pd.to_datetime(read(out, "consumer-complaint.csv")["登记日期"])
    assert (complaints >= pd.Timestamp(REF) - pd.DateOffset(years=6)).mean() > 0.7
    penalties = read(out, "gov-penalty.csv")
    assert penalties["行政处罚决定书文号"].str.fullmatch(r"[\u4e00-\u9fff]+罚〔\d{4}〕\d+号").all()
    court = read(out, "court-enforcement.csv")
    assert court["案号"].str.fullmatch(r"\(\d{4}\)[京浙皖]\d{2,4}执\d+号").all()
    # authorities follow the organisation's region
    beijing = penalties["统一社会信用代码"].str[2:6] == "1101"
    assert penalties.loc[beijing, "处罚机关"].str.startswith("北京市").all()
    assert penalties.loc[beijing, "行政处罚决定书文号"].str.startswith("京").all()
    accidents = read(out, "accident.csv")
    deaths = accidents["死亡人数"].astype(int)
    assert (deaths[accidents["事故等级"] == "重大"] >= 10).all()
    assert (deaths[accidents["事故等级"] == "一般"] <= 2).all()


def test_record_counts_per_organisation_are_skewed(run):
    out, _manifest = run
    frames = [read(out, f"{s['code']}.csv")["统一社会信用代码"] for s in synthetic.load_sources()]
    per_org = pd.concat(frames).value_counts()
    assert per_org.max() > 5 * per_org.median()


def test_exactly_the_requested_organisations_are_disqualified(run):
    out, manifest = run
    expected_count = round(SHARE * ORGS)
    assert manifest["disqualified_count"] == expected_count == len(manifest["disqualified_codes"])
    assert manifest["disqualified_codes"] == sorted(manifest["disqualified"])
    found = disqualified_from_files(out, REF)
    assert set(found) == set(manifest["disqualified_codes"])
    for code, reasons in manifest["disqualified"].items():
        assert set(reasons) == found[code]
        assert set(reasons) <= set(synthetic.REASONS)


def test_other_organisations_have_only_old_or_harmless_records(run):
    out, manifest = run
    since = pd.Timestamp(REF) - pd.DateOffset(years=3)
    clean = ~read(out, "gov-dishonesty.csv")["统一社会信用代码"].isin(manifest["disqualified_codes"])
    dis = read(out, "gov-dishonesty.csv")[clean]
    assert (dis["移出日期"] != "").all()
    assert (pd.to_datetime(dis["列入日期"]) < since).all()
    assert (pd.to_datetime(dis["移出日期"]) < pd.Timestamp(REF)).all()
    tax = read(out, "tax-violation.csv")
    tax = tax[~tax["统一社会信用代码"].isin(manifest["disqualified_codes"])]
    assert (tax["移出日期"] != "").all() and (pd.to_datetime(tax["公布日期"]) < since).all()
    acc = read(out, "accident.csv")
    acc = acc[~acc["统一社会信用代码"].isin(manifest["disqualified_codes"])]
    recent = pd.to_datetime(acc["事故发生日期"]) >= since
    assert (acc.loc[recent, "事故等级"] == "一般").all() and (acc.loc[recent, "死亡人数"] == "0").all()


def test_warning_level_records_exist(run):
    out, manifest = run
    penalties = read(out, "gov-penalty.csv")
    fines = pd.to_numeric(penalties["罚款金额(万元)"].replace("", None))
    assert (fines >= 10).any()
    assert ((penalties["处罚类别"] == "警告") & (penalties["罚款金额(万元)"] == "")).any()
    abnormal = read(out, "gov-abnormal.csv")
    assert (abnormal["移出日期"] == "").any() and (abnormal["移出日期"] != "").any()
    media = read(out, "media-report.csv")
    negative = media[media["情感倾向"] == "负面"]["统一社会信用代码"].value_counts()
    assert (negative >= 3).any()
    assert all(v > 0 for v in manifest["warning_orgs"].values())


def test_deterministic_for_a_seed_and_different_for_another(run, tmp_path):
    out, manifest = run
    again = synthetic.generate(ORGS, RECORDS, SEED, tmp_path / "same", SHARE, REF, chunk_rows=777)
    assert again == manifest
    assert file_hashes(tmp_path / "same") == file_hashes(out)
    synthetic.generate(ORGS, RECORDS, SEED + 1, tmp_path / "other", SHARE, REF)
    other = file_hashes(tmp_path / "other")
    reference = file_hashes(out)
    assert all(other[name] != reference[name] for name in reference)


@pytest.mark.parametrize("share", [0.0, 0.2])
def test_share_is_controllable(tmp_path, share):
    manifest = synthetic.generate(100, 2000, 11, tmp_path, share, "2025-01-15")
    assert manifest["disqualified_count"] == round(share * 100)
    assert set(disqualified_from_files(tmp_path, dt.date(2025, 1, 15))) == set(manifest["disqualified_codes"])


def test_too_few_records_for_the_disqualifying_ones_is_refused(tmp_path):
    with pytest.raises(ValueError):
        synthetic.generate(100, 3, 1, tmp_path, 0.5, REF)


@pytest.mark.django_db
def test_command_writes_files_and_creates_organisations(tmp_path):
    synthetic.generate(20, 200, 5, tmp_path / "probe", 0.1, REF)
    existing_code = read(tmp_path / "probe", "organizations.csv")["统一社会信用代码"][0]
    Organization.objects.create(credit_code=existing_code, name="已存在的公司", registered_on=dt.date(2000, 1, 1))
    call_command("generate_records", "--orgs", "20", "--records", "200", "--seed", "5", "--disqualifying-share",
                 "0.1", "--out", str(tmp_path / "cmd"), "--reference-date", REF.isoformat(), "--create-orgs")
    manifest = json.loads((tmp_path / "cmd" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["record_files_total"] == 200 and manifest["disqualified_count"] == 2
    orgs = read(tmp_path / "cmd", "organizations.csv")
    assert Organization.objects.count() == 20
    assert Organization.objects.get(credit_code=orgs["统一社会信用代码"][0]).name == "已存在的公司"  # skipped
    second = Organization.objects.get(credit_code=orgs["统一社会信用代码"][1])
    assert second.name == orgs["名称"][1]
    assert second.region_code == second.credit_code[2:8]
    assert second.registered_on.isoformat() == orgs["注册日期"][1]
    assert second.legal_form == "company" and second.industry_section == orgs["行业门类"][1]
    assert second.employees == int(orgs["从业人员"][1])
    assert str(second.revenue_10k) == orgs["营业收入(万元)"][1]
    # a second run inserts nothing
    call_command("generate_records", "--orgs", "20", "--records", "200", "--seed", "5", "--out",
                 str(tmp_path / "cmd"), "--reference-date", REF.isoformat(), "--create-orgs")
    assert Organization.objects.count() == 20

