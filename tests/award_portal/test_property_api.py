"""Every operation of the API schema (`/api/schema/`, drf-spectacular), fuzzed by schemathesis
through the WSGI application as a logged-in office user: whatever is sent, valid by the schema or
not, the answer is never a server error (GB/T 22239-2019 level 3: input validity).

Bounded so that CI stays fast: a few examples per operation and generation mode, derandomised
(the same examples every run; a new finding is then a change in the code, not luck).
"""

import base64
import datetime
import os

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error

from applications.models import AwardProgram
from award_portal.demo import DEMO_PASSWORD
from bigdata.services import run_start
from tests.applications.support import draft, make_org, make_rep, open_round
from tests.bigdata.support import import_rows, load_programs, row_for

pytestmark = pytest.mark.django_db

#: PROPERTY_EXAMPLES=200 explores deeper by hand.
EXAMPLES_PER_OPERATION = int(os.environ.get("PROPERTY_EXAMPLES", 4))


@pytest.fixture
def wsgi_app():
    """The portal's WSGI application, called in the test's own transaction: like Django's test
    client, it must not close the test's database connection at the end of each request."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield get_wsgi_application()
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


@pytest.fixture
def office_auth(make_user):
    """Basic authentication of an office user (the API accepts it beside the session)."""
    user = make_user(role="office")
    token = base64.b64encode(f"{user.username}:{DEMO_PASSWORD}".encode()).decode()
    return {"Authorization": f"Basic {token}"}


@pytest.fixture
def portal_data(make_user, office_auth):
    """Something behind each id the fuzzer may hit: a program, a round, an application, a run, a flag."""
    load_programs()
    org = make_org(name="北京模糊测试有限公司")
    draft(open_round("beijing"), org, make_rep(make_user, org))
    import_rows("gov-dishonesty", [row_for(org, occurred_on=datetime.date(2023, 3, 1), grade="统计严重失信企业")])
    office = make_user(role="office")
    run_start(program=AwardProgram.objects.get(code="beijing"), actor=office, reference_date=datetime.date(2024, 6, 30))


def operations(app):
    schema = schemathesis.openapi.from_wsgi("/api/schema/", app)
    return [result.ok() for result in schema.get_all_operations()]


def test_the_schema_lists_the_operations(portal_data, wsgi_app):
    labels = {operation.label for operation in operations(wsgi_app)}

    assert {"GET /api/programs/", "POST /api/applications/{id}/transition/", "POST /api/bigdata/runs/",
            "POST /api/bigdata/flags/{id}/decide/", "POST /api/bigdata/imports/", "GET /api/bigdata/flags/"} <= labels


def test_no_operation_answers_with_a_server_error(portal_data, office_auth, wsgi_app):
    statuses, no_negative = [], []
    for operation in operations(wsgi_app):
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):

            @settings(max_examples=EXAMPLES_PER_OPERATION, deadline=None, derandomize=True, database=None,
                      suppress_health_check=list(HealthCheck))
            @given(case=operation.as_strategy(generation_mode=mode))
            def fuzz(case):
                response = case.call_and_validate(headers=office_auth, checks=[not_a_server_error])
                statuses.append((case.operation.label, response.status_code))

            try:
                fuzz()
            except Unsatisfiable:
                # An operation with nothing that can be made invalid (no parameters, no body the
                # schema constrains) has no negative case; its positive cases ran above.
                if mode != GenerationMode.NEGATIVE:
                    raise
                no_negative.append(operation.label)
    # The fuzzer reached the operations as the office (not only 401/403 at the door).
    answered = {label for label, status in statuses if status < 400}
    assert {"GET /api/programs/", "GET /api/bigdata/flags/", "GET /api/bigdata/runs/"} <= answered, statuses
