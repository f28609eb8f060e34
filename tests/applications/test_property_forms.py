"""Every step form of the application (applications/forms.py), fed arbitrary values through the
HTTP endpoints the browser uses (autosave and the step POST): any text, any unicode, NUL bytes,
huge numbers, damaged versions. Properties: never a server error; a refused save changes nothing
stored; an accepted one stores exactly what was typed in the step's fields (NUL removed).

Bounded for CI (PROPERTY_EXAMPLES=200 explores deeper by hand); run on PostgreSQL too, which
refuses NUL in text and checks integer ranges.
"""

import os

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from applications import drafts
from applications.forms import MAX_INT_COLUMN

from .support import draft, english, make_org, make_rep, open_round

pytestmark = pytest.mark.django_db

EXAMPLES = int(os.environ.get("PROPERTY_EXAMPLES", 30))
SETTINGS = settings(max_examples=EXAMPLES, deadline=None, database=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                           HealthCheck.data_too_large])
FORM_STEPS = ["basic", "declarations", "figures", "report", "commitment"]

EDGE_VALUES = ["", " ", "\x00", "0", "-1", str(MAX_INT_COLUMN), str(MAX_INT_COLUMN + 1), str(2**63), "9" * 5000,
               "1e308", "NaN", "-Infinity", "1,5", "0x10", "9999-12-31", "0001-01-01", "2024-02-30", "yes", "no",
               "\ud7ff", "\U0010ffff", "\u202e", "<script>", "' OR 1=1 --", "%00", "\r\n", "true", "on"]

values = st.one_of(
    st.sampled_from(EDGE_VALUES),
    st.text(max_size=40),  # every code point, NUL included (surrogates cannot travel in a form)
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
    st.decimals(allow_nan=True, allow_infinity=True).map(str),
    st.builds(lambda char, n: char * n, st.characters(), st.sampled_from([199, 200, 201, 300, 301, 2001, 20000])),
)


@pytest.fixture
def application(make_user):
    org = make_org(name="北京属性测试有限公司")
    rep = make_rep(make_user, org)
    return draft(open_round("beijing"), org, rep), rep


@pytest.fixture
def client_rep(client, application):
    client.force_login(application[1])
    client.raise_request_exception = False
    return english(client)


def field_names(application, step):
    return list(drafts.step_form(application, step).fields)


def snapshot(application):
    application.refresh_from_db()
    org = application.organization
    org.refresh_from_db()
    return (application.draft_data, application.version, application.tier_applied_id, application.recommender_id,
            application.declarations,
            [getattr(org, f) for f in ("address", "employees", "revenue_10k", "assets_10k", "contact_email",
                                       "registered_on", "muju_year")],
            list(application.key_figures.order_by("year").values_list("year", "employees", "revenue_10k")),
            list(application.self_assessments.order_by("category_id").values_list("text", flat=True)))


@st.composite
def posts(draw, names):
    chosen = draw(st.lists(st.sampled_from(names), min_size=1, max_size=len(names), unique=True))
    return {name: draw(values) for name in chosen}


def version_for(draw_version, application):
    return {"current": application.version, "stale": application.version - 1, "garbage": draw_version}


def check(client, application, step, data, version, endpoint):
    before = snapshot(application)
    posted = {**data, "version": version, "step": step}
    url = (reverse("application-autosave", args=[application.pk]) if endpoint == "autosave"
           else reverse("application-edit", args=[application.pk, step]))
    if endpoint == "goto":
        posted["goto"] = "review"

    response = client.post(url, posted)

    assert response.status_code < 500, (step, endpoint, posted)
    after = snapshot(application)
    if after[1] == before[1]:  # refused (conflict, damaged version, beyond a limit): nothing changed
        assert after == before, (step, endpoint, posted)
        assert response.status_code in (200, 400, 409), response.status_code
        return
    typed = {k: v.replace("\x00", "") for k, v in data.items()}
    assert {k: after[0][step][k] for k in typed} == typed  # nothing typed is lost


@pytest.mark.parametrize("step", FORM_STEPS)
def test_step_endpoints_never_fail_and_refusals_change_nothing(client_rep, application, step):
    application = application[0]
    names = field_names(application, step)

    @SETTINGS
    @given(data=posts(names), which=st.sampled_from(["current", "current", "current", "stale", "garbage"]),
           garbage=st.sampled_from(["abc", "", "\x00", "9" * 30, "-1", "1.0"]),
           endpoint=st.sampled_from(["autosave", "step", "goto"]))
    def run(data, which, garbage, endpoint):
        application.refresh_from_db()
        version = version_for(garbage, application)[which]
        check(client_rep, application, step, data, version, endpoint)

    run()
