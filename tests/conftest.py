"""Fixtures shared by every app's tests. Keep them small, generic and boring."""

import itertools

import pytest
from django.contrib.auth.models import Group

from award_portal.demo import DEMO_PASSWORD
from tests.applications.support import without_round_end_guards  # noqa: F401 (a fixture for every test module)


@pytest.fixture
def make_user(db, django_user_model):
    """A factory: `make_user(role="office")` creates a user in that role's group.

    The password is the demo password, so a test can also log in through the login form.
    Extra keyword arguments become model fields (`is_staff=True`, `full_name="…"`).
    """
    counter = itertools.count(1)

    def make(role=None, *, username=None, password=DEMO_PASSWORD, **fields):
        username = username or f"{role or 'user'}-{next(counter)}"
        user = django_user_model.objects.create_user(username=username, password=password, **fields)
        if role:
            # get_or_create: the groups come from a data migration, which a flushed
            # (transactional) test database no longer holds.
            user.groups.add(Group.objects.get_or_create(name=str(role))[0])
        return user

    return make


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in the portal's default language (Chinese), whatever an earlier test
    activated outside a request."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)
