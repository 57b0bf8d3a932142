"""Name, phone and document normalisation for tolerant search and the duplicate check.

West-African names reach the system through French and English spellings of the same
sounds (Mamadou / Mamadu, Diallo / Dialo, Ousmane / Usman, Cheikh / Shaykh). We fold the
usual transliteration variants into one phonetic key per name token and compare full names
with a fuzzy ratio, so a typo or a different spelling still finds the person.
"""

import re

from unidecode import unidecode

_NON_LETTERS = re.compile(r"[^a-z ]+")
_DOUBLES = re.compile(r"(.)\1+")
# Ordered rewrites: digraphs first, then single letters that sound the same.
_REWRITES = [
    ("tch", "c"),
    ("sch", "s"),
    ("sh", "s"),
    ("ch", "s"),
    ("kh", "k"),
    ("gh", "g"),
    ("ph", "f"),
    ("th", "t"),
    ("dj", "j"),
    ("dh", "d"),
    ("ou", "u"),
    ("oo", "u"),
    ("ee", "i"),
    ("ck", "k"),
    ("qu", "k"),
    ("q", "k"),
    ("c", "k"),
    ("x", "ks"),
    ("y", "i"),
    ("w", "u"),
    ("z", "s"),
    ("o", "u"),
    ("e", "i"),
]


def fold(text: str) -> str:
    """Lower-case ASCII letters and single spaces: 'Mamadou  N'Diaye' -> 'mamadou ndiaye'."""
    ascii_text = unidecode(text or "").lower().replace("'", "").replace("-", " ")
    return " ".join(_NON_LETTERS.sub(" ", ascii_text).split())


def token_key(token: str) -> str:
    """A phonetic key for one folded name token; equal for common spelling variants."""
    key = token
    for old, new in _REWRITES:
        key = key.replace(old, new)
    if len(key) > 1:
        key = key[0] + key[1:].replace("h", "")
    key = _DOUBLES.sub(r"\1", key)
    if len(key) > 3 and key.endswith("i") and not token.endswith(("i", "y")):
        key = key[:-1]  # silent final e: Aminatou / Aminat, Jeanne / Jean
    return key


def name_keys(*names: str) -> set[str]:
    """Phonetic keys of every token of the given names (tokens shorter than 2 letters dropped)."""
    return {token_key(tok) for name in names for tok in fold(name).split() if len(tok) >= 2}


def phonetic_name(*names: str) -> str:
    """The full name as sorted phonetic keys, the string the fuzzy ratio compares."""
    return " ".join(sorted(token_key(tok) for name in names for tok in fold(name).split()))


def normalise_phone(raw: str) -> str:
    """Digits only, without a leading 00; international prefixes are kept as typed."""
    digits = re.sub(r"\D", "", raw or "")
    return digits[2:] if digits.startswith("00") else digits


def phone_tail(raw: str) -> str:
    """The last 8 digits: matches a number typed with or without its country code."""
    return normalise_phone(raw)[-8:]


def normalise_document(raw: str) -> str:
    """Upper-case letters and digits only: 'a 12-345 / b' -> 'A12345B'."""
    return re.sub(r"[^A-Z0-9]", "", unidecode(raw or "").upper())
