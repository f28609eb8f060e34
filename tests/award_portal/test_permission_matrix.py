"""The permission matrix: every URL of the portal, every role, and the anonymous visitor.

`MATRIX` names, for each URL, the method it is used with and who may use it. A URL added to
the portal without a row here fails `test_every_url_is_in_the_matrix`, so no page or API
operation ships without someone having decided who may reach it. Who may *change* what through
a reachable write is tested where the rule lives (the transition table, the services); here a
refused actor must get 403/404 (or the login page) and leave no audit trace.

Big-data URLs have their own matrix (tests/bigdata), named here so that the list is complete.
"""

import pytest
from django.conf import settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from applications.models import RuleResult
from award_portal.audit import AuditEvent
from award_portal.roles import Role
from tests.applications.support import (
    advance,
    make_org,
    make_recommender_user,
    make_rep,
    open_round,
    submitted_application,
)

pytestmark = pytest.mark.django_db

PUBLIC = "public"
LOGGED_IN = "logged_in"
OFFICE = {Role.OFFICE}
READERS = {Role.OFFICE, Role.SUPERVISOR}
ROUND_READERS = {Role.OFFICE, Role.SUPERVISOR, Role.GUIDANCE, Role.COMMITTEE}
#: Who may read the submitted application below: its organisation, the authority it is routed to,
#: the office and the supervisors (reviewers only see it once it is in review).
APPLICATION_READERS = {Role.APPLICANT, Role.RECOMMENDER, Role.OFFICE, Role.SUPERVISOR}
#: Who logs in with a second factor (superusers too, who have no role): award_portal/accounts.py.
SECOND_FACTOR = {Role.OFFICE, Role.SUPERVISOR}
ELSEWHERE = "elsewhere"  # covered by its own app's matrix (named in the comment)

# name: (method, args(objects) -> list, who)
MATRIX = {
    "home": ("get", None, PUBLIC),
    "healthz": ("get", None, PUBLIC),
    "programs": ("get", None, PUBLIC),
    "program-register": ("get", lambda o: [o.program.code], PUBLIC),
    "login": ("get", None, PUBLIC),
    "password_reset": ("get", None, PUBLIC),
    "password_reset_done": ("get", None, PUBLIC),
    "password_reset_confirm": ("get", lambda o: ["MQ", "set-password"], PUBLIC),
    "password_reset_complete": ("get", None, PUBLIC),
    "organization-register": ("get", None, PUBLIC),
    "invitation-accept": ("get", lambda o: ["no-such-token"], ELSEWHERE),  # tests/applications/test_registration.py
    "api-program-list": ("get", None, PUBLIC),
    "api-program-detail": ("get", lambda o: [o.program.pk], PUBLIC),
    "api-schema": ("get", None, ELSEWHERE),  # the OpenAPI document (tests/award_portal/test_healthz.py)
    "logout": ("post", None, ELSEWHERE),  # Django's own
    "password_change": ("get", None, LOGGED_IN),
    "password_change_done": ("get", None, LOGGED_IN),
    "otp-setup": ("get", None, SECOND_FACTOR),
    "otp-verify": ("get", None, SECOND_FACTOR),
    "notifications": ("get", None, LOGGED_IN),
    "application-list": ("get", None, LOGGED_IN),
    "api-application-list": ("get", None, LOGGED_IN),
    "api-round-list": ("get", None, LOGGED_IN),
    "audit-trail": ("get", None, READERS),
    "calendar": ("get", None, READERS),
    "calendar-year-enter": ("get", None, OFFICE),
    "round-list": ("get", None, ROUND_READERS),
    "round-dashboard": ("get", lambda o: [o.round.pk], ROUND_READERS),
    "api-round-detail": ("get", lambda o: [o.round.pk], ROUND_READERS),
    "round-advance": ("post", lambda o: [o.round.pk], OFFICE),
    "round-bulk": ("post", lambda o: [o.round.pk], OFFICE),
    "organization-detail": ("get", lambda o: [o.application.organization_id], APPLICATION_READERS - {Role.RECOMMENDER}),
    "application-start": ("get", None, {Role.APPLICANT}),
    "application-detail": ("get", lambda o: [o.application.pk], APPLICATION_READERS),
    "application-read": ("get", lambda o: [o.application.pk], APPLICATION_READERS),
    "api-application-detail": ("get", lambda o: [o.application.pk], APPLICATION_READERS),
    "application-pdf": ("get", lambda o: [o.application.pk], APPLICATION_READERS),
    "attachment-download": ("get", lambda o: [o.attachment.pk], APPLICATION_READERS),
    # Writes on one application: reachable by its readers (the table or the form then decides).
    "application-transition": ("post", lambda o: [o.application.pk], APPLICATION_READERS),
    "api-application-transition": ("post", lambda o: [o.application.pk], APPLICATION_READERS),
    "application-recommend": ("post", lambda o: [o.application.pk], APPLICATION_READERS),
    "application-edit": ("get", lambda o: [o.application.pk, "basic"], {Role.APPLICANT}),
    "application-autosave": ("post", lambda o: [o.application.pk], {Role.APPLICANT}),
    "attachment-upload": ("post", lambda o: [o.application.pk], {Role.APPLICANT}),
    "attachment-delete": ("post", lambda o: [o.attachment.pk], {Role.APPLICANT}),
    "commitment-sign": ("post", lambda o: [o.application.pk], {Role.APPLICANT}),
    "application-submit": ("post", lambda o: [o.application.pk], {Role.APPLICANT}),
    "eligibility-rerun": ("post", lambda o: [o.application.pk], OFFICE),
    "rule-result-decide": ("post", lambda o: [o.rule_result_id], OFFICE),
}
BIGDATA = "bigdata"  # URL names starting with this: tests/bigdata's permission matrix
REVIEW = ("review-", "api-review-")  # tests/review's permission matrix
#: The end of a round: tests/deliberation, tests/notices and tests/awards hold their matrices.
ROUND_END = ("deliberation-", "api-deliberation-", "notices-", "api-notices-", "awards-", "api-awards-",
             "monitoring-", "api-monitoring-", "cultivation-", "api-cultivation-")


def url_names(resolver=None, namespace=""):
    """Every named URL of the portal, without Django's admin and the language switch."""
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace == "admin" or "i18n" in str(pattern.pattern):
                continue
            yield from url_names(pattern)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield pattern.name


def test_every_url_is_in_the_matrix():
    names = {n for n in url_names() if not n.startswith((BIGDATA, "api-import", "api-run", "api-flag", *REVIEW, *ROUND_END))}
    names -= {"api-root"}  # DRF's browsable index of the routers
    assert sorted(names - set(MATRIX)) == []
    assert sorted(set(MATRIX) - names) == []


@pytest.fixture
def objects(make_user):
    rnd = open_round("beijing")
    rep = make_rep(make_user, make_org(name="矩阵测试有限公司"))
    application = submitted_application(rnd, rep.organizations.get(), rep)
    users = {role: make_user(role) for role in Role}
    users[Role.APPLICANT] = rep
    users[Role.RECOMMENDER] = make_recommender_user(make_user, rnd.program)
    assert application.recommender.members.filter(pk=users[Role.RECOMMENDER].pk).exists()
    # The same roles, for another organisation and another authority: object-scoped URLs refuse them.
    users[OTHER_APPLICANT] = make_rep(make_user, make_org(name="另一组织有限公司"))
    users[OTHER_RECOMMENDER] = make_user(Role.RECOMMENDER)
    other_authority = rnd.program.recommenders.exclude(pk=application.recommender_id).first()
    other_authority.members.add(users[OTHER_RECOMMENDER])

    class Objects:
        pass

    o = Objects()
    o.round, o.program, o.application, o.users = rnd, rnd.program, application, users
    o.attachment = application.attachments.first()
    o.rule_result_id = RuleResult.objects.create(application=application, rule=rnd.program.eligibility_rules.first(),
                                                 outcome="needs_review", reason="待核实").pk
    return o


OTHER_APPLICANT, OTHER_RECOMMENDER = "applicant of another organisation", "recommender of another authority"
OTHERS = {OTHER_APPLICANT: Role.APPLICANT, OTHER_RECOMMENDER: Role.RECOMMENDER}
#: URLs about the application, its files, rule results or organisation: a user holding the right
#: role for *another* organisation or authority is refused (404: nothing confirms it exists).
OBJECT_SCOPED = {
    "application-detail", "application-read", "api-application-detail", "application-pdf", "attachment-download", "application-transition",
    "api-application-transition", "application-recommend", "application-edit", "application-autosave",
    "attachment-upload", "attachment-delete", "commitment-sign", "application-submit", "organization-detail",
}


def allowed(who, role, name) -> bool:
    if who == PUBLIC:
        return True
    if who == LOGGED_IN:
        return role is not None
    if role in OTHERS:
        return name not in OBJECT_SCOPED and OTHERS[role] in who
    return role in who


def refused_status(response, anonymous) -> bool:
    if response.status_code in (401, 403, 404):
        return True
    login = reverse(settings.LOGIN_URL)
    return anonymous and response.status_code == 302 and response["Location"].startswith(login)


@pytest.mark.parametrize("name", sorted(n for n, row in MATRIX.items() if row[2] != ELSEWHERE))
def test_matrix(client, objects, name):
    method, args, who = MATRIX[name]
    url = reverse(name, args=args(objects) if args else None)
    for role in [*Role, OTHER_APPLICANT, OTHER_RECOMMENDER, None]:
        client.logout()
        if role is not None:
            client.force_login(objects.users[role])
        audit_before = AuditEvent.objects.count()

        response = getattr(client, method)(url)

        assert response.status_code < 500, (name, role, response.status_code)
        if allowed(who, role, name):
            assert not refused_status(response, role is None), (name, role, response.status_code)
        else:
            assert refused_status(response, role is None), (name, role, response.status_code)
            assert AuditEvent.objects.count() == audit_before, (name, role)


def test_reviewers_reach_the_application_once_it_is_in_review(client, objects):
    """Guidance and committee read applications in review; an expert only what is assigned."""
    advance(objects.round, "material_review")
    type(objects.application).objects.filter(pk=objects.application.pk).update(state="in_material_review")
    url = reverse("application-detail", args=[objects.application.pk])
    for role, status in [(Role.GUIDANCE, 200), (Role.COMMITTEE, 200), (Role.EXPERT, 404)]:
        client.force_login(objects.users[role])
        assert client.get(url).status_code == status, role
