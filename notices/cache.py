"""The public pages' cache: rendered pages under a version key, bumped whenever what they show changes.

A hit costs two cache reads and a string replacement (the visitor's own CSRF token for the
language switch), about what the bare "hello" view costs (BENCH notice_vs_hello_ratio). Every
change of a notice, objection, application, round or program bumps the version on commit, so
stale pages are never served from a shared cache (Redis in production). With the per-process
local-memory cache (no REDIS_URL) another process learns of a bump only when its entry expires
(`TIMEOUT`), so multi-process deployments need the shared cache.
"""

import secrets

from django.core.cache import cache
from django.db import transaction

VERSION_KEY = "notices:public-version"
TIMEOUT = 600
#: Rendered in place of the CSRF token, replaced by the visitor's own on every hit.
CSRF_PLACEHOLDER = "__notices_csrf_placeholder__"


def version() -> str:
    current = cache.get(VERSION_KEY)
    if current is None:
        current = secrets.token_hex(6)
        cache.add(VERSION_KEY, current, None)
        current = cache.get(VERSION_KEY) or current
    return current


def invalidate() -> None:
    cache.set(VERSION_KEY, secrets.token_hex(6), None)


def invalidate_on_commit() -> None:
    transaction.on_commit(invalidate)


def page_key(path: str, language: str, ver: str | None = None) -> str:
    return f"notices:page:{ver or version()}:{language}:{path}"
