"""Organisations register themselves; their administrators invite colleagues."""

import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from award_portal.audit import audit_record
from award_portal.models import User
from award_portal.notifications import absolute_url, notify
from award_portal.roles import Role

from .models import Invitation, Membership, Organization


def account_new(*, username: str, password: str, full_name: str, email: str, **fields) -> User:
    """An unsaved user with its password set, after the password rules ran against this user.

    The rules need the user: UserAttributeSimilarityValidator refuses a password close to the
    user name, the name or the e-mail address. Raises ValidationError({"password": …}).
    """
    if User.objects.filter(username=username).exists():
        raise ValidationError({"username": _("This user name is taken.")})
    user = User(username=username, full_name=full_name, email=email, **fields)
    try:
        validate_password(password, user=user)
    except ValidationError as exc:
        raise ValidationError({"password": exc.messages}) from exc
    user.set_password(password)
    return user


def invitation_expires_at(invitation: Invitation):
    return invitation.created_at + timedelta(days=settings.INVITATION_VALID_DAYS)


def invitation_is_expired(invitation: Invitation, now=None) -> bool:
    return (now or timezone.now()) >= invitation_expires_at(invitation)


@transaction.atomic
def organization_register(*, org_form_data: dict, username: str, password: str, full_name: str, email: str,
                          language: str = "zh-hans") -> tuple[Organization, User]:
    """Create the organisation and its first user (its administrator) in one transaction.

    The password must pass the password rules for this user (`account_new`).
    """
    user = account_new(username=username, password=password, full_name=full_name, email=email,
                       language=language)
    user.save()
    user.groups.add(Group.objects.get_or_create(name=Role.APPLICANT)[0])
    org = Organization(**org_form_data)
    org.full_clean()
    try:
        with transaction.atomic():
            org.save()
    except IntegrityError as exc:  # a concurrent registration of the same code
        raise ValidationError({"credit_code": _("This organisation has just been registered by someone else.")}) from exc
    Membership.objects.create(user=user, organization=org, role=Membership.Role.ADMIN)
    audit_record(action="organization.register", obj=org, actor=user,
                 after={"credit_code": org.credit_code, "name": org.name})
    return org, user


def is_org_admin(user, org) -> bool:
    return Membership.objects.filter(user=user, organization=org, role=Membership.Role.ADMIN).exists()


@transaction.atomic
def invitation_create(*, organization_id: int, actor, email: str, base_url: str = "") -> Invitation:
    org = Organization.objects.get(pk=organization_id)
    if not is_org_admin(actor, org):
        raise PermissionDenied
    invitation = Invitation.objects.create(organization=org, email=email, token=secrets.token_urlsafe(32),
                                           invited_by=actor)
    # Absolute, from the configured address (PORTAL_BASE_URL), not from the request's Host header.
    link = (base_url.rstrip("/") + reverse("invitation-accept", args=[invitation.token]) if base_url
            else absolute_url(reverse("invitation-accept", args=[invitation.token])))
    audit_record(action="organization.invite", obj=org, actor=actor, after={"email": email})
    # The invitee has no account yet: the e-mail goes out in the inviter's language.
    transaction.on_commit(lambda: _send_invitation(actor, org, email, link))
    return invitation


def _send_invitation(inviter, org, email, link):
    from django.core.mail import send_mail

    send_mail(_("Invitation to act for %(org)s on the Quality Award Portal") % {"org": org.name},
              _("%(who)s invites you to act for %(org)s. Open this link to create your account: %(link)s")
              % {"who": inviter.display_name, "org": org.name, "link": link}, None, [email])


@transaction.atomic
def invitation_accept(*, token: str, username: str, password: str, full_name: str) -> User:
    """Create the invitee's account and membership. Refuses a used or expired invitation
    (INVITATION_VALID_DAYS after it was sent) and a password the rules refuse for this user."""
    invitation = Invitation.objects.select_for_update().select_related("organization").filter(token=token).first()
    if invitation is None or invitation.accepted_at is not None:
        raise ValidationError(_("This invitation is not valid or has already been used."))
    if invitation_is_expired(invitation):
        raise ValidationError(invitation_expired_message(invitation))
    user = account_new(username=username, password=password, full_name=full_name, email=invitation.email)
    user.save()
    user.groups.add(Group.objects.get_or_create(name=Role.APPLICANT)[0])
    Membership.objects.create(user=user, organization=invitation.organization)
    invitation.accepted_at, invitation.accepted_by = timezone.now(), user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    audit_record(action="organization.join", obj=invitation.organization, actor=user, after={"user": username})
    notify(invitation.invited_by, lambda: (
        _("%(name)s joined %(org)s") % {"name": full_name, "org": invitation.organization.name},
        _("%(name)s accepted your invitation.") % {"name": full_name}))
    return user


def invitation_expired_message(invitation: Invitation) -> str:
    return _("This invitation expired on %(date)s. Ask %(who)s to invite you again from the page of "
             "%(org)s.") % {"date": date_format(timezone.localtime(invitation_expires_at(invitation)),
                                               "DATETIME_FORMAT"),
                            "who": invitation.invited_by.display_name, "org": invitation.organization.name}
