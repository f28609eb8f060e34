"""No path around a rule: every action of the table posted to both generic transition endpoints
(the page and `POST /api/applications/<pk>/transition/`), as every role.

The result must be a refusal that leaves no trace, or exactly what the dedicated path gives.
Owned transitions (submit, recommend, return: they need a snapshot, an opinion, a stamped form,
a `Recommendation` row) are refused on both endpoints even for the role allowed to take them.
"""

import pytest
from django.urls import reverse

from applications.enums import Action, ApplicationState
from applications.models import Application, StateChange
from applications.workflow import TRANSITIONS, application_transition
from award_portal.demo import DEMO_PASSWORD
from award_portal.roles import Role

from .test_workflow import english, phase_for, prepare, roles_for, world  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db

ENDPOINTS = ["page", "api"]
ACTORS = [*Role, None]


def outcome(application) -> tuple:
    application = Application.objects.get(pk=application.pk)
    changes = list(StateChange.objects.filter(application=application).values_list(
        "action", "from_state", "to_state", "role", "reason", "tier_id"))
    return application.state, application.tier_id, application.feedback, changes


def post(client, endpoint, application, action, kwargs):
    data = {"action": action, "reason": kwargs.get("reason", ""), "expected_state": application.state}
    if kwargs.get("tier") is not None:
        data["tier"] = kwargs["tier"].pk
    if endpoint == "page":
        return client.post(reverse("application-transition", args=[application.pk]), data)
    return client.post(reverse("api-application-transition", args=[application.pk]), data)


def client_for(client, user):
    client.logout()
    if user is not None:
        assert client.login(username=user.username, password=DEMO_PASSWORD)
    return client


@pytest.mark.parametrize("endpoint", ENDPOINTS)
@pytest.mark.parametrize("action", list(TRANSITIONS))
def test_generic_endpoints_refuse_or_match_the_dedicated_path(client, world, endpoint, action):  # noqa: F811 (the imported fixture)
    transition = TRANSITIONS[action]
    source = sorted(transition.sources)[0]
    allowed = roles_for(transition, world.program)
    world.tier.quota = 100  # room for every twin proposal
    world.tier.save(update_fields=["quota"])
    for role in ACTORS:
        actor = world.actors[role]
        application = world.application(source, phase_for(action))
        kwargs = prepare(world, application, action)
        before = outcome(application)

        response = post(client_for(client, actor), endpoint, application, action, kwargs)

        assert response.status_code < 500, (role, response.status_code)
        after = outcome(application)
        if role in allowed and not transition.owner:
            # What the dedicated path (the transition service) gives on a twin application.
            twin = world.application(source, phase_for(action))
            twin_kwargs = prepare(world, twin, action)
            application_transition(application_id=twin.pk, action=action, actor=actor, **twin_kwargs)
            assert after == outcome(twin), (role, endpoint)
            assert after[0] == transition.target
        else:
            assert after == before, (role, endpoint)
            if endpoint == "api":
                assert response.status_code in (401, 403, 404, 409), (role, response.status_code)


@pytest.mark.parametrize("action", [t.action for t in TRANSITIONS.values() if t.owner])
def test_owned_transition_names_its_own_form_to_the_allowed_role(client, world, action):  # noqa: F811 (the imported fixture)
    transition = TRANSITIONS[action]
    role = sorted(roles_for(transition, world.program))[0]
    application = world.application(sorted(transition.sources)[0], phase_for(action))
    kwargs = prepare(world, application, action)
    client_for(client, world.actors[role])
    client.cookies["django_language"] = "en"

    api = post(client, "api", application, action, kwargs)
    page = client.post(reverse("application-transition", args=[application.pk]),
                       {"action": action, "reason": kwargs.get("reason", "")}, follow=True)

    assert (api.status_code, api.json()["code"]) == (409, "owned")
    assert any("has its own form" in str(m) for m in page.context["messages"])
    assert Application.objects.get(pk=application.pk).state == application.state


def test_bulk_action_refuses_an_owned_transition(client, world):  # noqa: F811 (the imported fixture)
    application = world.application(ApplicationState.SUBMITTED, phase_for(Action.RECOMMEND))
    client_for(client, world.office)

    client.post(reverse("round-bulk", args=[application.round_id]), {"action": Action.RECOMMEND})

    assert Application.objects.get(pk=application.pk).state == ApplicationState.SUBMITTED
