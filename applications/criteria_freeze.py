"""When a criteria version may no longer change: other apps register why (review: experts have
begun scoring a round that uses it). The admin asks `criteria_frozen` to show frozen criteria
read-only instead of offering a form whose save the freeze would refuse."""

from collections.abc import Callable

FREEZES: list[Callable[[int], bool]] = []


def register_freeze(check: Callable[[int], bool]) -> None:
    if check not in FREEZES:
        FREEZES.append(check)


def criteria_frozen(version_id) -> bool:
    return version_id is not None and any(check(version_id) for check in FREEZES)
