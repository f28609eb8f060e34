"""Bilingual data (names of awards, rules, criteria …): Chinese always, English when present."""

from django.utils.translation import get_language


def localized(zh: str, en: str) -> str:
    """The English text when the active language is English and there is one, else the Chinese."""
    if (get_language() or "zh-hans").startswith("en") and en:
        return en
    return zh
