"""The menu each role sees. One list, filtered by the same predicates the views use."""

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from .roles import Role, user_roles


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    roles: frozenset  # empty = everyone, including anonymous visitors
    order: int = 50
    #: The page's own permission predicate (user -> bool); when given, it decides instead of roles.
    visible: Callable | None = None
    #: user -> URL or None, for entries whose address depends on the user (their organisation,
    #: a filtered list); None hides the entry. Without it the URL is `reverse(url_name)`.
    href: Callable | None = None


PUBLIC = frozenset()

NAV_ITEMS: list[NavItem] = []


def register_nav(label, url_name, roles=PUBLIC, order=50, visible=None, href=None):
    """Apps add their menu entries when Django starts (apps depend on the foundation). Pass
    `visible`, the predicate the page itself asks, so that menu and page cannot disagree, and
    `href` when the address depends on the user."""
    NAV_ITEMS.append(NavItem(label, url_name, frozenset(str(r) for r in roles), order, visible, href))
    NAV_ITEMS.sort(key=lambda item: item.order)


register_nav(_("Home"), "home", order=0)
register_nav(_("Audit trail"), "audit-trail", roles={Role.OFFICE, Role.SUPERVISOR}, order=90)
register_nav(_("Working-day calendar"), "calendar", roles={Role.OFFICE, Role.SUPERVISOR}, order=91)


def items_for(user):
    held = user_roles(user)
    superuser = getattr(user, "is_superuser", False)
    visible = []
    for item in NAV_ITEMS:
        if item.visible is not None:
            if not (getattr(user, "is_authenticated", False) and item.visible(user)):
                continue
        elif item.roles and not (held & item.roles) and not superuser:
            continue
        try:
            url = item.href(user) if item.href is not None else reverse(item.url_name)
        except NoReverseMatch:
            continue
        if not url:
            continue
        visible.append({"label": item.label, "url": url, "name": item.url_name})
    return visible


def navigation(request):
    # Partials rendered with the request (the application page's panels) run the context
    # processors again: the menu and the unread count are worked out once per request.
    cached = getattr(request, "_navigation_context", None)
    if cached is not None:
        return cached
    context = _navigation(request)
    try:
        request._navigation_context = context
    except AttributeError:
        pass
    return context


def _navigation(request):
    user = getattr(request, "user", None)
    unread = 0
    if getattr(user, "is_authenticated", False):
        unread = user.notifications.filter(read_at__isnull=True).count()
    return {
        "unread_notifications": unread,
        "nav_items": items_for(user),
        "user_roles": sorted(user_roles(user)),
        "role_labels": [Role(r).label for r in sorted(user_roles(user))],
    }
