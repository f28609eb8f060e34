"""A step not yet visited shows the stored values and no errors; errors appear only for what
was typed."""

import pytest

from applications.forms import figure_years
from tests.applications.support import draft, make_org, make_rep, open_round

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("step", ["basic", "declarations", "figures", "report"])
def test_an_unvisited_step_shows_no_errors(client, make_user, step):
    org = make_org()
    rep = make_rep(make_user, org)
    application = draft(open_round(), org, rep)
    client.force_login(rep)

    page = client.get(f"/applications/{application.pk}/edit/{step}/").content.decode()

    assert 'class="errorlist' not in page
    if step == "basic":
        assert org.address in page  # the stored values are shown


def test_a_step_typed_with_errors_shows_them_again(client, make_user):
    org = make_org()
    rep = make_rep(make_user, org)
    application = draft(open_round(), org, rep)
    client.force_login(rep)
    year = figure_years(application)[0]
    client.post(f"/applications/{application.pk}/edit/figures/",
                {"version": application.version, f"revenue_10k_{year}": "abc"})

    page = client.get(f"/applications/{application.pk}/edit/figures/").content.decode()

    assert 'class="errorlist' in page and 'value="abc"' in page
