"""The cultivation app's permission matrix: every "cultivation-" and "api-cultivation-" URL, for
every role, an organisation's member ("member") and the anonymous visitor. A URL without a row
fails the test. Refused means 401/403/404 (or the login page for the anonymous visitor) and writes
no audit entry; allowed means anything below 500 that is not a refusal (a POST without data gets
400 with its reason)."""

import pytest
from django.conf import settings
from django.core.cache import cache
from django.urls import get_resolver, reverse

from award_portal.audit import AuditEvent
from award_portal.roles import Role
from tests.award_portal.test_permission_matrix import url_names
from tests.cultivation.support import setup

pytestmark = pytest.mark.django_db
PUBLIC = "public"
READERS = {Role.OFFICE, Role.SUPERVISOR}
OFFICE = {Role.OFFICE}
MEMBER = {"member"}
EVERY_USER = [*Role, "member", None]

MATRIX = {
    "cultivation-home": ("get", None, READERS),
    "cultivation-campaign-create": ("post", None, OFFICE),
    "cultivation-campaign": ("get", lambda o: [o.campaign.pk], READERS),
    "cultivation-track": ("post", lambda o: [o.campaign.pk], OFFICE),
    "cultivation-progress": ("get", lambda o: [o.campaign.pk], PUBLIC),
    "cultivation-public": ("get", None, PUBLIC),
    "cultivation-tracked": ("get", lambda o: [o.tracked[0].pk], READERS | MEMBER),
    "cultivation-cultivate": ("post", lambda o: [o.tracked[1].pk], OFFICE),
    "cultivation-method-add": ("post", lambda o: [o.tracked[0].pk], OFFICE | MEMBER),
    "cultivation-course-create": ("post", None, OFFICE),
    "cultivation-course": ("get", lambda o: [o.past.pk], READERS),
    "cultivation-enrol": ("post", lambda o: [o.future.pk], OFFICE | MEMBER),
    "cultivation-attendance": ("post", lambda o: [o.past.pk], OFFICE),
    "cultivation-grants": ("get", None, READERS),
    "cultivation-grant": ("post", None, OFFICE),
    "cultivation-mine": ("get", None, MEMBER),
    "api-cultivation-campaigns": ("get", None, READERS),
    "api-cultivation-progress": ("get", lambda o: [o.campaign.pk], PUBLIC),
    "api-cultivation-courses": ("get", None, READERS),
    "api-cultivation-attendance": ("post", lambda o: [o.past.pk], OFFICE),
    "api-cultivation-methods": ("post", lambda o: [o.tracked[0].pk], OFFICE | MEMBER),
    "api-cultivation-mine": ("get", None, MEMBER),
}


def test_every_cultivation_url_has_a_row():
    names = {n for n in url_names(get_resolver()) if n.startswith(("cultivation-", "api-cultivation-"))}
    assert sorted(names - set(MATRIX)) == []
    assert sorted(set(MATRIX) - names) == []


@pytest.fixture
def objects(make_user):
    o = setup(make_user)
    o.users = {role: make_user(role) for role in Role}
    o.users[Role.OFFICE] = o.office
    o.users["member"] = o.member
    return o


def refused(response, anonymous) -> bool:
    if response.status_code in (401, 403, 404):
        return True
    return anonymous and response.status_code == 302 and response["Location"].startswith(reverse(settings.LOGIN_URL))


@pytest.mark.parametrize("name", sorted(MATRIX))
def test_matrix(client, objects, name):
    cache.clear()
    method, args, who = MATRIX[name]
    url = reverse(name, args=args(objects) if args else None)
    for key in EVERY_USER:
        client.logout()
        if key is not None:
            client.force_login(objects.users[key])
        before = AuditEvent.objects.count()
        response = getattr(client, method)(url)
        assert response.status_code < 500, (name, key, response.status_code)
        if who == PUBLIC or key in who:
            assert not refused(response, key is None), (name, key, response.status_code)
        else:
            assert refused(response, key is None), (name, key, response.status_code)
            assert AuditEvent.objects.count() == before, (name, key)


def test_a_campaign_not_public_is_hidden_from_the_public(client, objects):
    objects.campaign.is_public = False
    objects.campaign.save()
    assert client.get(reverse("cultivation-progress", args=[objects.campaign.pk])).status_code == 404
    assert client.get(reverse("api-cultivation-progress", args=[objects.campaign.pk])).status_code == 404
    client.force_login(objects.users[Role.SUPERVISOR])
    assert client.get(reverse("cultivation-progress", args=[objects.campaign.pk])).status_code == 200
