"""Bilingual data (names of awards, rules, criteria …): Chinese always, English when present."""

from django.utils.translation import get_language, ngettext_lazy


def is_english() -> bool:
    """Whether the active language (the reader's, or the recipient's in a notification) is English."""
    return (get_language() or "zh-hans").startswith("en")


def localized(zh: str, en: str) -> str:
    """The English text when the active language is English and there is one, else the Chinese."""
    if is_english() and en:
        return en
    return zh


#: Messages of Django itself that its own zh_Hans catalogue lacks (Django 5.2 rewrote them and the
#: translation has not followed): listed here so that makemessages keeps them in the portal's
#: catalogue, which translates them, and Chinese pages never show them in English.
DJANGO_MESSAGES_TRANSLATED_HERE = [
    ngettext_lazy("This password is too short. It must contain at least %d character.",
                  "This password is too short. It must contain at least %d characters.", "n"),
]
