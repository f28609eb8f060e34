"""Filters for the audit trail page: actions and roles by name, changes as rows, not dictionaries."""

import json

from django import template

from award_portal.audit import action_label, role_label

register = template.Library()

register.filter("action_label", action_label)
register.filter("role_label", role_label)

_MISSING = object()


def _text(value) -> str:
    if value is _MISSING or value is None or value == "":
        return "—"
    if isinstance(value, str | int | float | bool):
        return str(value)
    return json.dumps(value, ensure_ascii=False, sort_keys=True)[:300]


@register.filter
def change_rows(event) -> list[tuple[str, str, str]]:
    """(field, before, after) for every key of the entry's before and after, in a stable order."""
    before = event.before if isinstance(event.before, dict) else {"": event.before}
    after = event.after if isinstance(event.after, dict) else {"": event.after}
    keys = list(before) + [k for k in after if k not in before]
    return [(key, _text(before.get(key, _MISSING)) if before else "", _text(after.get(key, _MISSING)))
            for key in keys]
