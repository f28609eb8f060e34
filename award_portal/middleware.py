"""Keeps the current request reachable for the audit trail (who, from which address)."""

import ipaddress
from contextvars import ContextVar

from django.conf import settings

_current_request: ContextVar = ContextVar("current_request", default=None)


def current_request():
    return _current_request.get()


def _valid_ip(value: str | None) -> str | None:
    value = (value or "").strip()
    try:
        ipaddress.ip_address(value)
    except ValueError:
        return None
    return value


def client_ip(request) -> str | None:
    """The client's address as far as this deployment can vouch for it (GB/T 22239 audit records).

    X-Forwarded-For is written by whoever sends the request, so it is read only when
    TRUSTED_PROXY_COUNT proxies stand in front of the portal: each of them appends the address
    it received the request from, so the client is the entry that many hops from the right.
    Entries further left were written by the client and prove nothing. With no trusted proxy
    (the default) or a header shorter than the proxy chain, the peer's address (REMOTE_ADDR)
    is used. A value that is not an IP address gives None.
    """
    if request is None:
        return None
    proxies = getattr(settings, "TRUSTED_PROXY_COUNT", 0)
    if proxies > 0:
        hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
        if len(hops) >= proxies:
            return _valid_ip(hops[-proxies])
    return _valid_ip(request.META.get("REMOTE_ADDR"))


class RequestContextMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _current_request.set(request)
        try:
            return self.get_response(request)
        finally:
            _current_request.reset(token)


class PortalLocaleMiddleware:
    """Chinese unless the visitor chose otherwise with the language switch (a cookie).

    Django's LocaleMiddleware would follow the browser's Accept-Language header; a Chinese
    government portal shows Chinese by default, whatever the browser says.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from django.conf import settings
        from django.utils import translation

        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", request.LANGUAGE_CODE)
        return response
