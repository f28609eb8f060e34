"""The pieces every logged-in request goes through fast (issue 13): statements compiled and
prepared once, the account read with its roles in one statement, one Redis client per pool."""

import os

import pytest
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.urls import reverse

from award_portal.auth_backend import PATH, PortalModelBackend
from award_portal.compiled import CompiledQuery
from award_portal.roles import Role, user_roles

pytestmark = pytest.mark.django_db


def _by_username(name):
    from award_portal.models import User

    return User.objects.filter(username=name).values_list("pk", "username")


@pytest.mark.django_db(transaction=True)
def test_a_compiled_query_answers_what_the_orm_answers_and_survives_a_new_connection(make_user):
    users = [make_user(Role.OFFICE), make_user(Role.EXPERT)]
    from award_portal.models import User

    compiled = CompiledQuery(User, _by_username, name="-sentinel-name-")
    for user in users:
        assert compiled.rows(name=user.username) == list(_by_username(user.username))
    assert compiled.first(name="nobody") is None
    connection.close()  # a new connection has no prepared statement: it is prepared again
    assert compiled.first(name=users[0].username) == (users[0].pk, users[0].username)


def test_a_sentinel_that_does_not_reach_the_sql_is_refused():
    from award_portal.models import User

    compiled = CompiledQuery(User, lambda name: User.objects.values_list("pk"), name="-unused-")
    with pytest.raises(ValueError, match="sentinel"):
        compiled.rows(name="x")


def test_the_backend_reads_the_account_with_exactly_its_roles_afresh_each_time(make_user):
    user = make_user(Role.EXPERT)
    user.groups.add(Group.objects.get_or_create(name=str(Role.GUIDANCE))[0])
    backend = PortalModelBackend()
    loaded = backend.get_user(str(user.pk))
    assert loaded == user and loaded.password == user.password
    assert user_roles(loaded) == frozenset({"expert", "guidance"})
    user.groups.remove(Group.objects.get(name=str(Role.GUIDANCE)))
    assert user_roles(backend.get_user(user.pk)) == frozenset({"expert"})
    user.is_active = False
    user.save(update_fields=["is_active"])
    assert backend.get_user(user.pk) is None
    assert backend.get_user("not-a-number") is None and backend.get_user(10**9) is None


def test_a_role_taken_away_ends_its_pages_on_the_next_request(make_user):
    office = make_user(Role.OFFICE)
    client = Client()
    client.force_login(office, backend=PATH)
    assert client.get(reverse("audit-trail")).status_code == 200
    office.groups.clear()
    assert client.get(reverse("audit-trail")).status_code in (302, 403, 404)


@pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="the Redis cache is configured with REDIS_URL")
def test_the_redis_cache_keeps_one_client_per_pool():
    cache.set("fast-paths:probe", {"a": 1}, 30)
    assert cache.get("fast-paths:probe") == {"a": 1}
    client = cache._cache.get_client(write=True)
    assert client is cache._cache.get_client(write=True)

