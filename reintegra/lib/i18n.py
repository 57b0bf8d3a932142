"""Bilingual reference data: pick the French or English text of a record.

Configurable labels (service categories, activity types, instruments, flags, profiles, results)
are stored in both languages. The active language decides; an empty translation falls back to the
other language so that a half-filled record never shows a blank label.
"""

from django.utils.translation import get_language


def in_language(english: str, french: str, language: str | None = None) -> str:
    """`french` when `language` (the active one by default) is French, else `english`; never blank if one is set."""
    language = get_language() if language is None else language
    first, second = (french, english) if (language or "").startswith("fr") else (english, french)
    return first or second
