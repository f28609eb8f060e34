"""Authentication and sessions (security baseline, GB/T 22239-2019 level 3, 身份鉴别).

- Failed log-ins are limited per account and per client address by django-axes
  (`AXES_FAILURE_LIMIT`, `AXES_COOLOFF_TIME`); `lockout_response` tells the person, in their
  language, until when the lock holds. The same limit applies to the login page, the admin and
  the API's basic authentication (`PortalBasicAuthentication`).
- Every log-in, failed log-in (the user name tried, never the password), log-out, lockout,
  password change, second-factor enrolment and verification failure, and session expiry is in
  the audit trail.
- Password rules: `CharacterClassesValidator` beside Django's validators; every place that
  sets a password runs them with the user, so a password like the user name is refused.
- A second factor (TOTP) for office, supervisor and superuser accounts when `OTP_REQUIRED` is
  on: `SecondFactorMiddleware` sends them to enrolment or verification before any other page,
  the admin included.
- Sessions end after `SESSION_IDLE_MINUTES` without a request and `SESSION_ABSOLUTE_HOURS`
  after the log-in, whatever the activity (`SessionLifetimeMiddleware`).

The audit rows for log-ins come from Django's auth signals: a log-in is not a change made by a
service, and the signals are the one place every path (form, admin, API, test client) passes.
"""

import base64
import datetime
import string
import time

import segno
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models.signals import pre_save
from django.dispatch import receiver
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django_otp import login as otp_login
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice, default_key
from rest_framework import authentication, exceptions

from .audit import audit_record
from .roles import Role, has_role, is_office

SESSION_STARTED = "auth_started_at"
SESSION_SEEN = "auth_seen_at"
#: Last activity is written at most this often (seconds): a session write per request would be
#: a database write per request; the idle limit is then exact to within this margin.
SEEN_RESOLUTION = 60
OTP_SETUP_KEY = "otp_setup_key"


# ------------------------------------------------------------------ predicates

def needs_second_factor(user) -> bool:
    """Office staff, supervisors and superusers log in with a second factor (when required)."""
    if not getattr(user, "is_authenticated", False):
        return False
    return is_office(user) or has_role(user, Role.SUPERVISOR) or user.is_superuser


def second_factor_required(user) -> bool:
    return bool(settings.OTP_REQUIRED) and needs_second_factor(user)


def _username(user) -> str:
    return user.get_username() if user is not None else ""


def _http_request(request):
    """The Django request under a DRF one: asking a DRF request for its user while it is
    authenticating would authenticate again (and fail again, and audit again…)."""
    return getattr(request, "_request", request)


# ------------------------------------------------------------------ audit from the auth signals

@receiver(user_logged_in, dispatch_uid="award_portal.accounts.logged_in")
def _on_logged_in(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        now = timezone.now().timestamp()
        request.session[SESSION_STARTED] = now
        request.session[SESSION_SEEN] = now
    audit_record(action="auth.login", obj=user, actor=user, request=request,
                 after={"username": _username(user)})


@receiver(user_login_failed, dispatch_uid="award_portal.accounts.login_failed")
def _on_login_failed(sender, credentials, request=None, **kwargs):
    # Django has already replaced the password in `credentials`; only the name tried is kept.
    username = str(credentials.get("username") or "")[:150]
    audit_record(action="auth.login_failed", actor=None, role="", request=_http_request(request),
                 object_type="auth.login", object_repr=username, after={"username": username})


@receiver(user_logged_out, dispatch_uid="award_portal.accounts.logged_out")
def _on_logged_out(sender, request, user, **kwargs):
    if user is None or getattr(request, "_auth_expired", False):
        return  # an expiry is audited as such (SessionLifetimeMiddleware)
    audit_record(action="auth.logout", obj=user, actor=user, request=request,
                 after={"username": _username(user)})


def _on_locked_out(sender, request, username, ip_address, **kwargs):
    audit_record(action="auth.lockout", actor=None, role="", request=_http_request(request),
                 object_type="auth.login", object_repr=str(username or "")[:150],
                 after={"username": username or "", "ip_address": ip_address or ""})


def connect_axes_signals():
    from axes.signals import user_locked_out

    user_locked_out.connect(_on_locked_out, dispatch_uid="award_portal.accounts.locked_out")


@receiver(pre_save, sender=settings.AUTH_USER_MODEL, dispatch_uid="award_portal.accounts.user_creating")
def _mark_creation(sender, instance, **kwargs):
    # Read by PasswordChangeAudit: a new account's first password is audited by the service
    # that creates the account (organisation registration, invitation), not as a change.
    instance._auth_creating = instance._state.adding


# ------------------------------------------------------------------ password rules

class CharacterClassesValidator:
    """At least `min_classes` of: lower-case letters, upper-case letters, digits, other signs."""

    def __init__(self, min_classes=3):
        self.min_classes = min_classes

    def validate(self, password, user=None):
        classes = [
            any(c in string.ascii_lowercase for c in password),
            any(c in string.ascii_uppercase for c in password),
            any(c.isdigit() for c in password),
            any(not c.isalnum() for c in password),
        ]
        if sum(classes) < self.min_classes:
            raise ValidationError(self.get_help_text(), code="password_too_simple")

    def get_help_text(self):
        return ngettext(
            "Your password must mix at least %(n)d kind of character: lower-case letters, "
            "upper-case letters, digits, other signs.",
            "Your password must mix at least %(n)d kinds of character: lower-case letters, "
            "upper-case letters, digits, other signs.", self.min_classes) % {"n": self.min_classes}


class PasswordChangeAudit:
    """Not a rule: Django calls `password_changed` after every save of a new password (own
    change, reset link, admin, `changepassword`), which makes this the one place to audit it."""

    def validate(self, password, user=None):
        return None

    def get_help_text(self):
        return ""

    def password_changed(self, password, user=None):
        if user is None or getattr(user, "_auth_creating", False):
            return
        from .middleware import current_request

        request = current_request()
        actor = getattr(request, "user", None)
        actor = actor if getattr(actor, "is_authenticated", False) else user
        audit_record(action="auth.password_change", obj=user, actor=actor,
                     after={"username": _username(user), "by": "self" if actor.pk == user.pk else "other"})


# ------------------------------------------------------------------ lockout (django-axes)

def lockout_lifts_at(request, credentials=None):
    """When the lock on this account or address lifts: cool-off after the last failure."""
    from axes.helpers import get_client_ip_address, get_client_username, get_cool_off
    from axes.models import AccessAttempt

    cool_off = get_cool_off(request)
    if not cool_off:
        return None
    username = get_client_username(request, credentials)
    ip = getattr(request, "axes_ip_address", None) or get_client_ip_address(request)
    attempts = AccessAttempt.objects.filter(attempt_time__gte=timezone.now() - cool_off)
    last = (attempts.filter(username=username) | attempts.filter(ip_address=ip)).order_by("-attempt_time").first()
    return (last.attempt_time if last else timezone.now()) + cool_off


def lockout_message(request, credentials=None) -> str:
    lifts_at = lockout_lifts_at(request, credentials)
    if lifts_at is None:
        return _("Too many failed log-ins: this account is locked. Ask the review office to unlock it.")
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return _("Too many failed log-ins: log-in for this account or from this address is locked until "
             "%(time)s (%(minutes)d minutes after the last failed attempt). Try again then, or ask the "
             "review office to unlock it.") % {
        "time": date_format(timezone.localtime(lifts_at), "DATETIME_FORMAT"), "minutes": minutes}


def lockout_response(request, original_response=None, credentials=None):
    """AXES_LOCKOUT_CALLABLE: the lockout page (or JSON for the API) with the time it lifts."""
    message = lockout_message(request, credentials)
    status = settings.AXES_HTTP_RESPONSE_CODE
    if request.path.startswith("/api/") or "application/json" in request.headers.get("Accept", ""):
        return JsonResponse({"detail": message}, status=status)
    return render(request, "registration/lockout.html", {"message": message}, status=status)


class PortalBasicAuthentication(authentication.BasicAuthentication):
    """The API's basic authentication, under the same lockout, and closed to the accounts that
    need a second factor (a password alone must not open them; they use their verified session)."""

    def authenticate_credentials(self, userid, password, request=None):
        try:
            user, auth = super().authenticate_credentials(userid, password, request)
        except exceptions.AuthenticationFailed:
            if request is not None and getattr(request, "axes_locked_out", False):
                raise exceptions.AuthenticationFailed(lockout_message(request)) from None
            raise
        if second_factor_required(user):
            raise exceptions.AuthenticationFailed(
                _("This account logs in with a second factor: use the portal in the browser, not a password."))
        return user, auth


# ------------------------------------------------------------------ middleware

class SessionLifetimeMiddleware:
    """Ends a session after SESSION_IDLE_MINUTES without a request and SESSION_ABSOLUTE_HOURS
    after the log-in (GB/T 22239-2019 8.1.4.1 c: 登录连接超时自动退出)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            self._check(request, user)
        return self.get_response(request)

    @staticmethod
    def _check(request, user):
        session, now = request.session, timezone.now().timestamp()
        started, seen = session.get(SESSION_STARTED), session.get(SESSION_SEEN)
        if started is None or seen is None:  # a session from before this rule: start counting now
            session[SESSION_STARTED] = started or now
            session[SESSION_SEEN] = now
            return
        reason = None
        if now - started > settings.SESSION_ABSOLUTE_HOURS * 3600:
            reason = "absolute"
        elif now - seen > settings.SESSION_IDLE_MINUTES * 60:
            reason = "idle"
        if reason is None:
            if now - seen >= SEEN_RESOLUTION:
                session[SESSION_SEEN] = now
            return
        with transaction.atomic():
            audit_record(action="auth.session_expired", obj=user, actor=user, request=request,
                         after={"username": _username(user), "reason": reason})
        request._auth_expired = True
        logout(request)
        if reason == "idle":
            text = _("You were logged out after %(minutes)d minutes without activity. Please log in again.") % {
                "minutes": settings.SESSION_IDLE_MINUTES}
        else:
            text = _("Your session reached its maximum length of %(hours)d hours. Please log in again.") % {
                "hours": settings.SESSION_ABSOLUTE_HOURS}
        messages.warning(request, text)


#: Pages an unverified privileged user may still reach.
SECOND_FACTOR_EXEMPT = frozenset({"otp-setup", "otp-verify", "logout", "admin:logout", "set_language", "healthz"})


class SecondFactorMiddleware:
    """Office, supervisor and superuser accounts reach nothing but enrolment or verification
    until their second factor is verified in this session (when OTP_REQUIRED is on)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = getattr(request, "user", None)
        if user is None or not second_factor_required(user) or user.is_verified():
            return None
        if request.resolver_match.view_name in SECOND_FACTOR_EXEMPT:
            return None
        enrolled = TOTPDevice.objects.filter(user=user, confirmed=True).exists()
        if request.path.startswith("/api/"):
            return JsonResponse({"detail": _("Verify your second factor in the portal first.")}, status=403)
        target = reverse("otp-verify" if enrolled else "otp-setup")
        return redirect(f"{target}?{urlencode({'next': request.get_full_path()})}")


# ------------------------------------------------------------------ enrolment and verification

class TokenForm(forms.Form):
    token = forms.CharField(label=gettext_lazy("Six-digit code from the authenticator app"), max_length=6,
                            min_length=6, widget=forms.TextInput(attrs={"autocomplete": "one-time-code",
                                                                        "inputmode": "numeric", "autofocus": True}))

    def clean_token(self):
        token = self.cleaned_data["token"].strip()
        if not token.isdigit():
            raise ValidationError(_("Enter the six digits shown by the authenticator app."))
        return token


def _next_url(request, default="home"):
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                       require_https=request.is_secure()):
        return target
    return reverse(default)


def _setup_device(request) -> TOTPDevice:
    """The device being enrolled: its key lives in the session until a code confirms it."""
    key = request.session.get(OTP_SETUP_KEY)
    if not key:
        key = request.session[OTP_SETUP_KEY] = default_key()
    return TOTPDevice(user=request.user, name="TOTP", key=key, confirmed=False)


def _code_matches(device: TOTPDevice, token: str) -> int | None:
    """The time step a code matches for a device not yet saved (no throttling row to update)."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time()
    return totp.t() if totp.verify(int(token), device.tolerance) else None


@login_required
def otp_setup(request):
    """Enrolment: scan the QR code (or type the key), confirm with a code."""
    if not needs_second_factor(request.user):
        raise PermissionDenied
    confirmed = TOTPDevice.objects.filter(user=request.user, confirmed=True).exists()
    if confirmed and not request.user.is_verified():
        # Enrolling a second device must not step around the first one.
        return redirect(f"{reverse('otp-verify')}?{urlencode({'next': _next_url(request)})}")
    if confirmed:
        return render(request, "registration/otp_setup.html", {"enrolled": True})
    device = _setup_device(request)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        step = _code_matches(device, form.cleaned_data["token"])
        if step is not None:
            _enrol(request, device, step)
            messages.success(request, _("Your second factor is set up. From now on you log in with a code."))
            return redirect(_next_url(request))
        with transaction.atomic():
            audit_record(action="auth.otp_enrol_failed", obj=request.user, request=request)
        form.add_error("token", _("This code does not match. Check the time on your phone and try the next code."))
    qr = segno.make(device.config_url, error="m")
    return render(request, "registration/otp_setup.html", {
        "enrolled": False, "form": form, "next": _next_url(request),
        "qr_svg": mark_safe(qr.svg_inline(scale=4, border=2)),  # generated here, no user input in it
        "secret": _base32(device.bin_key),
    })


def _base32(key: bytes) -> str:
    text = base64.b32encode(key).decode().rstrip("=")
    return " ".join(text[i:i + 4] for i in range(0, len(text), 4))


@transaction.atomic
def _enrol(request, device, step):
    device.confirmed, device.last_t = True, step
    device.save()
    request.session.pop(OTP_SETUP_KEY, None)
    otp_login(request, device)
    audit_record(action="auth.otp_enrol", obj=request.user, request=request,
                 after={"device": device.persistent_id})


@login_required
def otp_verify(request):
    """The step after the password: the code of the enrolled device."""
    device = TOTPDevice.objects.filter(user=request.user, confirmed=True).first()
    if device is None:
        if not needs_second_factor(request.user):
            raise PermissionDenied
        return redirect(f"{reverse('otp-setup')}?{urlencode({'next': _next_url(request)})}")
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        allowed, data = device.verify_is_allowed()
        if not allowed:
            form.add_error("token", _("Too many wrong codes. Wait %(seconds)d seconds and try again.") % {
                "seconds": _throttle_wait(device)})
        elif device.verify_token(form.cleaned_data["token"]):
            with transaction.atomic():
                otp_login(request, device)
                request.session.cycle_key()
                audit_record(action="auth.otp_verify", obj=request.user, request=request)
            return redirect(_next_url(request))
        else:
            with transaction.atomic():
                audit_record(action="auth.otp_failed", obj=request.user, request=request,
                             after={"failures": device.throttling_failure_count})
            form.add_error("token", _("This code is not valid. Enter the code now shown by the authenticator app."))
    return render(request, "registration/otp_verify.html", {"form": form, "next": _next_url(request)})


def _throttle_wait(device) -> int:
    if not device.throttling_failure_timestamp:
        return 0
    delay = device.get_throttle_factor() * (2 ** (device.throttling_failure_count - 1))
    until = device.throttling_failure_timestamp + datetime.timedelta(seconds=delay)
    return max(1, int((until - timezone.now()).total_seconds()))

