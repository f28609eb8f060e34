"""What each user should do next: the home page's to-do list.

Apps register providers when Django starts, as they register menu entries: a provider is
`fn(user) -> list[TodoItem]` and returns only the work that user may see (it reads through the
app's own selectors). The foundation imports no app; apps hand their providers in from
`AppConfig.ready()` (applications today; the review app will add scorecards and votes).
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass

PROVIDERS: list[Callable] = []


@dataclass(frozen=True)
class TodoItem:
    title: str
    url: str
    #: The heading the item is listed under ("Applications awaiting your recommendation").
    section: str
    detail: str = ""
    due: datetime.date | None = None
    overdue: bool = False
    #: Lower comes first within the home page.
    order: int = 50


def register_todo(provider: Callable) -> None:
    """Add a provider once (running `ready()` twice does not double it)."""
    if provider not in PROVIDERS:
        PROVIDERS.append(provider)


def todo_for(user) -> list[dict]:
    """Every provider's items for `user`, grouped by section (sections in the order of their first item)."""
    if not getattr(user, "is_authenticated", False):
        return []
    items = [item for provider in PROVIDERS for item in provider(user)]
    items.sort(key=lambda i: (i.order, not i.overdue, i.due or datetime.date.max))
    sections: dict[str, list[TodoItem]] = {}
    for item in items:
        sections.setdefault(str(item.section), []).append(item)
    return [{"title": title, "items": entries} for title, entries in sections.items()]
