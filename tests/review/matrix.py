"""The review app's permission matrix harness.

Each page module's test file declares `MATRIX = {url name: (method, args(o) -> list | None, who)}`
where `who` is a set of user keys of `review_objects.users` (Role values, "expert_a",
"expert_b", "expert_none"), or PUBLIC, and calls `check(client, o, name, row)`.
`test_matrix_complete.py` fails when a review URL has no row in any of them.

Objects scoped to group A (its application, files) name "expert_a" and never "expert_b": an
expert of another group gets 404.
"""

from django.conf import settings
from django.urls import reverse

from award_portal.audit import AuditEvent
from award_portal.roles import Role

PUBLIC = "public"
EVERY_USER = [*Role, "expert_a", "expert_b", "expert_none", None]
OFFICE = {Role.OFFICE}
POOL_READERS = {Role.OFFICE, Role.SUPERVISOR, Role.GUIDANCE}
EXPERTS = {Role.EXPERT, "expert_a", "expert_b", "expert_none"}


def refused(response, anonymous) -> bool:
    if response.status_code in (401, 403, 404):
        return True
    return anonymous and response.status_code == 302 and response["Location"].startswith(reverse(settings.LOGIN_URL))


def check(client, o, name, row):
    method, args, who = row
    url = reverse(name, args=args(o) if args else None)
    for key in EVERY_USER:
        client.logout()
        if key is not None:
            client.force_login(o.users[key])
        before = AuditEvent.objects.count()
        response = getattr(client, method)(url)
        assert response.status_code < 500, (name, key, response.status_code)
        may = who == PUBLIC or key in who
        if may:
            assert not refused(response, key is None), (name, key, response.status_code)
        else:
            assert refused(response, key is None), (name, key, response.status_code)
            assert AuditEvent.objects.count() == before, (name, key)
