"""Demo logins, one per role. Each app extends the demo data through its own `demo.py`."""

from django.contrib.auth.models import Group

from .roles import Role

DEMO_PASSWORD = "demo-pass-2026"

DEMO_USERS = [
    # username, role, full name, email
    ("office", Role.OFFICE, "王评审办", "office@example.cn"),
    ("applicant", Role.APPLICANT, "李申报", "applicant@example.cn"),
    ("recommender", Role.RECOMMENDER, "赵推荐", "recommender@example.cn"),
    ("expert", Role.EXPERT, "陈建国", "expert@example.cn"),
    ("guidance", Role.GUIDANCE, "周指导", "guidance@example.cn"),
    ("committee", Role.COMMITTEE, "孙委员", "committee@example.cn"),
    ("supervisor", Role.SUPERVISOR, "吴监督", "supervisor@example.cn"),
]


_HASHES: dict[str, str] = {}


def _password_hash(password):
    # Hash once per load: dozens of demo users would otherwise cost seconds of PBKDF2 each run.
    from django.contrib.auth.hashers import make_password

    if password not in _HASHES:
        _HASHES[password] = make_password(password)
    return _HASHES[password]


def ensure_user(username, role, full_name, email, password=DEMO_PASSWORD, staff=False):
    from .models import User

    user, created = User.objects.get_or_create(
        username=username, defaults={"full_name": full_name, "email": email, "is_staff": staff}
    )
    if created:
        user.password = _password_hash(password)
        user.save(update_fields=["password"])
    if role:
        user.groups.add(Group.objects.get(name=str(role)))
    return user


def load():
    users = {}
    for username, role, full_name, email in DEMO_USERS:
        users[username] = ensure_user(username, role, full_name, email, staff=(role == Role.OFFICE))
    admin = ensure_user("admin", None, "系统管理员", "admin@example.cn", staff=True)
    if not admin.is_superuser:
        admin.is_superuser = True
        admin.save(update_fields=["is_superuser"])
    users["admin"] = admin
    return users


def logins():
    rows = [(username, Role(role).label, DEMO_PASSWORD) for username, role, _n, _e in DEMO_USERS]
    rows.append(("admin", "superuser", DEMO_PASSWORD))
    return rows
