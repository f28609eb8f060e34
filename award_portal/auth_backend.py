"""The portal's model backend: Django's, with the account and its roles read in one statement.

`get_user` runs on every request of a logged-in user. Django's reads the account with an ORM
query built afresh each time, and the first role check reads the groups with another; here one
statement, compiled and prepared once (award_portal/compiled.py), returns the account's columns
and one flag per role, and the roles are set on the account as `roles.user_roles` would have
read them. Everything else (authenticate, permissions, `user_can_authenticate`) is Django's.
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef

from .compiled import CompiledQuery
from .roles import Role

PATH = "award_portal.auth_backend.PortalModelBackend"


def _fields(model):
    return [f.attname for f in model._meta.concrete_fields]


def _account_with_roles(pk):
    model = get_user_model()
    flags = {f"role_{r}": Exists(Group.objects.filter(user=OuterRef("pk"), name=r)) for r in Role.values}
    return model._default_manager.filter(pk=pk).order_by().annotate(**flags).values_list(*_fields(model), *flags)


_ACCOUNT = None


def _account_query() -> CompiledQuery:
    global _ACCOUNT
    if _ACCOUNT is None:
        _ACCOUNT = CompiledQuery(get_user_model(), _account_with_roles, pk=-730_003)
    return _ACCOUNT


class PortalModelBackend(ModelBackend):
    def get_user(self, user_id):
        model = get_user_model()
        try:
            pk = model._meta.pk.to_python(user_id)
        except ValidationError:
            return None
        row = _account_query().first(pk=pk)
        if row is None:
            return None
        fields = _fields(model)
        user = model.from_db(model._default_manager.db, fields, row[:len(fields)])
        user._role_cache = frozenset(r for r, held in zip(Role.values, row[len(fields):], strict=True) if held)
        return user if self.user_can_authenticate(user) else None
