"""The audit trail is searched by names (issue 11): a person, an organisation (also under a name
it took after the entry was written), an application number, an action or role as the page
names it; not only by the codes and ids the entries store."""

import pytest
from django.utils import translation

from applications.models import Organization
from award_portal.audit import AuditEvent, action_label, audit_record, audit_search, role_label
from award_portal.roles import Role
from tests.applications.support import draft, make_org, make_rep, open_round

pytestmark = pytest.mark.django_db


@pytest.fixture
def office_client(client, make_user):
    client.force_login(make_user(role=Role.OFFICE, full_name="评审办 李明"))
    return client


@pytest.fixture
def two_applications(make_user):
    rnd = open_round("beijing")
    ours, theirs = make_org(name="北京甲乙精密仪器有限公司"), make_org(name="北京丙丁电子有限公司")
    return (draft(rnd, ours, make_rep(make_user, ours, full_name="张伟")),
            draft(rnd, theirs, make_rep(make_user, theirs, full_name="王芳")))


def shown_ids(client, q):
    page = client.get("/audit/", {"q": q})
    assert page.status_code == 200
    return {event.pk for event in page.context["page"].object_list}


def entries_about(obj):
    return set(AuditEvent.objects.filter(object_type=obj._meta.label_lower, object_id=str(obj.pk))
               .values_list("pk", flat=True))


def test_search_by_organisation_name_finds_its_entries_and_its_applications(office_client, two_applications):
    ours, theirs = two_applications
    submitted = audit_record(action="application.submit", obj=ours)

    found = shown_ids(office_client, "甲乙精密")

    assert submitted.pk in found and entries_about(ours) <= found
    assert not entries_about(theirs) & found


def test_search_by_a_name_the_organisation_took_later(office_client, two_applications):
    ours, _theirs = two_applications
    entry = audit_record(action="application.submit", obj=ours)  # object_repr holds the old name
    Organization.objects.filter(pk=ours.organization_id).update(name="北京甲乙新材料集团有限公司")

    assert entry.pk in shown_ids(office_client, "新材料集团")


def test_search_by_application_number(office_client, two_applications):
    ours, theirs = two_applications

    found = shown_ids(office_client, ours.number)

    assert entries_about(ours) <= found and not entries_about(theirs) & found


def test_search_by_the_name_of_the_person_who_acted(office_client, two_applications):
    ours, theirs = two_applications

    found = shown_ids(office_client, "张伟")

    zhang = AuditEvent.objects.filter(actor__full_name="张伟").values_list("actor_id", flat=True).first()
    assert zhang is not None
    for event in AuditEvent.objects.filter(pk__in=found):  # by that person, or about that person
        assert event.actor_id == zhang or (event.object_type.endswith(".user") and event.object_id == str(zhang))
    assert entries_about(ours) & found and not entries_about(theirs) & found


def test_search_by_action_and_role_as_the_page_names_them(office_client, two_applications, make_user):
    ours, _theirs = two_applications
    submitted = audit_record(action="application.submit", obj=ours)
    by_office = audit_record(action="round.phase", obj=ours.round, actor=make_user(role=Role.OFFICE))
    with translation.override("zh-hans"):
        action, role = action_label("application.submit"), role_label(Role.OFFICE)

    assert submitted.pk in shown_ids(office_client, action)
    assert by_office.pk in shown_ids(office_client, role)
    assert submitted.pk in shown_ids(english(office_client), "Submitted an application")


def test_search_page_shows_labels_not_codes(office_client, two_applications):
    ours, _theirs = two_applications
    audit_record(action="application.submit", obj=ours)

    page = office_client.get("/audit/", {"q": "甲乙精密"}).content.decode()

    assert ">application.submit<" not in page
    with translation.override("zh-hans"):
        assert action_label("application.submit") in page


def test_search_helper_without_a_match_finds_nothing(two_applications):
    assert not audit_search(AuditEvent.objects.all(), "没有这个名称的组织").exists()


def english(client):
    client.cookies["django_language"] = "en"
    return client
