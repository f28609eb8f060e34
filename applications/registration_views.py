from django import forms
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.contrib.auth.password_validation import password_validators_help_text_html, validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext_lazy as _

from award_portal.models import User

from . import permissions, registration
from .forms import OrganizationForm
from .models import Invitation, Membership


class AccountForm(forms.Form):
    username = forms.CharField(label=_("User name"), max_length=150)
    full_name = forms.CharField(label=_("Your name"), max_length=100)
    email = forms.EmailField(label=_("E-mail"))
    password = forms.CharField(label=_("Password"), widget=forms.PasswordInput(render_value=False),
                               help_text=password_validators_help_text_html())

    def __init__(self, *args, account_email=None, **kwargs):
        # An invitee's account takes the invited address, whatever the form says.
        self.account_email = account_email
        super().__init__(*args, **kwargs)

    def clean(self):
        """The password rules with this user: not like the user name, the name or the address."""
        data = super().clean()
        password = data.get("password")
        if password and "username" in data:
            user = User(username=data["username"], full_name=data.get("full_name", ""),
                        email=self.account_email or data.get("email", ""))
            try:
                validate_password(password, user=user)
            except ValidationError as exc:
                self.add_error("password", exc)
        return data


def organization_register(request):
    """Public: an organisation registers itself and its first user (its administrator)."""
    org_form = OrganizationForm(request.POST or None, prefix="org")
    account_form = AccountForm(request.POST or None, prefix="user")
    if request.method == "POST" and org_form.is_valid() and account_form.is_valid():
        data = {k: v for k, v in org_form.cleaned_data.items()}
        try:
            org, user = registration.organization_register(
                org_form_data=data, username=account_form.cleaned_data["username"],
                password=account_form.cleaned_data["password"], full_name=account_form.cleaned_data["full_name"],
                email=account_form.cleaned_data["email"], language=request.LANGUAGE_CODE)
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                target = account_form if field in account_form.fields else org_form
                target.add_error(field if field in target.fields else None, errors)
        else:
            login(request, user, backend="award_portal.auth_backend.PortalModelBackend")
            messages.success(request, _("%(org)s is registered. You can now apply.") % {"org": org.name})
            return redirect("application-start")
    return render(request, "applications/organization_register.html",
                  {"org_form": org_form, "account_form": account_form})


@login_required
def organization_detail(request, pk):
    org = get_object_or_404(permissions.organizations_visible_to(request.user), pk=pk)
    is_admin = registration.is_org_admin(request.user, org)
    if request.method == "POST":
        if not is_admin:
            raise PermissionDenied
        email = request.POST.get("email", "").strip()
        try:
            forms.EmailField().clean(email)
            registration.invitation_create(organization_id=org.pk, actor=request.user, email=email)
            messages.success(request, _("Invitation sent to %(email)s.") % {"email": email})
            return redirect("organization-detail", pk=pk)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
    return render(request, "applications/organization_detail.html", {
        "org": org, "is_admin": is_admin,
        "members": Membership.objects.filter(organization=org).select_related("user"),
        "invitations": _pending_invitations(org) if is_admin else [],
    })


def _pending_invitations(org):
    invitations = list(Invitation.objects.filter(organization=org, accepted_at__isnull=True).order_by("created_at"))
    for invitation in invitations:
        invitation.expired = registration.invitation_is_expired(invitation)
    return invitations


def invitation_accept(request, token):
    invitation = (Invitation.objects.select_related("organization", "invited_by")
                  .filter(token=token, accepted_at__isnull=True).first())
    if invitation is None:
        return render(request, "applications/invitation_invalid.html", status=404)
    if registration.invitation_is_expired(invitation):
        # 410 Gone: the link was real; the inviter sends a new one from the organisation's page.
        return render(request, "applications/invitation_invalid.html",
                      {"message": registration.invitation_expired_message(invitation)}, status=410)
    form = AccountForm(request.POST or None, initial={"email": invitation.email}, account_email=invitation.email)
    if request.method == "POST" and form.is_valid():
        try:
            user = registration.invitation_accept(token=token, username=form.cleaned_data["username"],
                                                  password=form.cleaned_data["password"],
                                                  full_name=form.cleaned_data["full_name"])
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            login(request, user, backend="award_portal.auth_backend.PortalModelBackend")
            messages.success(request, _("Welcome. You now act for %(org)s.") % {"org": invitation.organization.name})
            return redirect("application-list")
    return render(request, "applications/invitation_accept.html", {"form": form, "invitation": invitation})
