"""The article catalogue of each shipped program (the rules register's rows): it covers every
article of the measures in document order, every eligibility rule cites articles that exist, every
article said to be applied is applied by something, and the settings and pipeline actions named
exist.

Keys follow `<doc>:<article>`: bj2020 (Beijing measures, 2020 draft: `bj2020:art12.1` for
第十二条(一)), bj2016 (the 2nd-edition notice, by section), hz2025 (Hangzhou 2025: `hz2025:3.2.4`
for 三(二)4), ah2010 (Anhui 2010: `ah2010:art14.3`), lf (the Langfang example and speech).
"""

import json
import re
from pathlib import Path

import pytest
from django.conf import settings as django_settings

from applications.enums import Action
from applications.models import AwardProgram, ProgramArticle
from applications.program_fixtures import FIXTURES, PROGRAM_FIELDS, load_all_programs
from applications.workflow import TRANSITIONS

pytestmark = pytest.mark.django_db

CODES = ["anhui", "beijing", "hangzhou", "langfang"]
PSEUDO_SETTINGS = {"tiers", "notice_stages", "recommenders", "criteria"}
#: The program's own settings: the fields its fixture sets (names, codes and the sources excluded).
PROGRAM_SETTINGS = set(PROGRAM_FIELDS) - {"name_zh", "name_en", "source_documents"}
KEY = re.compile(r"^(bj2020|bj2016|hz2025|ah2010|lf):[a-z0-9][a-z0-9.\-]*$")
APPLIED = {ProgramArticle.Status.APPLIED, ProgramArticle.Status.PARTIAL}
SCREENING = Path(django_settings.BASE_DIR) / "bigdata" / "fixtures" / "screening"


def fixture(code) -> dict:
    return json.loads((FIXTURES / "programs" / f"{code}.json").read_text(encoding="utf-8"))


@pytest.fixture
def programs():
    load_all_programs()
    return {p.code: p for p in AwardProgram.objects.all()}


# ------------------------------------------------------------------ loading

def test_every_catalogue_loads_in_document_order(programs):
    for code in CODES:
        articles = fixture(code)["articles"]
        loaded = list(programs[code].articles.all())

        assert [a.key for a in loaded] == [a["key"] for a in articles], code
        for article in loaded:
            article.full_clean()  # status among the choices, every field within its length
            assert KEY.match(article.key), article.key
            assert article.ref_zh and article.ref_en and article.summary_zh and article.summary_en, article.key


def test_reloading_keeps_one_row_per_article(programs):
    before = ProgramArticle.objects.count()

    load_all_programs()

    assert ProgramArticle.objects.count() == before == sum(len(fixture(c)["articles"]) for c in CODES)


# ------------------------------------------------------------------ coverage of the source texts

def numbers(program, doc) -> list[tuple]:
    """The article numbers of `doc` in catalogue order, as tuples: art12.1 → (12, 1), 3.2.4 → (3, 2, 4)."""
    out = []
    for key in program.articles.filter(key__startswith=f"{doc}:").values_list("key", flat=True):
        rest = key.split(":", 1)[1].removeprefix("art")
        if re.fullmatch(r"[0-9.]+", rest):
            out.append(tuple(int(n) for n in rest.split(".")))
    return out


@pytest.mark.parametrize(("code", "doc", "first", "last"), [
    ("beijing", "bj2020", 1, 28), ("anhui", "ah2010", 1, 30), ("hangzhou", "hz2025", 1, 7)])
def test_every_article_of_the_measures_is_catalogued_in_order(programs, code, doc, first, last):
    found = numbers(programs[code], doc)

    assert found == sorted(found), "document order"
    assert {n[0] for n in found} == set(range(first, last + 1))


def test_sub_items_where_the_rules_differ(programs):
    keys = {code: set(p.articles.values_list("key", flat=True)) for code, p in programs.items()}

    assert {f"bj2020:art12.{i}" for i in range(1, 7)} | {f"bj2020:art14.{i}" for i in range(1, 6)} <= keys["beijing"]
    assert {f"ah2010:art13.{i}" for i in range(1, 7)} | {f"ah2010:art14.{i}" for i in range(1, 7)} <= keys["anhui"]
    assert {f"hz2025:3.2.{i}" for i in range(1, 6)} | {f"hz2025:3.3.{i}" for i in range(1, 9)} <= keys["hangzhou"]
    assert {f"hz2025:6.{i}" for i in range(1, 7)} | {"hz2025:preamble", "hz2025:1.1", "hz2025:7"} <= keys["hangzhou"]


def test_beijing_2016_notice_sections(programs):
    keys = set(programs["beijing"].articles.values_list("key", flat=True))

    assert {"bj2016:scope", "bj2016:prescreen", "bj2016:bigdata-review", "bj2016:monitoring", "bj2016:experts",
            "bj2016:supervision", "bj2016:training", "bj2016:jjj-sharing"} <= keys


def test_langfang_describes_its_example(programs):
    example = programs["langfang"].articles.get(key="lf:example")

    assert "示例" in example.summary_zh and "example" in example.summary_en
    assert example.assumption_zh and example.assumption_en


def test_configurable_choices_moved_to_the_articles(programs):
    for code in CODES:
        program = programs[code]
        assert "Configurable choices (not stated" not in program.source_documents, code
        assert program.articles.exclude(assumption_zh="").exists(), code
        for article in program.articles.exclude(assumption_zh=""):
            assert article.assumption_en, article.key


# ------------------------------------------------------------------ rules cite the catalogue

def test_every_shipped_rule_cites_articles_of_its_catalogue():
    """Read from the fixture files: a rule shipped without `articles`, or citing a key missing
    from its program's catalogue, fails here."""
    for code in CODES:
        data = fixture(code)
        keys = {a["key"] for a in data["articles"]}
        for rule in data["eligibility_rules"]:
            label = (code, rule["kind"], rule["params"].get("key"))
            assert rule.get("articles"), f"{label} cites no article"
            assert set(rule["articles"]) <= keys, (label, set(rule["articles"]) - keys)


def test_every_loaded_rule_cites_articles_of_its_catalogue(programs):
    for program in programs.values():
        keys = set(program.articles.values_list("key", flat=True))
        for rule in program.eligibility_rules.filter(active=True):
            assert rule.articles, (program.code, rule.kind)
            assert set(rule.articles) <= keys, (program.code, rule.kind, set(rule.articles) - keys)


def test_screening_rules_cite_keys_of_the_catalogues(programs):
    """The big-data screening rules use the same keys; those they are expected to cite exist, and
    any key a screening fixture already cites exists in its program's catalogue."""
    keys = {code: set(p.articles.values_list("key", flat=True)) for code, p in programs.items()}
    expected = {"beijing": {"bj2020:art14.4", "bj2020:art14.5", "bj2020:art17", "bj2020:art12.6",
                            "bj2016:prescreen"},
                "hangzhou": {"hz2025:3.2.4", "hz2025:3.2.1"},
                "anhui": {"ah2010:art13.4", "ah2010:art14.3", "ah2010:art14.4", "ah2010:art14.5",
                          "ah2010:art14.6"},
                "langfang": {"lf:example"}}
    for code, cited in expected.items():
        assert cited <= keys[code], (code, cited - keys[code])
    for path in sorted(SCREENING.glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        code = data.get("program", path.stem)
        for rule in data.get("rules", []):
            assert set(rule.get("articles", [])) <= keys[code], (path.name, rule.get("code"))


# ------------------------------------------------------------------ what applies each article

def applied_by(program) -> dict[str, list]:
    cited = {}
    for rule in program.eligibility_rules.filter(active=True):
        for key in rule.articles:
            cited.setdefault(key, []).append(rule.kind)
    from applications.rules_register import PROVIDERS  # screening rules, the review app's measures

    for provider in PROVIDERS:
        for measure in provider(program):
            for key in measure.articles:
                cited.setdefault(key, []).append(str(measure.kind))
    return cited


def test_applied_articles_are_applied_by_something(programs):
    for program in programs.values():
        rules = applied_by(program)
        for article in program.articles.filter(status__in=APPLIED):
            assert rules.get(article.key) or article.settings or article.transitions, (
                f"{article.key} is {article.status} but no rule, setting or transition applies it")


def test_settings_named_exist(programs):
    for program in programs.values():
        for article in program.articles.all():
            for name in article.settings:
                assert name in PROGRAM_SETTINGS | PSEUDO_SETTINGS, (article.key, name)


def test_transitions_named_exist(programs):
    for program in programs.values():
        for article in program.articles.all():
            for action in article.transitions:
                assert action in Action.values, (article.key, action)
                assert action in TRANSITIONS, (article.key, action)


def test_not_yet_articles_say_what_is_missing(programs):
    for program in programs.values():
        for article in program.articles.filter(status=ProgramArticle.Status.NOT_YET):
            assert article.note_zh and article.note_en, article.key


@pytest.mark.parametrize(("code", "key", "transitions"), [
    ("beijing", "bj2020:art16", {"submit"}),
    ("beijing", "bj2020:art17", {"recommend", "return"}),
    ("beijing", "bj2020:art24", {"disqualify", "revoke"}),
    ("beijing", "bj2020:art27", {"revoke"}),
    ("anhui", "ah2010:art26", {"revoke"}),
])
def test_articles_name_their_pipeline_steps(programs, code, key, transitions):
    assert transitions <= set(programs[code].articles.get(key=key).transitions)


@pytest.mark.parametrize(("code", "key", "settings"), [
    ("beijing", "bj2020:art4", {"cycle", "tiers", "reapply_wait_editions"}),
    ("beijing", "bj2020:art21", {"notice_stages"}),
    ("hangzhou", "hz2025:3.3.7", {"notice_stages", "objection_verification_days"}),
    ("anhui", "ah2010:art4", {"reapply_wait_years"}),
    ("anhui", "ah2010:art11", {"score_floor"}),
])
def test_articles_name_their_settings(programs, code, key, settings):
    assert settings <= set(programs[code].articles.get(key=key).settings)


@pytest.mark.parametrize(("code", "key"), [
    ("hangzhou", "hz2025:3.3.4"), ("hangzhou", "hz2025:3.3.6"), ("anhui", "ah2010:art11"),
    ("beijing", "bj2016:training"), ("langfang", "lf:2.1"), ("beijing", "bj2016:monitoring"),
    ("hangzhou", "hz2025:6.4"),
])
def test_scoring_and_voting_are_applied(programs, code, key):
    """Issues 13–15: site review, the vote, the score floor, cultivation and monitoring are built."""
    assert programs[code].articles.get(key=key).status == ProgramArticle.Status.APPLIED


@pytest.mark.parametrize(("code", "key"), [
    ("beijing", "bj2020:art10"), ("beijing", "bj2020:art18"), ("beijing", "bj2020:art19"),
    ("beijing", "bj2016:experts"), ("beijing", "bj2016:jjj-sharing"), ("hangzhou", "hz2025:2.3"),
])
def test_the_expert_pool_and_groups_are_applied_and_cited(programs, code, key):
    """Issue 12: the pool, draws and groups apply these articles, and the review app's measures cite them."""
    program = programs[code]
    assert program.articles.get(key=key).status in APPLIED
    assert key in applied_by(program)
