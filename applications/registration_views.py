from django import forms
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext_lazy as _

from . import permissions, registration
from .forms import OrganizationForm
from .models import Invitation, Membership


class AccountForm(forms.Form):
    username = forms.CharField(label=_("User name"), max_length=150)
    full_name = forms.CharField(label=_("Your name"), max_length=100)
    email = forms.EmailField(label=_("E-mail"))
    password = forms.CharField(label=_("Password"), widget=forms.PasswordInput(render_value=True))

    def clean_password(self):
        password = self.cleaned_data["password"]
        validate_password(password)
        return password


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
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
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
            registration.invitation_create(organization_id=org.pk, actor=request.user, email=email,
                                           base_url=request.build_absolute_uri("/")[:-1])
            messages.success(request, _("Invitation sent to %(email)s.") % {"email": email})
            return redirect("organization-detail", pk=pk)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
    return render(request, "applications/organization_detail.html", {
        "org": org, "is_admin": is_admin,
        "members": Membership.objects.filter(organization=org).select_related("user"),
        "invitations": Invitation.objects.filter(organization=org, accepted_at__isnull=True) if is_admin else [],
    })


def invitation_accept(request, token):
    invitation = Invitation.objects.select_related("organization").filter(token=token, accepted_at__isnull=True).first()
    if invitation is None:
        return render(request, "applications/invitation_invalid.html", status=404)
    form = AccountForm(request.POST or None, initial={"email": invitation.email})
    if request.method == "POST" and form.is_valid():
        try:
            user = registration.invitation_accept(token=token, username=form.cleaned_data["username"],
                                                  password=form.cleaned_data["password"],
                                                  full_name=form.cleaned_data["full_name"])
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, _("Welcome. You now act for %(org)s.") % {"org": invitation.organization.name})
            return redirect("application-list")
    return render(request, "applications/invitation_accept.html", {"form": form, "invitation": invitation})
