"""Public pages (no login): calls for applications, notices, objections, results, the trail check.

The read-only pages are served from the cache for anonymous visitors (`cached_public`): a hit is
two cache reads and the visitor's CSRF token put in place of the placeholder.
"""

import re
from functools import wraps

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from award_portal.middleware import client_ip

from . import cache, selectors
from .forms import ObjectionForm, StatusForm, TrailCheckForm
from .objections import (
    RateLimited,
    objection_limits,
    objection_lookup,
    objection_submit,
    period_refusal,
    rate_limit,
)
from .trail import trail_check

_TOKEN_RE = re.compile(r'(name="csrfmiddlewaretoken" value=")[^"]+(")')


def _anonymous_plain_get(request) -> bool:
    cookies = request.COOKIES
    return (request.method == "GET" and not request.GET and settings.SESSION_COOKIE_NAME not in cookies
            and "messages" not in cookies)


def cached_public(view):
    """Serve an anonymous visitor's GET from the cache (keyed by the pages' version, the
    language and the path); render and store it on a miss. Logged-in users get a fresh page."""
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not _anonymous_plain_get(request):
            return view(request, *args, **kwargs)
        language, version = get_language(), cache.version()
        key = cache.page_key(request.path, language, version)
        html = cache.cache.get(key)
        if html is None:
            response = view(request, *args, **kwargs)
            if response.status_code != 200:
                return response
            html = _TOKEN_RE.sub(r"\g<1>" + cache.CSRF_PLACEHOLDER + r"\g<2>", response.content.decode())
            cache.cache.set(key, html, cache.TIMEOUT)
            return response
        return HttpResponse(html.replace(cache.CSRF_PLACEHOLDER, get_token(request)))
    return wrapper


def _no_store(response):
    response["Cache-Control"] = "no-store"
    return response


@cached_public
def calls(request):
    return render(request, "notices/calls.html", {"rounds": selectors.open_calls()})


@cached_public
def notice_list(request):
    now = timezone.now()
    return render(request, "notices/notice_list.html", {
        "current": selectors.notices_current(now), "past": selectors.notices_past(now)})


@cached_public
def notice_detail(request, pk):
    notice = selectors.notice_public(pk)
    if notice is None:
        raise Http404
    return render(request, "notices/notice_detail.html", {"notice": notice, "open": notice.is_open()})


def objection_new(request, pk):
    notice = selectors.notice_public(pk)
    if notice is None:
        raise Http404
    closed = period_refusal(notice, timezone.now())
    form = ObjectionForm(request.POST or None, request.FILES or None, notice=notice)
    if request.method == "POST" and form.is_valid() and not closed:
        data = form.cleaned_data
        try:
            rate_limit("objection", client_ip(request), **objection_limits())
            objection, secret = objection_submit(
                notice_id=notice.pk, entry_id=data["entry"], facts=data["facts"], reasons=data["reasons"],
                contact_name=data["contact_name"], contact=data["contact"], files=data["evidence"],
                ip=client_ip(request))
        except RateLimited as exc:
            form.add_error(None, exc.message)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            return _no_store(render(request, "notices/objection_receipt.html",
                                    {"notice": notice, "objection": objection, "secret": secret}))
    elif request.method == "POST" and closed:
        form.add_error(None, closed)
    return _no_store(render(request, "notices/objection_form.html", {"notice": notice, "form": form,
                                                                     "closed": closed}))


def objection_status(request):
    form = StatusForm(request.POST or None)
    objection = None
    if request.method == "POST" and form.is_valid():
        try:
            rate_limit("status", client_ip(request), limit=20, window=3600)
        except RateLimited as exc:
            form.add_error(None, exc.message)
        else:
            objection = objection_lookup(receipt=form.cleaned_data["receipt"], secret=form.cleaned_data["secret"])
            if objection is None:
                form.add_error(None, _("No objection matches this receipt number and secret."))
    return _no_store(render(request, "notices/objection_status.html", {"form": form, "objection": objection}))


@cached_public
def results(request):
    return render(request, "notices/results.html", {"rounds": selectors.results_by_round()})


@cached_public
def revoked(request):
    return render(request, "notices/revoked.html", {"revoked": selectors.revoked_awards()})


def trail_check_page(request):
    form = TrailCheckForm(request.POST or None)
    result = None
    if request.method == "POST" and form.is_valid():
        try:
            rate_limit("trail", client_ip(request), limit=20, window=3600)
        except RateLimited as exc:
            form.add_error(None, exc.message)
        else:
            result = trail_check(entry_id=form.cleaned_data["entry_id"], entry_hash=form.cleaned_data["entry_hash"])
    return render(request, "notices/trail_check.html", {"form": form, "result": result})
