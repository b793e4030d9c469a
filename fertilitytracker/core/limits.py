"""Length limits of every free-text field, and the one check every way in calls.

The limits are about what a person types, not clinical facts: a medication or symptom name
fits on a line, a note fits in a paragraph or two. They keep a pasted book or a hostile file
(a 10 MB "name") from freezing the screens, the report and the imports. The same check runs
for the command line, the app and every import format.
"""

from __future__ import annotations

import unicodedata

from fertilitytracker.core.errors import InputError

MEDICATION_NAME_MAX = 80
UNIT_MAX = 20
SYMPTOM_NAME_MAX = 80
METHOD_MAX = 80
PATIENT_NAME_MAX = 120
NOTE_MAX = 2000

# Control characters (NUL, escape, line breaks…) and lone surrogates cannot be shown, printed
# or exported faithfully. Notes may hold line breaks and tabs; nothing else may.
_REFUSED_CATEGORIES = ("Cc", "Cs")
_NOTE_ALLOWED = frozenset("\n\t")


def text_problem(text: str, limit: int, *, multiline: bool = False) -> str | None:
    """Why `text` is refused (too long, or a control character in it), else None.

    The length is checked first, so an enormous text is refused without being scanned.
    """
    if len(text) > limit:
        return f"at most {limit} characters (this has {len(text)})"
    allowed = _NOTE_ALLOWED if multiline else frozenset()
    for char in text:
        if char not in allowed and unicodedata.category(char) in _REFUSED_CATEGORIES:
            if multiline:
                return "cannot contain control characters"
            return "cannot contain line breaks or control characters"
    return None


def check_text(text: str, field: str, limit: int, *, multiline: bool = False) -> str:
    """`text` unchanged, or InputError on `field` saying why it is refused."""
    problem = text_problem(text, limit, multiline=multiline)
    if problem is not None:
        raise InputError(field, problem)
    return text


__all__ = [
    "MEDICATION_NAME_MAX",
    "METHOD_MAX",
    "NOTE_MAX",
    "PATIENT_NAME_MAX",
    "SYMPTOM_NAME_MAX",
    "UNIT_MAX",
    "check_text",
    "text_problem",
]
