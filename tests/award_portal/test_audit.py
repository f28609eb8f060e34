"""The audit trail: a hash chain, append-only in the ORM and (on PostgreSQL) in the database."""

import datetime
from contextlib import contextmanager
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction
from django.test import RequestFactory

from award_portal.audit import (
    GENESIS_HASH,
    AuditEvent,
    AuditImmutableError,
    audit_record,
    audit_verify_chain,
)
from award_portal.middleware import client_ip
from award_portal.roles import Role
from award_portal.workdays import CalendarYear
from tests.applications.support import draft, form_values, make_org, make_rep, open_round

pytestmark = pytest.mark.django_db

TABLE = "award_portal_auditevent"
TRIGGER = "award_portal_audit_append_only"

postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="the append-only trigger exists only on PostgreSQL (migration 0002)",
)


@contextmanager
def trigger_disabled():
    """Lets a test tamper with rows through raw SQL, as someone with table rights could."""
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        # The test's transaction holds deferred foreign-key checks from the inserts, and
        # PostgreSQL refuses ALTER TABLE while they are pending: run them now.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute(f"ALTER TABLE {TABLE} DISABLE TRIGGER {TRIGGER}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"ALTER TABLE {TABLE} ENABLE TRIGGER {TRIGGER}")
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")


def raw_sql(sql, params=()):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount


def record_three():
    return [
        audit_record(action="test.first", object_type="thing", object_id="1", after={"n": 1}),
        audit_record(action="test.second", object_type="thing", object_id="2", before={"n": 1}, after={"n": 2}),
        audit_record(action="test.third", object_type="thing", object_id="3", after={"名称": "质量奖"}),
    ]


def verify_output():
    """The verdict: the last line verify_audit prints (notes about anchors come before it)."""
    out = StringIO()
    call_command("verify_audit", stdout=out)
    return out.getvalue().strip().splitlines()[-1]


# --- The chain ------------------------------------------------------------------------------


def test_audit_record_first_entry_links_to_genesis():
    event = audit_record(action="test.first")

    assert event.prev_hash == GENESIS_HASH
    assert event.hash == event.compute_hash()


def test_audit_record_each_entry_links_to_the_previous_hash():
    first, second, third = record_three()

    stored = list(AuditEvent.objects.order_by("id").values_list("prev_hash", "hash"))
    assert stored == [
        (GENESIS_HASH, first.hash),
        (first.hash, second.hash),
        (second.hash, third.hash),
    ]
    assert len({first.hash, second.hash, third.hash}) == 3


def test_audit_record_stored_entry_hashes_to_its_hash():
    # What is hashed must equal what the database gives back (JSON, times, addresses).
    record_three()

    for event in AuditEvent.objects.all():
        assert event.compute_hash() == event.hash


def test_audit_record_fills_object_fields_from_instance():
    year = CalendarYear.objects.create(year=2027, source_document="国办发明电〔2026〕1号")

    event = audit_record(action="calendar.year_saved", obj=year)

    assert (event.object_type, event.object_id, event.object_repr) == ("award_portal.calendaryear", str(year.pk), "2027")


def test_audit_record_without_request_is_system():
    event = audit_record(action="test.cron")

    assert (event.actor, event.actor_name, event.role, event.ip) == (None, "", "system", None)


# --- verify_audit ---------------------------------------------------------------------------


def test_verify_audit_intact_chain_reports_verified():
    record_three()

    assert verify_output().strip() == "audit trail verified: 3 entries, chain intact"


def test_verify_audit_empty_trail_reports_verified():
    assert verify_output().strip() == "audit trail verified: 0 entries, chain intact"


def test_verify_audit_changed_row_fails_naming_it():
    first, second, third = record_three()
    with trigger_disabled():
        assert raw_sql(f"UPDATE {TABLE} SET action = %s WHERE id = %s", ["test.forged", second.pk]) == 1

    with pytest.raises(CommandError) as excinfo:
        verify_output()

    assert f"#{second.pk} " in str(excinfo.value)
    assert "content does not match its hash" in str(excinfo.value)
    assert audit_verify_chain()[:2] == (1, AuditEvent.objects.get(pk=second.pk))


def test_verify_audit_changed_json_fails_naming_it():
    first, second, third = record_three()
    with trigger_disabled():
        raw_sql(f"UPDATE {TABLE} SET after = %s WHERE id = %s", ['{"n": 3}', second.pk])

    with pytest.raises(CommandError, match=f"#{second.pk} "):
        verify_output()


def test_verify_audit_rehashed_row_fails_at_its_mac():
    # A forger who recomputes the changed row's own hash cannot recompute its MAC (no key).
    first, second, third = record_three()
    forged = AuditEvent.objects.get(pk=second.pk)
    forged.action = "test.forged"
    with trigger_disabled():
        raw_sql(f"UPDATE {TABLE} SET action = %s, hash = %s WHERE id = %s",
                [forged.action, forged.compute_hash(), second.pk])

    with pytest.raises(CommandError, match=f"#{second.pk} .*MAC does not match"):
        verify_output()


def test_verify_audit_deleted_middle_row_fails_naming_the_next():
    first, second, third = record_three()
    with trigger_disabled():
        assert raw_sql(f"DELETE FROM {TABLE} WHERE id = %s", [second.pk]) == 1

    with pytest.raises(CommandError) as excinfo:
        verify_output()

    assert f"#{third.pk} " in str(excinfo.value)
    assert "previous-hash link broken" in str(excinfo.value)
    assert "(1 entries before it verified)" in str(excinfo.value)


# --- Append-only ----------------------------------------------------------------------------


def test_audit_instance_save_after_creation_refused():
    event = audit_record(action="test.first")
    event.action = "test.forged"

    with pytest.raises(AuditImmutableError):
        event.save()

    assert AuditEvent.objects.get(pk=event.pk).action == "test.first"


def test_audit_instance_delete_refused():
    event = audit_record(action="test.first")

    with pytest.raises(AuditImmutableError):
        event.delete()

    assert AuditEvent.objects.count() == 1


def test_audit_queryset_update_refused():
    audit_record(action="test.first")

    with pytest.raises(AuditImmutableError):
        AuditEvent.objects.filter(action="test.first").update(action="test.forged")

    assert list(AuditEvent.objects.values_list("action", flat=True)) == ["test.first"]


def test_audit_queryset_delete_refused():
    audit_record(action="test.first")

    with pytest.raises(AuditImmutableError):
        AuditEvent.objects.all().delete()

    assert AuditEvent.objects.count() == 1


def test_audit_bulk_writes_refused():
    event = audit_record(action="test.first")

    with pytest.raises(AuditImmutableError):
        AuditEvent.objects.bulk_create([AuditEvent(action="test.bulk")])
    with pytest.raises(AuditImmutableError):
        AuditEvent.objects.bulk_update([event], ["action"])

    assert AuditEvent.objects.count() == 1


@postgres_only
@pytest.mark.services
def test_postgres_trigger_installed_and_enabled():
    with connection.cursor() as cursor:
        cursor.execute("SELECT tgenabled FROM pg_trigger WHERE tgname = %s", [TRIGGER])
        assert cursor.fetchall() == [("O",)]


@postgres_only
@pytest.mark.services
def test_postgres_trigger_refuses_raw_update():
    event = audit_record(action="test.first")

    # The savepoint keeps the test's transaction usable after the database error.
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        raw_sql(f"UPDATE {TABLE} SET action = %s WHERE id = %s", ["test.forged", event.pk])

    assert AuditEvent.objects.get(pk=event.pk).action == "test.first"


@postgres_only
@pytest.mark.services
def test_postgres_trigger_refuses_raw_delete():
    event = audit_record(action="test.first")

    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        raw_sql(f"DELETE FROM {TABLE} WHERE id = %s", [event.pk])

    assert list(AuditEvent.objects.values_list("pk", flat=True)) == [event.pk]
    assert verify_output().strip() == "audit trail verified: 1 entries, chain intact"


# --- Who and from where ---------------------------------------------------------------------


def test_audit_record_takes_actor_and_ip_from_request(make_user):
    user = make_user(role=Role.OFFICE)
    request = RequestFactory().post("/", REMOTE_ADDR="10.1.2.3")
    request.user = user

    event = audit_record(action="test.first", request=request)

    assert (event.actor, event.actor_name, event.role, event.ip) == (user, user.username, "office", "10.1.2.3")


def test_audit_record_forged_forwarded_header_ignored_without_proxies(make_user, settings):
    settings.TRUSTED_PROXY_COUNT = 0
    request = RequestFactory().post("/", REMOTE_ADDR="198.51.100.20", HTTP_X_FORWARDED_FOR="203.0.113.7")
    request.user = make_user(role=Role.EXPERT)

    event = audit_record(action="test.first", request=request)

    assert (event.ip, event.role) == ("198.51.100.20", "expert")


def test_audit_record_one_proxy_takes_the_rightmost_forwarded_address(settings):
    # The client wrote "203.0.113.7"; the proxy appended the address it saw, 198.51.100.20.
    settings.TRUSTED_PROXY_COUNT = 1
    request = RequestFactory().post("/", REMOTE_ADDR="10.0.0.1",
                                    HTTP_X_FORWARDED_FOR="203.0.113.7, 198.51.100.20")

    event = audit_record(action="test.first", request=request)

    assert AuditEvent.objects.get(pk=event.pk).ip == "198.51.100.20"


def test_client_ip_counts_trusted_proxies_from_the_right(settings):
    settings.TRUSTED_PROXY_COUNT = 2
    chain = RequestFactory().get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="1.1.1.1, 192.0.2.5, 10.0.0.1")
    short = RequestFactory().get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="192.0.2.5")
    garbage = RequestFactory().get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="unknown, 10.0.0.1")

    # A header shorter than the proxy chain did not come through all proxies: the peer counts.
    assert [client_ip(chain), client_ip(short), client_ip(garbage)] == ["192.0.2.5", "10.0.0.2", None]


def test_audit_record_ipv6_address_stays_verifiable():
    # The database normalises IPv6 ("2001:DB8:0::1" -> "2001:db8::1"); the hash must cover the
    # normalised form or the entry would never verify.
    request = RequestFactory().post("/", REMOTE_ADDR="2001:DB8:0:0::1")

    event = audit_record(action="test.first", request=request)

    assert AuditEvent.objects.get(pk=event.pk).ip == "2001:db8::1"
    assert verify_output().strip() == "audit trail verified: 1 entries, chain intact"


def test_audit_record_ipv4_mapped_address_stays_verifiable():
    request = RequestFactory().post("/", REMOTE_ADDR="::FFFF:102:304")

    event = audit_record(action="test.first", request=request)

    assert AuditEvent.objects.get(pk=event.pk).ip == "::ffff:1.2.3.4"
    assert verify_output().strip() == "audit trail verified: 1 entries, chain intact"


def test_audit_record_forged_forwarded_header_does_not_break_the_write(settings):
    # In PostgreSQL's inet column a non-address would abort the audited transaction.
    settings.TRUSTED_PROXY_COUNT = 1
    request = RequestFactory().post("/", HTTP_X_FORWARDED_FOR="unknown")

    event = audit_record(action="test.first", request=request)

    assert AuditEvent.objects.get(pk=event.pk).ip is None
    assert verify_output().strip() == "audit trail verified: 1 entries, chain intact"


def test_audit_record_json_payload_stays_verifiable():
    audit_record(action="test.first", before={"score": 85.5, "due": datetime.date(2025, 10, 9)},
                 after={"score": Decimal("86.50"), "items": [1, 2.25, None, True], "名称": "质量奖"})

    event = AuditEvent.objects.get()
    assert (event.before, event.after) == (
        {"score": 85.5, "due": "2025-10-09"},
        {"score": "86.50", "items": [1, 2.25, None, True], "名称": "质量奖"},
    )
    assert verify_output().strip() == "audit trail verified: 1 entries, chain intact"


def test_audit_record_explicit_actor_wins_over_request(make_user):
    request = RequestFactory().post("/")
    request.user = make_user(role=Role.APPLICANT)
    office = make_user(role=Role.OFFICE)

    event = audit_record(action="test.first", actor=office, request=request)

    assert (event.actor, event.role) == (office, "office")


def test_admin_calendar_year_save_audited_with_actor_and_ip(client, make_user):
    admin = make_user(is_staff=True, is_superuser=True)
    client.force_login(admin)

    response = client.post("/admin/award_portal/calendaryear/add/", {
        "year": "2027",
        "source_document": "国务院办公厅关于2027年部分节假日安排的通知",
        "notes": "",
        "days-TOTAL_FORMS": "0",
        "days-INITIAL_FORMS": "0",
        "days-MIN_NUM_FORMS": "0",
        "days-MAX_NUM_FORMS": "1000",
    }, REMOTE_ADDR="192.0.2.10")

    assert response.status_code == 302
    year = CalendarYear.objects.get(year=2027)
    event = AuditEvent.objects.get(action="calendar.year_saved")
    assert (event.actor, event.role, event.ip) == (admin, "admin", "192.0.2.10")
    assert (event.object_type, event.object_id) == ("award_portal.calendaryear", str(year.pk))
    assert event.after == {"year": 2027, "source": "国务院办公厅关于2027年部分节假日安排的通知"}
    # The admin's own edit is audited too, after the model admin's entry (logins are auth.*).
    assert [action for action in AuditEvent.objects.values_list("action", flat=True)
            if not action.startswith("auth.")] == ["privilege.flags_changed", "calendar.year_saved", "admin.add"]
    added = AuditEvent.objects.get(action="admin.add")
    assert (added.actor, added.object_type, added.object_id, added.ip) == (
        admin, "award_portal.calendaryear", str(year.pk), "192.0.2.10")
    assert verify_output() == f"audit trail verified: {AuditEvent.objects.count()} entries, chain intact"


# --- Privileges and the admin ---------------------------------------------------------------


def privilege_events(user):
    return list(AuditEvent.objects.filter(object_type="award_portal.user", object_id=str(user.pk),
                                          action__startswith="privilege.")
                .order_by("id").values_list("action", "before", "after"))


def user_change_form(client, user, **changes):
    """The admin's change form for `user` as a browser would post it, with `changes` applied."""
    shown = form_values(client.get(f"/admin/award_portal/user/{user.pk}/change/").content.decode())
    data = {
        "username": user.username, "first_name": "", "last_name": "", "email": user.email,
        "full_name": user.full_name, "phone": "", "language": user.language,
        "is_active": "on", "groups": [str(pk) for pk in user.groups.values_list("pk", flat=True)],
        "user_permissions": [], "last_login_0": "", "last_login_1": "",
        **{name: value for name, value in shown.items() if "date_joined" in name},
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def test_admin_moving_expert_to_office_audited_with_groups_and_fields(client, make_user):
    from django.contrib.auth.models import Group

    admin = make_user(is_staff=True, is_superuser=True)
    expert = make_user(role=Role.EXPERT)
    expert.date_joined = expert.date_joined.replace(second=0, microsecond=0)  # as the form shows it
    expert.save(update_fields=["date_joined"])
    office = Group.objects.get_or_create(name="office")[0]
    client.force_login(admin)

    response = client.post(f"/admin/award_portal/user/{expert.pk}/change/",
                           user_change_form(client, expert, groups=[str(office.pk)], is_staff="on"),
                           REMOTE_ADDR="192.0.2.44")

    assert response.status_code == 302, response.content.decode()[:2000]
    assert privilege_events(expert)[-3:] == [
        ("privilege.flags_changed", {"is_staff": False}, {"is_staff": True}),
        ("privilege.groups_changed", {"groups": ["expert"]}, {"groups": []}),
        ("privilege.groups_changed", {"groups": []}, {"groups": ["office"]}),
    ]
    change = AuditEvent.objects.get(action="admin.change", object_id=str(expert.pk))
    assert (change.actor, change.object_type, change.ip) == (admin, "award_portal.user", "192.0.2.44")
    assert sorted(change.after["fields"]) == ["Groups", "Staff status"]
    assert verify_output() == f"audit trail verified: {AuditEvent.objects.count()} entries, chain intact"


def test_superuser_flag_set_in_code_audited(make_user):
    user = make_user(role=Role.OFFICE)

    user.is_superuser = True
    user.is_active = False
    user.save()

    assert privilege_events(user)[-1] == (
        "privilege.flags_changed", {"is_active": True, "is_superuser": False}, {"is_active": False, "is_superuser": True})


def test_privileged_user_creation_audited_plain_one_not(make_user):
    plain = make_user()
    staff = make_user(is_staff=True)

    assert privilege_events(plain) == []
    assert privilege_events(staff) == [
        ("privilege.flags_changed", {}, {"is_active": True, "is_staff": True, "is_superuser": False})]


def test_last_login_save_is_not_a_privilege_change(client, make_user):
    user = make_user(role=Role.OFFICE)
    before = privilege_events(user)

    client.force_login(user)  # saves last_login only

    assert privilege_events(user) == before


def test_group_membership_changed_from_the_group_side_audited(make_user):
    from django.contrib.auth.models import Group

    user = make_user(role=Role.EXPERT)
    office = Group.objects.get_or_create(name="office")[0]

    office.user_set.add(user)
    office.user_set.clear()

    assert privilege_events(user)[-2:] == [
        ("privilege.groups_changed", {"groups": ["expert"]}, {"groups": ["expert", "office"]}),
        ("privilege.groups_changed", {"groups": ["expert", "office"]}, {"groups": ["expert"]}),
    ]


def test_group_permissions_changed_audited():
    from django.contrib.auth.models import Group, Permission

    group = Group.objects.get_or_create(name="expert")[0]
    permission = Permission.objects.get(codename="view_auditevent")

    group.permissions.add(permission)

    event = AuditEvent.objects.filter(action="privilege.group_permissions_changed").get()
    assert (event.object_type, event.object_id) == ("auth.group", str(group.pk))
    assert (event.before, event.after) == ({"permissions": []}, {"permissions": ["award_portal.view_auditevent"]})


def test_admin_bulk_delete_audited_per_object(client, make_user):
    admin = make_user(is_staff=True, is_superuser=True)
    years = [CalendarYear.objects.create(year=year, source_document="通知") for year in (2028, 2029)]
    client.force_login(admin)

    response = client.post("/admin/award_portal/calendaryear/", {
        "action": "delete_selected", "_selected_action": [str(y.pk) for y in years], "post": "yes"})

    assert response.status_code == 302
    assert not CalendarYear.objects.filter(year__in=[2028, 2029]).exists()
    assert sorted(AuditEvent.objects.filter(action="admin.delete").values_list("object_id", "object_repr", "actor")) == [
        (str(years[0].pk), "2028", admin.pk), (str(years[1].pk), "2029", admin.pk)]


def test_admin_single_delete_audited_once(client, make_user):
    admin = make_user(is_staff=True, is_superuser=True)
    year = CalendarYear.objects.create(year=2030, source_document="通知")
    client.force_login(admin)

    response = client.post(f"/admin/award_portal/calendaryear/{year.pk}/delete/", {"post": "yes"})

    assert response.status_code == 302
    assert list(AuditEvent.objects.filter(action="admin.delete").values_list("object_type", "object_id")) == [
        ("award_portal.calendaryear", str(year.pk))]


# --- The commitment letter's address --------------------------------------------------------


def test_commitment_letter_stores_the_real_address_not_a_forged_header(client, make_user, settings):
    from applications.models import CommitmentLetter
    settings.TRUSTED_PROXY_COUNT = 0
    rep = make_rep(make_user, make_org(name="北京审计地址测试有限公司"))
    application = draft(open_round("beijing"), rep.memberships.get().organization, rep)
    client.force_login(rep)

    response = client.post(f"/applications/{application.pk}/commitment/", {
        "signer_name": "张三", "signer_title": "董事长", "accept": "on", "version": application.version,
    }, REMOTE_ADDR="198.51.100.77", HTTP_X_FORWARDED_FOR="8.8.8.8")

    assert response.status_code == 302
    assert CommitmentLetter.objects.get(application=application).ip == "198.51.100.77"
    signed = AuditEvent.objects.get(action="application.commitment_signed")
    assert signed.ip == "198.51.100.77"
