"""Who may see and touch which application: per view, the allowed role, an outsider, anonymous.

Organisation A's applicant must not learn anything of organisation B's application: every
page answers as if it did not exist (404), never with a "forbidden" that confirms it does.
"""

import pytest
from django.conf import settings
from django.urls import reverse

from applications.enums import ApplicationState, RoundPhase
from applications.models import Application, RuleResult
from applications.services import eligibility_evaluate
from award_portal.audit import audit_events_for

from .support import (
    advance,
    authority,
    complete_application,
    draft,
    english,
    make_org,
    make_recommender_user,
    make_rep,
    open_round,
    put_in_state,
    recommended_application,
    submitted_application,
)

pytestmark = pytest.mark.django_db
S = ApplicationState


@pytest.fixture
def rnd():
    return open_round("beijing")


@pytest.fixture
def recommender(make_user, rnd):
    return make_recommender_user(make_user, rnd.program)


@pytest.fixture
def a_rep(make_user):
    return make_rep(make_user, make_org(name="甲组织有限公司"))


@pytest.fixture
def b_rep(make_user):
    return make_rep(make_user, make_org(name="乙组织有限公司"))


@pytest.fixture
def b_app(rnd, b_rep):
    """Organisation B's submitted application, with an evidence file."""
    return submitted_application(rnd, b_rep.organizations.get(), b_rep)


@pytest.fixture
def a_app(rnd, a_rep):
    return draft(rnd, a_rep.organizations.get(), a_rep)


def logged_in(client, user):
    client.force_login(user)
    return english(client)


def pages(application):
    """Every page of one application, with the method each is used with."""
    attachment = application.attachments.first()
    return {
        "detail": ("get", reverse("application-detail", args=[application.pk])),
        "edit": ("get", reverse("application-edit", args=[application.pk, "basic"])),
        "edit-post": ("post", reverse("application-edit", args=[application.pk, "basic"])),
        "pdf": ("get", reverse("application-pdf", args=[application.pk])),
        "autosave": ("post", reverse("application-autosave", args=[application.pk])),
        "upload": ("post", reverse("attachment-upload", args=[application.pk])),
        "submit": ("post", reverse("application-submit", args=[application.pk])),
        "commitment": ("post", reverse("commitment-sign", args=[application.pk])),
        "download": ("get", reverse("attachment-download", args=[attachment.pk])),
        "delete-attachment": ("post", reverse("attachment-delete", args=[attachment.pk])),
        "recommend": ("post", reverse("application-recommend", args=[application.pk])),
        "transition": ("post", reverse("application-transition", args=[application.pk])),
        "api-detail": ("get", reverse("api-application-detail", args=[application.pk])),
        "api-transition": ("post", reverse("api-application-transition", args=[application.pk])),
    }


def listed(client, url_name="application-list"):
    response = client.get(reverse(url_name))
    assert response.status_code == 200
    if url_name.startswith("api"):
        return {row["id"] for row in response.json()["results"]}
    return {a.pk for a in response.context["applications"]}


def frozen(application):
    application.refresh_from_db()
    return (application.state, application.draft_data, application.version,
            application.attachments.count(), application.state_changes.count())


# ------------------------------------------------------------------ another organisation

def test_applicant_of_another_organisation_gets_404_everywhere(client, a_rep, a_app, b_app):
    client = logged_in(client, a_rep)
    before = frozen(b_app)

    answers = {name: getattr(client, method)(url, {"step": "basic", "version": b_app.version,
                                                   "action": "withdraw", "reason": "x"}).status_code
               for name, (method, url) in pages(b_app).items()}

    assert answers == {name: 404 for name in answers}
    assert frozen(b_app) == before
    assert not audit_events_for(b_app).filter(actor=a_rep).exists()


def test_lists_show_only_the_own_organisations_applications(client, a_rep, a_app, b_app):
    client = logged_in(client, a_rep)

    assert listed(client) == {a_app.pk}
    assert listed(client, "api-application-list") == {a_app.pk}


def test_own_application_is_reachable(client, a_rep, a_app):
    client = logged_in(client, a_rep)

    assert client.get(reverse("application-detail", args=[a_app.pk])).status_code == 200
    assert client.get(reverse("application-edit", args=[a_app.pk, "basic"])).status_code == 200
    assert client.get(reverse("api-application-detail", args=[a_app.pk])).json()["state"] == "draft"


# ------------------------------------------------------------------ recommenders

def test_recommender_sees_only_what_is_routed_to_their_authority_and_submitted(
        client, make_user, rnd, recommender, b_app):
    other_authority = rnd.program.recommenders.exclude(pk=authority(rnd.program).pk).first()
    elsewhere_rep = make_rep(make_user, make_org())
    elsewhere = submitted_application(rnd, elsewhere_rep.organizations.get(), elsewhere_rep)
    Application.objects.filter(pk=elsewhere.pk).update(recommender=other_authority)
    draft_rep = make_rep(make_user, make_org())
    routed_draft = complete_application(rnd, draft_rep.organizations.get(), draft_rep)
    assert routed_draft.recommender == authority(rnd.program)
    client = logged_in(client, recommender)

    assert listed(client) == {b_app.pk}
    assert listed(client, "api-application-list") == {b_app.pk}
    assert client.get(reverse("application-detail", args=[b_app.pk])).status_code == 200
    assert client.get(reverse("application-detail", args=[elsewhere.pk])).status_code == 404
    assert client.get(reverse("application-detail", args=[routed_draft.pk])).status_code == 404
    assert client.get(reverse("application-pdf", args=[routed_draft.pk])).status_code == 404


def test_recommender_may_read_but_not_edit_the_application(client, recommender, b_app):
    client = logged_in(client, recommender)
    before = frozen(b_app)

    edit = client.get(reverse("application-edit", args=[b_app.pk, "basic"]))
    autosave = client.post(reverse("application-autosave", args=[b_app.pk]), {"step": "basic", "version": 1})
    download = client.get(reverse("attachment-download", args=[b_app.attachments.first().pk]))

    assert (edit.status_code, autosave.status_code, download.status_code) == (403, 403, 200)
    assert frozen(b_app) == before


# ------------------------------------------------------------------ other roles

@pytest.mark.parametrize("role", ["expert", "guidance", "committee"])
def test_reviewers_see_nothing_before_material_review(client, make_user, role, b_app):
    client = logged_in(client, make_user(role=role))

    assert listed(client) == set()
    assert listed(client, "api-application-list") == set()
    for name in ("detail", "pdf", "download", "api-detail"):
        method, url = pages(b_app)[name]
        assert getattr(client, method)(url).status_code == 404, name


@pytest.mark.parametrize(("role", "sees"), [("guidance", True), ("committee", True), ("expert", False)])
def test_guidance_and_committee_read_applications_in_review(client, make_user, b_app, role, sees):
    put_in_state(b_app, S.IN_MATERIAL_REVIEW)
    client = logged_in(client, make_user(role=role))

    assert listed(client) == ({b_app.pk} if sees else set())
    assert client.get(reverse("application-detail", args=[b_app.pk])).status_code == (200 if sees else 404)


def test_anonymous_is_sent_to_the_login_page(client, b_app):
    for name, (method, url) in pages(b_app).items():
        response = getattr(client, method)(url)
        if name.startswith("api"):
            assert response.status_code in (401, 403), name
        else:
            assert response.status_code == 302, name
            assert response["Location"].startswith(reverse(settings.LOGIN_URL) + "?next="), name
    assert client.get(reverse("api-application-list")).status_code in (401, 403)


# ------------------------------------------------------------------ supervisor and office

def test_supervisor_reads_everything_but_transitions_are_refused(client, make_user, b_app):
    supervisor = make_user(role="supervisor")
    client = logged_in(client, supervisor)
    before = frozen(b_app)

    assert listed(client) == {b_app.pk}
    assert client.get(reverse("application-detail", args=[b_app.pk])).status_code == 200
    assert client.get(reverse("attachment-download", args=[b_app.attachments.first().pk])).status_code == 200
    page = client.post(reverse("application-transition", args=[b_app.pk]),
                       {"action": "recommend", "expected_state": "submitted"}, follow=True)
    api = client.post(reverse("api-application-transition", args=[b_app.pk]), {"action": "return", "reason": "x"})

    assert [str(m) for m in page.context["messages"]] == ["You may not “Recommend” this application."]
    assert (api.status_code, api.json()["code"]) == (403, "role")
    assert frozen(b_app) == before
    assert not audit_events_for(b_app).filter(actor=supervisor).exclude(action="attachment.download").exists()


@pytest.fixture
def screened(make_user, rnd, recommender):
    """A recommended application of an organisation registered last year, in eligibility review:
    its "registered for three years" rule fails."""
    import datetime

    from django.utils import timezone

    rep = make_rep(make_user, make_org(registered_on=timezone.localdate() - datetime.timedelta(days=400)))
    application = recommended_application(rnd, rep.organizations.get(), rep, recommender)
    advance(rnd, RoundPhase.ELIGIBILITY)
    eligibility_evaluate(application_id=application.pk)
    return application, rep, application.rule_results.get(outcome="fail")


def test_office_decides_a_rule_result_and_a_reason_is_required(client, make_user, screened):
    application, _rep, result = screened
    office = make_user(role="office")
    client = logged_in(client, office)
    url = reverse("rule-result-decide", args=[result.pk])

    refused = client.post(url, {"decision": "overridden", "reason": "  "}, follow=True)
    result.refresh_from_db()
    assert [str(m) for m in refused.context["messages"]] == [
        "Write the reason for the decision: it is recorded in the audit trail."]
    assert (result.decision, result.decided_by) == ("", None)

    response = client.post(url, {"decision": "overridden", "reason": "营业执照变更前已注册满三年"})

    assert response.status_code == 302
    result.refresh_from_db()
    assert (result.decision, result.decision_reason, result.decided_by) == (
        RuleResult.Decision.OVERRIDDEN, "营业执照变更前已注册满三年", office)


@pytest.mark.parametrize("role", ["applicant", "supervisor", "recommender", "expert"])
def test_only_the_office_may_decide_rule_results(client, make_user, screened, role, recommender):
    application, rep, result = screened
    user = {"applicant": rep, "recommender": recommender}.get(role) or make_user(role=role)
    client = logged_in(client, user)

    response = client.post(reverse("rule-result-decide", args=[result.pk]),
                           {"decision": "overridden", "reason": "我说符合"})

    assert response.status_code == 403
    result.refresh_from_db()
    assert (result.decision, result.decision_reason) == ("", "")
    assert not audit_events_for(application).filter(action__startswith="eligibility.overridden").exists()
