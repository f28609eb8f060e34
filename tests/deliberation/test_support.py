"""The helpers of support.py do what they say."""

import pytest

from applications.workflow import TransitionError, application_transition
from deliberation.meetings import CONCLUDE_OWNER

from .support import carry, without_deliberation_guards  # noqa: F401  (the fixture)

pytestmark = pytest.mark.django_db


def test_carry_lets_the_owner_propose(world):
    w = world
    carry(w.apps[0], w.secret, office=w.office)
    application_transition(application_id=w.apps[0].pk, action="propose", actor=w.office, tier=w.secret,
                           owner=CONCLUDE_OWNER)
    with pytest.raises(TransitionError):
        application_transition(application_id=w.apps[1].pk, action="propose", actor=w.office, tier=w.secret,
                               owner=CONCLUDE_OWNER)


def test_without_guards_the_table_alone_decides(world, without_deliberation_guards):  # noqa: F811
    w = world
    application_transition(application_id=w.apps[1].pk, action="propose", actor=w.office, tier=w.secret,
                           owner=CONCLUDE_OWNER)
