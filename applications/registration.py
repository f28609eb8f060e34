"""Organisations register themselves; their administrators invite colleagues."""

import secrets

from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from award_portal.audit import audit_record
from award_portal.models import User
from award_portal.notifications import notify
from award_portal.roles import Role

from .models import Invitation, Membership, Organization


@transaction.atomic
def organization_register(*, org_form_data: dict, username: str, password: str, full_name: str, email: str,
                          language: str = "zh-hans") -> tuple[Organization, User]:
    """Create the organisation and its first user (its administrator) in one transaction."""
    if User.objects.filter(username=username).exists():
        raise ValidationError({"username": _("This user name is taken.")})
    user = User(username=username, full_name=full_name, email=email, language=language)
    user.set_password(password)
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
    link = base_url + reverse("invitation-accept", args=[invitation.token])
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
    invitation = Invitation.objects.select_for_update().select_related("organization").filter(token=token).first()
    if invitation is None or invitation.accepted_at is not None:
        raise ValidationError(_("This invitation is not valid or has already been used."))
    if User.objects.filter(username=username).exists():
        raise ValidationError({"username": _("This user name is taken.")})
    user = User(username=username, full_name=full_name, email=invitation.email)
    user.set_password(password)
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
