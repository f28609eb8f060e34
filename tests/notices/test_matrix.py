"""Every URL of the notices app for every role and the anonymous visitor: the public pages are
public, the office's pages belong to the office (supervisors read along). A notices URL without a
row here fails `test_every_notices_url_has_a_row`."""

from types import SimpleNamespace

import pytest
from django.conf import settings
from django.core.cache import cache
from django.urls import get_resolver, reverse

from award_portal.audit import AuditEvent
from award_portal.roles import Role
from notices.objections import objection_submit
from tests.award_portal.test_permission_matrix import url_names

from .support import pdf_upload, publish, round_with_proposed

pytestmark = pytest.mark.django_db
PUBLIC = "public"
READERS = {Role.OFFICE, Role.SUPERVISOR}

MATRIX = {
    "notices-calls": ("get", None, PUBLIC),
    "notices-list": ("get", None, PUBLIC),
    "notices-detail": ("get", lambda o: [o.notice.pk], PUBLIC),
    "notices-objection-new": ("get", lambda o: [o.notice.pk], PUBLIC),
    "notices-objection-status": ("get", None, PUBLIC),
    "notices-results": ("get", None, PUBLIC),
    "notices-revoked": ("get", None, PUBLIC),
    "notices-trail-check": ("get", None, PUBLIC),
    "notices-office": ("get", None, READERS),
    "notices-publish": ("post", lambda o: [o.round.pk], {Role.OFFICE}),
    "notices-objection-review": ("get", lambda o: [o.objection.pk], READERS),
    "notices-evidence": ("get", lambda o: [o.objection.pk, o.objection.evidence.get().pk], READERS),
    "api-notices-list": ("get", None, PUBLIC),
    "api-notices-detail": ("get", lambda o: [o.notice.pk], PUBLIC),
    "api-notices-objections": ("get", None, READERS),
    "api-notices-objection-decide": ("post", lambda o: [o.objection.pk], {Role.OFFICE}),
    "api-notices-publish": ("post", lambda o: [o.round.pk], {Role.OFFICE}),
}


def test_every_notices_url_has_a_row():
    names = {n for n in url_names(get_resolver()) if n.startswith(("notices-", "api-notices-"))}
    assert sorted(names - set(MATRIX)) == []
    assert sorted(set(MATRIX) - names) == []


@pytest.fixture
def objects(make_user):
    rnd, _apps = round_with_proposed(n=2)
    notice = publish(rnd)
    objection, _secret = objection_submit(notice_id=notice.pk, entry_id=notice.entries.first().pk, facts="f",
                                          reasons="r", contact_name="n", contact="c", files=[pdf_upload()])
    users = {role: make_user(role) for role in Role}
    return SimpleNamespace(round=rnd, notice=notice, objection=objection, users=users)


def refused(response, anonymous) -> bool:
    if response.status_code in (401, 403, 404):
        return True
    return anonymous and response.status_code == 302 and response["Location"].startswith(reverse(settings.LOGIN_URL))


@pytest.mark.parametrize("name", sorted(MATRIX))
def test_who_may_open_it(client, objects, name):
    method, args, who = MATRIX[name]
    url = reverse(name, args=args(objects) if args else None)
    for key in [*Role, None]:
        cache.clear()
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
