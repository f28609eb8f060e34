"""The application read on screen: every step of the form, for whoever may read the application
page (selectors.applications_visible_to), and nobody else."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from applications.enums import ApplicationState, RoundPhase
from tests.applications.support import (
    advance,
    english,
    make_org,
    make_recommender_user,
    make_rep,
    open_round,
    put_in_state,
    submitted_application,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def application(make_user):
    rnd = open_round()
    org = make_org(name="屏幕阅读精密制造有限公司")
    return submitted_application(rnd, org, make_rep(make_user, org))


def read_url(application) -> str:
    return reverse("application-read", args=[application.pk])


def test_read_shows_every_step(client, make_user, application):
    client.force_login(make_user(role="office"))

    response = client.get(read_url(application))

    body = response.content.decode()
    assert response.status_code == 200
    for anchor in ("basic", "declarations", "figures", "self-assessment", "attachments", "commitment"):
        assert f'id="{anchor}"' in body
    assert "屏幕阅读精密制造有限公司" in body
    assert application.organization.credit_code in body
    for figure in application.key_figures.all():
        assert f"<td>{figure.year}</td>" in body
    for attachment in application.attachments.all():
        assert reverse("attachment-download", args=[attachment.pk]) in body
    first = application.self_assessments.select_related("category").first()
    assert first.category.name_zh in body
    assert application.commitment.signer_name in body


def test_read_in_english(client, make_user, application):
    client.force_login(make_user(role="office"))

    body = english(client).get(read_url(application)).content.decode()

    assert "Self-assessment (GB/T 19580)" in body


def test_read_allowed_to_the_organisation_and_its_recommender(client, make_user, application):
    rep = application.organization.memberships.first().user
    recommender = make_recommender_user(make_user, application.round.program)
    for user in (rep, recommender):
        client.force_login(user)
        assert client.get(read_url(application)).status_code == 200


def test_read_refused_to_other_organisations_and_early_committee(client, make_user, application):
    other = make_org()
    outsiders = [make_rep(make_user, other), make_user(role="committee"), make_user(role="expert")]
    for user in outsiders:
        client.force_login(user)
        assert client.get(read_url(application)).status_code == 404


def test_read_committee_reads_once_in_review(client, make_user, application):
    advance(application.round, RoundPhase.RECOMMENDATION)
    put_in_state(application, ApplicationState.IN_DELIBERATION)
    client.force_login(make_user(role="committee"))

    assert client.get(read_url(application)).status_code == 200


def test_read_anonymous_goes_to_login(client, application):
    response = client.get(read_url(application))

    assert response.status_code == 302 and "/accounts/login/" in response.url


def test_read_detail_page_links_to_it(client, make_user, application):
    client.force_login(make_user(role="office"))

    assert read_url(application) in client.get(reverse("application-detail", args=[application.pk])).content.decode()


def test_read_query_count_does_not_grow_with_content(client, make_user, application):
    client.force_login(make_user(role="office"))
    with CaptureQueriesContext(connection) as ctx:
        client.get(read_url(application))
    assert len(ctx) <= 13  # measured: 13 (session, user, roles, application, its content, menu)
